package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// selfSubjectReviews are asked in this order: v1, then the beta and alpha of older servers.
var selfSubjectReviews = []discovery.Resource{
	{Group: "authentication.k8s.io", Version: "v1", Name: "selfsubjectreviews", Kind: "SelfSubjectReview"},
	{Group: "authentication.k8s.io", Version: "v1beta1", Name: "selfsubjectreviews", Kind: "SelfSubjectReview"},
	{Group: "authentication.k8s.io", Version: "v1alpha1", Name: "selfsubjectreviews", Kind: "SelfSubjectReview"},
}

// WhoAmIOptions holds the flags of `kubex auth whoami`.
type WhoAmIOptions struct {
	Print cmdutil.PrintFlags

	out    io.Writer
	client func() (*client.Client, error)
}

// NewCmdWhoAmI builds `kubex auth whoami`.
func NewCmdWhoAmI(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &WhoAmIOptions{out: streams.Out, client: f.Client}
	cmd := &cobra.Command{
		Use:                   "whoami",
		DisableFlagsInUseLine: true,
		Short:                 "Experimental: Check self subject attributes",
		Long: `Experimental: Check who you are and your attributes (groups, extra).

        This command is helpful to get yourself aware of the current user attributes,
        especially when dynamic authentication, e.g., token webhook, auth proxy, or OIDC provider,
        is enabled in the Kubernetes cluster.`,
		Example: `  # Get your subject attributes
  kubex auth whoami
  
  # Get your subject attributes in JSON format
  kubex auth whoami -o json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Print.Complete(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Print.AddFlags(cmd.Flags())
	return cmd
}

// Run asks the server who the request's user is and prints the answer.
func (o *WhoAmIOptions) Run(ctx context.Context) error {
	c, err := o.client()
	if err != nil {
		return err
	}
	var raw []byte
	for _, t := range selfSubjectReviews {
		raw, err = c.Resource(t, "").Create(ctx, []byte(`{"apiVersion":"`+t.GroupVersion().String()+`","kind":"SelfSubjectReview","metadata":{"creationTimestamp":null},"status":{"userInfo":{}}}`), client.WriteOptions{})
		if !client.IsNotFound(err) {
			break
		}
	}
	switch {
	case client.IsForbidden(err):
		return errors.New("the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it")
	case client.IsNotFound(err):
		return errors.New("the selfsubjectreviews API is not enabled in the cluster\nenable APISelfSubjectReview feature gate and authentication.k8s.io/v1alpha1 or authentication.k8s.io/v1beta1 API")
	case err != nil:
		return err
	}
	switch o.Print.Format().Name {
	case "":
		return printUserInfo(o.out, raw)
	case "json":
		// kubectl prints its typed object: fields in the Go type's order, not sorted.
		var review selfSubjectReview
		if err := json.Unmarshal(raw, &review); err != nil {
			return fmt.Errorf("decoding the SelfSubjectReview: %w", err)
		}
		b, err := json.MarshalIndent(&review, "", "    ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.out, "%s\n", b)
		return err
	case "name":
		p := printers.NewName(o.out, printers.ObjectOptions{Single: true})
		if err := p.PrintObject(printers.Object{Raw: raw}); err != nil {
			return err
		}
		return p.Close()
	}
	p, err := o.Print.ToPrinter(o.out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	if err := p.PrintObject(printers.Object{Raw: raw}); err != nil {
		return err
	}
	return p.Close()
}

// printUserInfo is kubectl's ATTRIBUTE/VALUE table.
func printUserInfo(out io.Writer, raw []byte) error {
	var review selfSubjectReview
	if err := json.Unmarshal(raw, &review); err != nil {
		return fmt.Errorf("decoding the SelfSubjectReview: %w", err)
	}
	ui := review.Status.UserInfo
	w := tabwriter.NewWriter(out, 6, 4, 3, ' ', 0)
	fmt.Fprintf(w, "ATTRIBUTE\tVALUE\n")
	if ui.Username != "" {
		fmt.Fprintf(w, "Username\t%s\n", ui.Username)
	}
	if ui.UID != "" {
		fmt.Fprintf(w, "UID\t%s\n", ui.UID)
	}
	if len(ui.Groups) > 0 {
		fmt.Fprintf(w, "Groups\t%v\n", ui.Groups)
	}
	keys := make([]string, 0, len(ui.Extra))
	for k := range ui.Extra {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "Extra: %s\t%v\n", k, []string(ui.Extra[k]))
	}
	return w.Flush()
}
