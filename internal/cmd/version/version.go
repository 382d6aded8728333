// Package version is `kubex version`.
package version

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/internal/version"
	"github.com/kubex-cli/kubex/pkg/client"
)

// Options holds the flags of `kubex version`.
type Options struct {
	ClientOnly bool
	Output     string

	streams *iostreams.IOStreams
	client  func() (*client.Client, error)
}

// document is what -o json|yaml prints; its keys match kubectl's.
type document struct {
	ClientVersion version.Info    `json:"clientVersion"`
	ServerVersion json.RawMessage `json:"serverVersion,omitempty"`
}

// NewCmdVersion builds `kubex version`.
func NewCmdVersion(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{streams: streams, client: f.Client}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the client and server version information",
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Validate(args); err != nil {
				return err
			}
			return o.Run(cmd)
		},
	}
	cmd.Flags().BoolVar(&o.ClientOnly, "client", false, "If true, shows client version only (no server required).")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "One of 'yaml' or 'json'.")
	return cmd
}

// Validate rejects arguments and output formats other than yaml and json, in kubectl's words.
func (o *Options) Validate(args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("extra arguments: %v", args)
	}
	if o.Output != "" && o.Output != "yaml" && o.Output != "json" {
		return errors.New("--output must be 'yaml' or 'json'")
	}
	return nil
}

// Run prints the client version and, unless --client, the server's /version. When the server cannot be
// reached the client part is still printed and the error follows, as kubectl does.
func (o *Options) Run(cmd *cobra.Command) error {
	doc := document{ClientVersion: version.Get()}
	var serverErr error
	if !o.ClientOnly {
		doc.ServerVersion, serverErr = o.serverVersion(cmd)
	}
	out := o.streams.Out
	switch o.Output {
	case "json":
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\n", b)
	case "yaml":
		b, err := yaml.Marshal(doc)
		if err != nil {
			return err
		}
		out.Write(b)
	default:
		fmt.Fprintf(out, "Client Version: %s\n", doc.ClientVersion.GitVersion)
		if doc.ServerVersion != nil {
			var s struct {
				GitVersion string `json:"gitVersion"`
			}
			if err := json.Unmarshal(doc.ServerVersion, &s); err != nil {
				return fmt.Errorf("decoding the server's /version: %w", err)
			}
			fmt.Fprintf(out, "Server Version: %s\n", s.GitVersion)
		}
	}
	return serverErr
}

// maxVersionBytes bounds the server's /version, a few hundred bytes.
const maxVersionBytes = 1 << 20

func (o *Options) serverVersion(cmd *cobra.Command) (json.RawMessage, error) {
	c, err := o.client()
	if err != nil {
		return nil, err
	}
	b, err := c.Verb(http.MethodGet).AbsPath("/version").RawErrors().MaxBytes(maxVersionBytes).Do(cmd.Context())
	if err != nil {
		return nil, err
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("the server's /version is not JSON")
	}
	return b, nil
}
