package create

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/printers"
)

func init() {
	extraGenerators = append(extraGenerators, newCmdToken)
}

// boundObjectKinds are the kinds a token can be bound to, and their apiVersion.
var boundObjectKinds = map[string]string{"Node": "v1", "Pod": "v1", "Secret": "v1"}

type boundObjectRef struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
	Name       string `json:"name,omitempty"`
	UID        string `json:"uid,omitempty"`
}

type tokenRequest struct {
	Kind       string `json:"kind"`
	APIVersion string `json:"apiVersion"`
	Metadata   struct {
		Name      string `json:"name,omitempty"`
		Namespace string `json:"namespace,omitempty"`
	} `json:"metadata"`
	Spec struct {
		Audiences         []string        `json:"audiences"`
		ExpirationSeconds *int64          `json:"expirationSeconds,omitempty"`
		BoundObjectRef    *boundObjectRef `json:"boundObjectRef,omitempty"`
	} `json:"spec"`
	Status struct {
		Token string `json:"token"`
	} `json:"status"`
}

// TokenOptions holds the flags of `kubex create token`.
type TokenOptions struct {
	Print           cmdutil.PrintFlags
	Audiences       []string
	Duration        time.Duration
	BoundObjectKind string
	BoundObjectName string
	BoundObjectUID  string

	name, namespace string
	f               *cmdutil.Factory
	streams         *iostreams.IOStreams
}

