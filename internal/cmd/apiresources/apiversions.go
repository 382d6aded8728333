package apiresources

import (
	"context"
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// APIVersionsOptions holds what `kubex api-versions` needs.
type APIVersionsOptions struct {
	deps      Deps
	streams   *iostreams.IOStreams
	discovery *discovery.Discovery
}

// NewCmdAPIVersions builds `kubex api-versions`.
func NewCmdAPIVersions(deps Deps, streams *iostreams.IOStreams) *cobra.Command {
	o := &APIVersionsOptions{deps: deps, streams: streams}
	return &cobra.Command{
		Use:                   "api-versions",
		Short:                 `Print the supported API versions on the server, in the form of "group/version"`,
		Long:                  `Print the supported API versions on the server, in the form of "group/version".`,
		Example:               "  # Print the supported API versions\n  kubex api-versions",
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
}

// Complete rejects arguments and gets discovery.
func (o *APIVersionsOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 0 {
		return cmdutil.UsageErrorf(cmd, "unexpected arguments: %v", args)
	}
	c, err := o.deps.Client()
	if err != nil {
		return err
	}
	o.discovery = c.Discovery()
	return nil
}

// Run prints every served group version, sorted.
func (o *APIVersionsOptions) Run(ctx context.Context) error {
	o.discovery.Invalidate()
	groups, err := o.discovery.Groups(ctx)
	if err != nil {
		return fmt.Errorf("couldn't get available api versions from server: %v", err)
	}
	var versions []string
	for _, g := range groups {
		for _, v := range g.Versions {
			versions = append(versions, discovery.GroupVersion{Group: g.Name, Version: v}.String())
		}
	}
	sort.Strings(versions)
	for _, v := range versions {
		fmt.Fprintln(o.streams.Out, v)
	}
	return nil
}
