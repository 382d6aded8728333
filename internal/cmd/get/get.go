// Package get is `kubex get`. So far it serves --raw, which streams any API path to stdout; listing
// resources with printers comes with pkg/printers.
package get

import (
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
)

// Options holds the flags of `kubex get`.
type Options struct {
	Raw string

	streams *iostreams.IOStreams
	client  func() (*client.Client, error)
}

// NewCmdGet builds `kubex get`.
func NewCmdGet(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{streams: streams, client: f.Client}
	cmd := &cobra.Command{
		Use:   "get --raw PATH",
		Short: "Display one or many resources",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(cmd, args); err != nil {
				return err
			}
			return o.Run(cmd)
		},
	}
	cmd.Flags().StringVar(&o.Raw, "raw", "", "Raw URI to request from the server.  Uses the transport specified by the kubeconfig file.")
	return cmd
}

// Validate accepts what kubectl accepts with --raw: a URL path and no arguments.
func (o *Options) Validate(cmd *cobra.Command, args []string) error {
	if o.Raw == "" {
		return cmdutil.UsageErrorf(cmd, "only --raw is supported so far: listing resources is not implemented yet")
	}
	if len(args) > 0 {
		return fmt.Errorf("arguments may not be passed when --raw is specified")
	}
	u, err := url.ParseRequestURI(o.Raw)
	if err != nil {
		return fmt.Errorf("--raw must be a valid URL path: %v", err)
	}
	if u.Host != "" {
		// As kubectl: of a whole URL only the path and query count; the server is the configured one.
		o.Raw = u.RequestURI()
	}
	return nil
}

// Run streams the answer to stdout without holding it in memory.
func (o *Options) Run(cmd *cobra.Command) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	req, err := c.NewRequest(cmd.Context(), http.MethodGet, o.Raw, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	// As kubectl's --raw: the error names no resource, since the path may not be one.
	if err := client.ErrorFromRawResponse(resp); err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(o.streams.Out, resp.Body)
	return err
}