func newCmdToken(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &TokenOptions{f: f, streams: streams}
	cmd := &cobra.Command{
		Use:   "token SERVICE_ACCOUNT_NAME",
		Short: "Request a service account token",
		Long:  "Request a service account token.",
		Example: `  # Request a token to authenticate to the kube-apiserver as the service account "myapp" in the current namespace
  kubex create token myapp

  # Request a token for a service account in a custom namespace
  kubex create token myapp --namespace myns

  # Request a token with a custom expiration
  kubex create token myapp --duration 10m

  # Request a token with a custom audience
  kubex create token myapp --audience https://example.com

  # Request a token bound to an instance of a Secret object
  kubex create token myapp --bound-object-kind Secret --bound-object-name mysecret

  # Request a token bound to an instance of a Secret object with a specific UID
  kubex create token myapp --bound-object-kind Secret --bound-object-name mysecret --bound-object-uid 0d4691ed-659b-4935-a832-355f77ee47cc`,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd)
		},
	}
	fs := cmd.Flags()
	o.Print.AddFlags(fs)
	fs.StringArrayVar(&o.Audiences, "audience", nil, "Audience of the requested token. If unset, defaults to requesting a token for use with the Kubernetes API server. May be repeated to request a token valid for multiple audiences.")
	fs.DurationVar(&o.Duration, "duration", 0, "Requested lifetime of the issued token. If not set or if set to 0, the lifetime will be determined by the server automatically. The server may return a token with a longer or shorter lifetime.")
	fs.StringVar(&o.BoundObjectKind, "bound-object-kind", "", "Kind of an object to bind the token to. Supported kinds are Node, Pod, Secret. If set, --bound-object-name must be provided.")
	fs.StringVar(&o.BoundObjectName, "bound-object-name", "", "Name of an object to bind the token to. The token will expire when the object is deleted. Requires --bound-object-kind.")
	fs.StringVar(&o.BoundObjectUID, "bound-object-uid", "", "UID of an object to bind the token to. Requires --bound-object-kind and --bound-object-name. If unset, the UID of the existing object is used.")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(cmdutil.ObjectFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// Complete reads the service account's name, the namespace and the printer flags.
func (o *TokenOptions) Complete(cmd *cobra.Command, args []string) error {
	name, err := nameFromArgs(cmd.ArgsLenAtDash(), args)
	if err != nil {
		return cmdutil.UsageErrorf(cmd, "%s", err.Error())
	}
	o.name = name
	r, err := o.f.Resolved()
	if err != nil {
		return err
	}
	o.namespace = r.Namespace
	return o.Print.Complete()
}

// Validate checks the flags in kubectl's order and with its words.
func (o *TokenOptions) Validate() error {
	switch {
	case o.name == "":
		return errors.New("service account name is required")
	case o.namespace == "":
		return errors.New("--namespace is required")
	case o.Duration < 0:
		return errors.New("--duration must be greater than or equal to 0")
	case o.Duration%time.Second != 0:
		return errors.New("--duration cannot be expressed in units less than seconds")
	}
	for _, aud := range o.Audiences {
		if aud == "" {
			return errors.New("--audience must not be an empty string")
		}
	}
	if o.BoundObjectKind == "" {
		if o.BoundObjectName != "" {
			return errors.New("--bound-object-name can only be set if --bound-object-kind is provided")
		}
		if o.BoundObjectUID != "" {
			return errors.New("--bound-object-uid can only be set if --bound-object-kind is provided")
		}
		return nil
	}
	if _, ok := boundObjectKinds[o.BoundObjectKind]; !ok {
		return errors.New("supported --bound-object-kind values are Node, Pod, Secret")
	}
	if o.BoundObjectName == "" {
		return errors.New("--bound-object-name is required if --bound-object-kind is provided")
	}
	return nil
}

// Run posts a TokenRequest to the service account's token subresource and prints the token (or, with
// -o, the TokenRequest).
func (o *TokenOptions) Run(cmd *cobra.Command) error {
	ctx := cmd.Context()
	req := tokenRequest{Kind: "TokenRequest", APIVersion: "authentication.k8s.io/v1"}
	req.Spec.Audiences = o.Audiences
	if o.Duration > 0 {
		s := int64(o.Duration / time.Second)
		req.Spec.ExpirationSeconds = &s
	}
	if o.BoundObjectKind != "" {
		req.Spec.BoundObjectRef = &boundObjectRef{Kind: o.BoundObjectKind, APIVersion: boundObjectKinds[o.BoundObjectKind],
			Name: o.BoundObjectName, UID: o.BoundObjectUID}
	}
	c, err := o.f.Client()
	if err != nil {
		return err
	}
	r, err := c.ResourceForKind(ctx, "v1", "ServiceAccount", o.namespace)
	if err != nil {
		return err
	}
	raw, err := r.Request("POST", o.name, "token").JSON(req).Do(ctx)
	if err != nil {
		return fmt.Errorf("failed to create token: %v", err)
	}
	var resp tokenRequest
	if err := json.Unmarshal(raw, &resp); err != nil {
		return err
	}
	if resp.Status.Token == "" {
		return errors.New("failed to create token: no token in server response")
	}
	if o.Print.Output != "" {
		return o.print(raw, resp)
	}
	if o.streams.IsStdoutTTY() {
		_, err = fmt.Fprintf(o.streams.Out, "%s\n", resp.Status.Token)
	} else {
		_, err = fmt.Fprintf(o.streams.Out, "%s", resp.Status.Token)
	}
	return err
}

// print writes the TokenRequest the server answered with -o.
func (o *TokenOptions) print(raw []byte, resp tokenRequest) error {
	f := o.Print.Format()
	if !o.Print.Objects() {
		p := &cmdutil.ResultPrinter{Out: o.streams.Out, Name: f.Name == "name"}
		typ := discovery.Resource{Group: "authentication.k8s.io", Version: "v1", Kind: "TokenRequest"}
		return p.Print(client.Ref{Type: typ, Name: resp.Metadata.Name}, "created")
	}
	if f.Name == "json" {
		b, err := indentTyped(raw, o.Print.ShowManagedFields)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(o.streams.Out, "%s\n", b)
		return err
	}
	p, err := o.Print.ToPrinter(o.streams.Out, printers.ObjectOptions{Single: true})
	if err != nil {
		return err
	}
	if err := p.PrintObject(printers.Object{Raw: raw}); err != nil {
		return err
	}
	return p.Close()
}
