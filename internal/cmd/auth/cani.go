package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// The review resources, known without discovery as kubectl's typed clients know them.
var (
	accessReviews = discovery.Resource{Group: "authorization.k8s.io", Version: "v1", Name: "selfsubjectaccessreviews", Kind: "SelfSubjectAccessReview"}
	rulesReviews  = discovery.Resource{Group: "authorization.k8s.io", Version: "v1", Name: "selfsubjectrulesreviews", Kind: "SelfSubjectRulesReview"}
)

var (
	resourceVerbs            = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "use", "bind", "impersonate", "*", "approve", "sign", "escalate", "attest"}
	nonResourceURLVerbs      = []string{"get", "put", "post", "head", "options", "delete", "patch", "*"}
	nonStandardResourceNames = []string{"users", "groups"}
)

// CanIOptions holds the flags of `kubex auth can-i`.
type CanIOptions struct {
	AllNamespaces bool
	Quiet         bool
	NoHeaders     bool
	Subresource   string
	List          bool

	Verb           string
	Group          string
	Resource       string
	resolved       *discovery.Resource // the resource found, nil when it was not
	NonResourceURL string
	ResourceName   string
	Namespace      string

	out    io.Writer
	client *client.Client
	f      *cmdutil.Factory
}

// NewCmdCanI builds `kubex auth can-i`.
func NewCmdCanI(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &CanIOptions{f: f, out: streams.Out}
	cmd := &cobra.Command{
		Use:                   "can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]",
		DisableFlagsInUseLine: true,
		Short:                 "Check whether an action is allowed",
		Long: `Check whether an action is allowed.

 VERB is a logical Kubernetes API verb like 'get', 'list', 'watch', 'delete', etc. TYPE is a Kubernetes resource. Shortcuts and groups will be resolved. NONRESOURCEURL is a partial URL that starts with "/". NAME is the name of a particular Kubernetes resource. This command pairs nicely with impersonation. See --as global flag.`,
		Example: `  # Check to see if I can create pods in any namespace
  kubex auth can-i create pods --all-namespaces
  
  # Check to see if I can list deployments in my current namespace
  kubex auth can-i list deployments.apps
  
  # Check to see if service account "foo" of namespace "dev" can list pods in the namespace "prod"
  # You must be allowed to use impersonation for the global option "--as"
  kubex auth can-i list pods --as=system:serviceaccount:dev:foo -n prod
  
  # Check to see if I can do everything in my current namespace ("*" means all)
  kubex auth can-i '*' '*'
  
  # Check to see if I can get the job named "bar" in namespace "foo"
  kubex auth can-i list jobs.batch/bar -n foo
  
  # Check to see if I can read pod logs
  kubex auth can-i get pods --subresource=log
  
  # Check to see if I can access the URL /logs/
  kubex auth can-i get /logs/
  
  # Check to see if I can approve certificates.k8s.io
  kubex auth can-i approve certificates.k8s.io
  
  # List all allowed actions in namespace "foo"
  kubex auth can-i --list --namespace=foo`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd.Context(), args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			if o.List {
				return o.RunAccessList(cmd.Context())
			}
			allowed, err := o.RunAccessCheck(cmd.Context())
			if err == nil && !allowed {
				return &cmdutil.ExitError{Code: 1}
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If true, check the specified action in all namespaces.")
	fs.BoolVarP(&o.Quiet, "quiet", "q", false, "If true, suppress output and just return the exit code.")
	fs.StringVar(&o.Subresource, "subresource", "", "SubResource such as pod/log or deployment/scale")
	fs.BoolVar(&o.List, "list", false, "If true, prints all allowed actions.")
	fs.BoolVar(&o.NoHeaders, "no-headers", false, "If true, prints allowed actions without headers")
	return cmd
}

// Complete reads the arguments and resolves the resource through discovery.
func (o *CanIOptions) Complete(ctx context.Context, args []string) error {
	if o.List {
		if len(args) != 0 {
			return errors.New("list option must be specified with no arguments")
		}
	} else {
		if o.Quiet {
			o.out = io.Discard
		}
		if len(args) != 2 {
			//lint:ignore ST1005 kubectl's words, its help hint included
			return errors.New("you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubex auth can-i -h' for help and examples.")
		}
		o.Verb = args[0]
		if strings.HasPrefix(args[1], "/") {
			o.NonResourceURL = args[1]
		} else {
			typed, name, _ := strings.Cut(args[1], "/")
			o.ResourceName = name
			c, err := o.f.Client()
			if err != nil {
				return err
			}
			o.client = c
			o.resourceFor(ctx, c, typed)
		}
	}
	if o.client == nil {
		c, err := o.f.Client()
		if err != nil {
			return err
		}
		o.client = c
	}
	if !o.AllNamespaces {
		ns, err := o.f.Namespace()
		if err != nil {
			return err
		}
		o.Namespace = ns
	}
	return nil
}

// resourceFor finds the group and plural name of typed as kubectl's RESTMapper does; a type the server
// does not have is checked as typed, with a warning.
func (o *CanIOptions) resourceFor(ctx context.Context, c *client.Client, typed string) {
	if typed == "*" {
		o.Resource = typed
		return
	}
	r, err := c.Discovery().Resolve(ctx, strings.ToLower(typed))
	if err == nil {
		o.Group, o.Resource, o.resolved = r.Group, r.Name, &r
		return
	}
	// kubectl's ParseResourceArg: "name.group" (or "name.version.group") names a group.
	name, group, _ := strings.Cut(strings.ToLower(typed), ".")
	if !slices.Contains(nonStandardResourceNames, strings.ToLower(typed)) {
		if group == "" {
			o.f.Warn(fmt.Sprintf("the server doesn't have a resource type '%s'\n", name))
		} else {
			o.f.Warn(fmt.Sprintf("the server doesn't have a resource type '%s' in group '%s'\n", name, group))
		}
	}
	o.Resource = typed
}

// Validate rejects contradictory flags and warns about unknown verbs and cluster-scoped resources.
func (o *CanIOptions) Validate() error {
	if o.List {
		if o.Quiet || o.AllNamespaces || o.Subresource != "" {
			return errors.New("list option can't be specified with neither quiet, all-namespaces nor subresource options")
		}
		return nil
	}
	if o.NonResourceURL != "" {
		if o.Subresource != "" {
			return errors.New("--subresource can not be used with NonResourceURL")
		}
		if !slices.Contains(nonResourceURLVerbs, o.Verb) {
			o.f.Warn(fmt.Sprintf("verb '%s' is not a known verb\n", o.Verb))
		}
	} else if o.Resource != "" && !o.AllNamespaces {
		if o.resolved != nil && !o.resolved.Namespaced {
			if o.Group == "" {
				o.f.Warn(fmt.Sprintf("resource '%s' is not namespace scoped\n", o.Resource))
			} else {
				o.f.Warn(fmt.Sprintf("resource '%s' is not namespace scoped in group '%s'\n", o.Resource, o.Group))
			}
		}
		if !slices.Contains(resourceVerbs, o.Verb) {
			o.f.Warn(fmt.Sprintf("verb '%s' is not a known verb\n", o.Verb))
		}
	}
	if o.NoHeaders {
		return errors.New("--no-headers cannot be set without --list specified")
	}
	return nil
}

// RunAccessCheck asks the server whether the action is allowed and prints kubectl's yes or no.
func (o *CanIOptions) RunAccessCheck(ctx context.Context) (bool, error) {
	review := &selfSubjectAccessReview{}
	if o.NonResourceURL == "" {
		review.Spec.ResourceAttributes = &resourceAttributes{
			Namespace: o.Namespace, Verb: o.Verb, Group: o.Group, Resource: o.Resource,
			Subresource: o.Subresource, Name: o.ResourceName,
		}
	} else {
		review.Spec.NonResourceAttributes = &nonResourceAttributes{Verb: o.Verb, Path: o.NonResourceURL}
	}
	api := client.NewAPI[selfSubjectAccessReview](o.client, "", client.ForResource(accessReviews))
	answer, err := api.Create(ctx, review, client.WriteOptions{})
	if err != nil {
		return false, err
	}
	st := answer.Status
	if st.Allowed {
		fmt.Fprintln(o.out, "yes")
		return true, nil
	}
	line := "no"
	if st.Reason != "" {
		line += " - " + st.Reason
	}
	if st.EvaluationError != "" {
		line += " - " + st.EvaluationError
	}
	fmt.Fprintln(o.out, line)
	return false, nil
}

// RunAccessList prints the rules the server says apply in the namespace, as kubectl's table.
func (o *CanIOptions) RunAccessList(ctx context.Context) error {
	review := &selfSubjectRulesReview{Spec: selfSubjectRulesReviewSpec{Namespace: o.Namespace}}
	api := client.NewAPI[selfSubjectRulesReview](o.client, "", client.ForResource(rulesReviews))
	answer, err := api.Create(ctx, review, client.WriteOptions{})
	if err != nil {
		return err
	}
	st := answer.Status
	if st.Incomplete {
		o.f.Warn(fmt.Sprintf("the list may be incomplete: %v", st.EvaluationError))
	}
	var rules []rule
	for _, r := range st.ResourceRules {
		rules = append(rules, breakdown(rule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames})...)
	}
	for _, r := range st.NonResourceRules {
		rules = append(rules, breakdown(rule{Verbs: r.Verbs, NonResourceURLs: r.NonResourceURLs})...)
	}
	rules = compact(rules)
	slices.SortStableFunc(rules, func(a, b rule) int { return strings.Compare(a.String(), b.String()) })

	w := tabwriter.NewWriter(o.out, 6, 4, 3, ' ', 0)
	if !o.NoHeaders {
		fmt.Fprintf(w, "%s\n", strings.Join([]string{"Resources", "Non-Resource URLs", "Resource Names", "Verbs"}, "\t"))
	}
	for _, r := range rules {
		fmt.Fprintf(w, "%s\t%v\t%v\t%v\n", combineResourceGroup(r.Resources, r.APIGroups), r.NonResourceURLs, r.ResourceNames, r.Verbs)
	}
	return w.Flush()
}
