package create

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

func init() {
	extraGenerators = append(extraGenerators, newCmdRole, newCmdClusterRole, newCmdRoleBinding, newCmdClusterRoleBinding)
}

type policyRule struct {
	Verbs           []string `json:"verbs"`
	APIGroups       []string `json:"apiGroups,omitempty"`
	Resources       []string `json:"resources,omitempty"`
	ResourceNames   []string `json:"resourceNames,omitempty"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

type labelSelector struct {
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

type aggregationRule struct {
	ClusterRoleSelectors []labelSelector `json:"clusterRoleSelectors,omitempty"`
}

type roleObj struct {
	base
	Rules           []policyRule     `json:"rules"`
	AggregationRule *aggregationRule `json:"aggregationRule,omitempty"`
}

type roleRef struct {
	APIGroup string `json:"apiGroup"`
	Kind     string `json:"kind"`
	Name     string `json:"name"`
}

type subject struct {
	Kind      string `json:"kind"`
	APIGroup  string `json:"apiGroup,omitempty"`
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"`
}

type bindingObj struct {
	base
	Subjects []subject `json:"subjects,omitempty"`
	RoleRef  roleRef   `json:"roleRef"`
}

const rbacGroup = "rbac.authorization.k8s.io"

var (
	validResourceVerbs    = []string{"*", "get", "delete", "list", "create", "update", "patch", "watch", "proxy", "deletecollection", "use", "bind", "escalate", "impersonate"}
	validNonResourceVerbs = []string{"*", "get", "post", "put", "delete", "patch", "head", "options"}
	// specialVerbs are the verbs that apply only to some resources ("group/resource").
	specialVerbs = map[string][]string{
		"use":         {"policy/podsecuritypolicies", "extensions/podsecuritypolicies"},
		"bind":        {rbacGroup + "/roles", rbacGroup + "/clusterroles"},
		"escalate":    {rbacGroup + "/roles", rbacGroup + "/clusterroles"},
		"impersonate": {"/users", "/serviceaccounts", "/groups", "authentication.k8s.io/userextras", "authentication.k8s.io/uids"},
	}
)

// ruleFlags are the flags of create role and create clusterrole.
type ruleFlags struct {
	verbs, resources, resourceNames []string
}

type resourceSpec struct{ resource, group, subresource string }

func (r *ruleFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringSliceVar(&r.verbs, "verb", nil, "Verb that applies to the resources contained in the rule")
	fs.StringSliceVar(&r.resources, "resource", []string{}, "Resource that the rule applies to")
	fs.StringArrayVar(&r.resourceNames, "resource-name", nil, "Resource in the white list that the rule applies to, repeat this flag for multiple items")
}

func dedup(in []string) []string {
	out := []string{}
	for _, v := range in {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// complete is kubectl's reading of --verb ("*" alone wins), --resource and --resource-name.
func (r *ruleFlags) complete() (verbs []string, resources []resourceSpec, names []string) {
	verbs = []string{}
	for _, v := range r.verbs {
		if v == "*" {
			verbs = []string{"*"}
			break
		}
		if !slices.Contains(verbs, v) {
			verbs = append(verbs, v)
		}
	}
	for _, s := range r.resources {
		res, sub, hasSub := strings.Cut(s, "/")
		name, group, hasGroup := strings.Cut(res, ".")
		rs := resourceSpec{resource: name, group: group, subresource: sub}
		if name == "*" && !hasGroup && !hasSub {
			resources = []resourceSpec{rs}
			break
		}
		resources = append(resources, rs)
	}
	return verbs, resources, dedup(r.resourceNames)
}

// resolve is the RESTMapper's ResourceFor: the served group and plural of a resource as typed.
func resolve(ctx context.Context, d *discovery.Discovery, r resourceSpec) (group, resource string, err error) {
	typed := r.resource
	if r.group != "" {
		typed += "." + r.group
	}
	t, err := d.Resolve(ctx, typed)
	if err != nil {
		var nf *discovery.NotFoundError
		if errors.As(err, &nf) {
			if r.group != "" {
				err = bareError(fmt.Sprintf("the server doesn't have a resource type %q in group %q", r.resource, r.group))
			} else {
				err = bareError(fmt.Sprintf("the server doesn't have a resource type %q", r.resource))
			}
		}
		return r.group, r.resource, err
	}
	return t.Group, t.Name, nil
}

// validateResources is kubectl's validateResource: every resource known (or "*"), the special verbs only
// on their resources.
func validateResources(ctx context.Context, d *discovery.Discovery, verbs []string, resources []resourceSpec) error {
	for _, r := range resources {
		if r.resource == "" {
			return errors.New("resource must be specified if apiGroup/subresource specified")
		}
		if r.resource == "*" {
			return nil
		}
		group, resource, err := resolve(ctx, d, r)
		for _, v := range verbs {
			if allowed, ok := specialVerbs[v]; ok {
				if !slices.Contains(allowed, group+"/"+resource) {
					return fmt.Errorf("can not perform '%s' on '%s' in group '%s'", v, resource, group)
				}
				err = nil
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// policyRules is kubectl's generateResourcePolicyRules: one rule per API group, in group order, then one
// for the non-resource URLs.
func policyRules(ctx context.Context, d *discovery.Discovery, verbs []string, resources []resourceSpec, names, urls []string) []policyRule {
	byGroup := map[string][]string{}
	for _, r := range resources {
		group, resource := r.group, r.resource
		if r.resource != "*" {
			group, resource, _ = resolve(ctx, d, r)
		}
		if r.subresource != "" {
			resource += "/" + r.subresource
		}
		if !slices.Contains(byGroup[group], resource) {
			byGroup[group] = append(byGroup[group], resource)
		}
	}
	groups := make([]string, 0, len(byGroup))
	for g := range byGroup {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	rules := []policyRule{}
	for _, g := range groups {
		rules = append(rules, policyRule{Verbs: verbs, Resources: byGroup[g], APIGroups: []string{g}, ResourceNames: names})
	}
	if len(urls) > 0 {
		rules = append(rules, policyRule{Verbs: verbs, NonResourceURLs: urls})
	}
	return rules
}

func (o *common) discovery() (*discovery.Discovery, error) {
	c, err := o.f.Client()
	if err != nil {
		return nil, err
	}
	return c.Discovery(), nil
}

func (o *common) warnVerbs(verbs []string) {
	for _, v := range verbs {
		if !slices.Contains(validResourceVerbs, v) {
			fmt.Fprintf(o.streams.ErrOut, "Warning: '%s' is not a standard resource verb\n", v)
		}
	}
}

func newCmdRole(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var rf ruleFlags
	cmd := newGenerator(&o, genSpec{
		use:   "role NAME --verb=verb --resource=resource.group/subresource [--resource-name=resourcename] [--dry-run=server|client|none]",
		short: "Create a role with single rule",
		long:  "Create a role with single rule.",
		example: `  # Create a role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods
  kubex create role pod-reader --verb=get --verb=list --verb=watch --resource=pods

  # Create a role named "pod-reader" with ResourceName specified
  kubex create role pod-reader --verb=get --resource=pods --resource-name=readablepod --resource-name=anotherpod

  # Create a role named "foo" with API Group specified
  kubex create role foo --verb=get,list,watch --resource=rs.apps

  # Create a role named "foo" with SubResource specified
  kubex create role foo --verb=get,list,watch --resource=pods,pods/status`,
		build: func(ctx context.Context, name string, _ []string) (generated, error) {
			verbs, resources, names := rf.complete()
			d, err := o.discovery()
			if err != nil {
				return nil, err
			}
			if len(verbs) == 0 {
				return nil, errors.New("at least one verb must be specified")
			}
			o.warnVerbs(verbs)
			if len(resources) == 0 {
				return nil, errors.New("at least one resource must be specified")
			}
			if err := validateResources(ctx, d, verbs, resources); err != nil {
				return nil, err
			}
			return &roleObj{base: newBase(rbacGroup+"/v1", "Role", name, o.enforced()),
				Rules: policyRules(ctx, d, verbs, resources, names, nil)}, nil
		},
	})
	rf.add(cmd)
	return cmd
}

func newCmdClusterRole(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var rf ruleFlags
	var urls []string
	agg := mapFlag{}
	cmd := newGenerator(&o, genSpec{
		use:   "clusterrole NAME --verb=verb --resource=resource.group [--resource-name=resourcename] [--dry-run=server|client|none]",
		short: "Create a cluster role",
		long:  "Create a cluster role.",
		example: `  # Create a cluster role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods
  kubex create clusterrole pod-reader --verb=get,list,watch --resource=pods

  # Create a cluster role named "foo" with SubResource specified
  kubex create clusterrole foo --verb=get,list,watch --resource=pods,pods/status

  # Create a cluster role name "foo" with NonResourceURL specified
  kubex create clusterrole "foo" --verb=get --non-resource-url=/logs/*

  # Create a cluster role name "monitoring" with AggregationRule specified
  kubex create clusterrole monitoring --aggregation-rule="rbac.example.com/aggregate-to-monitoring=true"`,
		build: func(ctx context.Context, name string, _ []string) (generated, error) {
			urls := dedup(urls)
			verbs, resources, names := rf.complete()
			d, err := o.discovery()
			if err != nil {
				return nil, err
			}
			obj := &roleObj{base: newBase(rbacGroup+"/v1", "ClusterRole", name, "")}
			if len(agg) > 0 {
				if len(urls) > 0 || len(verbs) > 0 || len(resources) > 0 || len(names) > 0 {
					return nil, errors.New("aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames")
				}
				obj.AggregationRule = &aggregationRule{ClusterRoleSelectors: []labelSelector{{MatchLabels: agg}}}
				return obj, nil
			}
			switch {
			case len(verbs) == 0:
				return nil, errors.New("at least one verb must be specified")
			case len(resources) == 0 && len(urls) == 0:
				return nil, errors.New("one of resource or nonResourceURL must be specified")
			}
			if len(resources) > 0 {
				o.warnVerbs(verbs)
				if err := validateResources(ctx, d, verbs, resources); err != nil {
					return nil, err
				}
			}
			if len(urls) > 0 {
				for _, v := range verbs {
					if !slices.Contains(validNonResourceVerbs, v) {
						return nil, fmt.Errorf("invalid verb: '%s' for nonResourceURL", v)
					}
				}
				for _, u := range urls {
					switch {
					case u == "*":
					case u == "" || !strings.HasPrefix(u, "/"):
						return nil, errors.New("nonResourceURL should start with /")
					case strings.ContainsRune(u[:len(u)-1], '*'):
						return nil, errors.New("nonResourceURL only supports wildcard matches when '*' is at the end")
					}
				}
			}
			obj.Rules = policyRules(ctx, d, verbs, resources, names, urls)
			return obj, nil
		},
	})
	fs := cmd.Flags()
	fs.StringSliceVar(&rf.verbs, "verb", nil, "Verb that applies to the resources contained in the rule")
	fs.StringSliceVar(&urls, "non-resource-url", nil, "A partial url that user should have access to.")
	fs.StringSliceVar(&rf.resources, "resource", []string{}, "Resource that the rule applies to")
	fs.StringArrayVar(&rf.resourceNames, "resource-name", nil, "Resource in the white list that the rule applies to, repeat this flag for multiple items")
	fs.Var(agg, "aggregation-rule", "An aggregation label selector for combining ClusterRoles.")
	return cmd
}

// mapFlag is a key=value,... flag (component-base's MapStringString).
type mapFlag map[string]string

func (m mapFlag) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + m[k]
	}
	return strings.Join(pairs, ",")
}

func (m mapFlag) Set(v string) error {
	for _, pair := range strings.Split(v, ",") {
		if pair == "" {
			continue
		}
		k, val, ok := strings.Cut(pair, "=")
		if !ok {
			return fmt.Errorf("malformed pair, expect string=string")
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(val)
	}
	return nil
}

func (m mapFlag) Type() string { return "mapStringString" }

// bindingFlags are the subjects of a binding.
type bindingFlags struct {
	clusterRole, role              string
	users, groups, serviceAccounts []string
}

func (b *bindingFlags) subjects() ([]subject, error) {
	var out []subject
	for _, u := range b.users {
		out = append(out, subject{Kind: "User", APIGroup: rbacGroup, Name: u})
	}
	for _, g := range b.groups {
		out = append(out, subject{Kind: "Group", APIGroup: rbacGroup, Name: g})
	}
	for _, sa := range b.serviceAccounts {
		parts := strings.Split(sa, ":")
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			return nil, errors.New("serviceaccount must be <namespace>:<name>")
		}
		out = append(out, subject{Kind: "ServiceAccount", Namespace: parts[0], Name: parts[1]})
	}
	return out, nil
}

func (b *bindingFlags) addSubjects(cmd *cobra.Command, what string) {
	fs := cmd.Flags()
	fs.StringArrayVar(&b.users, "user", nil, "Usernames to bind to the "+what+". The flag can be repeated to add multiple users.")
	fs.StringArrayVar(&b.groups, "group", nil, "Groups to bind to the "+what+". The flag can be repeated to add multiple groups.")
	fs.StringArrayVar(&b.serviceAccounts, "serviceaccount", nil, "Service accounts to bind to the "+what+", in the format <namespace>:<name>. The flag can be repeated to add multiple service accounts.")
}

func newCmdRoleBinding(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var b bindingFlags
	cmd := newGenerator(&o, genSpec{
		use:   "rolebinding NAME --clusterrole=NAME|--role=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]",
		short: "Create a role binding for a particular role or cluster role",
		long:  "Create a role binding for a particular role or cluster role.",
		example: `  # Create a role binding for user1, user2, and group1 using the admin cluster role
  kubex create rolebinding admin --clusterrole=admin --user=user1 --user=user2 --group=group1

  # Create a role binding for service account monitoring:sa-dev using the admin role
  kubex create rolebinding admin-binding --role=admin --serviceaccount=monitoring:sa-dev`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			if (b.clusterRole == "") == (b.role == "") {
				return nil, errors.New("exactly one of clusterrole or role must be specified")
			}
			obj := &bindingObj{base: newBase(rbacGroup+"/v1", "RoleBinding", name, o.enforced())}
			if b.role != "" {
				obj.RoleRef = roleRef{APIGroup: rbacGroup, Kind: "Role", Name: b.role}
			} else {
				obj.RoleRef = roleRef{APIGroup: rbacGroup, Kind: "ClusterRole", Name: b.clusterRole}
			}
			var err error
			obj.Subjects, err = b.subjects()
			return obj, err
		},
		wrap: wrapf("failed to create rolebinding: "),
	})
	cmd.Flags().StringVar(&b.clusterRole, "clusterrole", "", "ClusterRole this RoleBinding should reference")
	cmd.Flags().StringVar(&b.role, "role", "", "Role this RoleBinding should reference")
	b.addSubjects(cmd, "role")
	return cmd
}

func newCmdClusterRoleBinding(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var b bindingFlags
	cmd := newGenerator(&o, genSpec{
		use:     "clusterrolebinding NAME --clusterrole=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]",
		short:   "Create a cluster role binding for a particular cluster role",
		long:    "Create a cluster role binding for a particular cluster role.",
		example: "  # Create a cluster role binding for user1, user2, and group1 using the cluster-admin cluster role\n  kubex create clusterrolebinding cluster-admin --clusterrole=cluster-admin --user=user1 --user=user2 --group=group1",
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			obj := &bindingObj{base: newBase(rbacGroup+"/v1", "ClusterRoleBinding", name, ""),
				RoleRef: roleRef{APIGroup: rbacGroup, Kind: "ClusterRole", Name: b.clusterRole}}
			var err error
			obj.Subjects, err = b.subjects()
			return obj, err
		},
		wrap: wrapf("failed to create clusterrolebinding: "),
	})
	cmd.Flags().StringVar(&b.clusterRole, "clusterrole", "", "ClusterRole this ClusterRoleBinding should reference")
	_ = cmd.MarkFlagRequired("clusterrole")
	b.addSubjects(cmd, "clusterrole")
	return cmd
}

// bareError is printed without kubectl's "error: " prefix, as kubectl prints a RESTMapper's
// NoResourceMatchError.
type bareError string

func (e bareError) Error() string       { return string(e) }
func (e bareError) UserMessage() string { return string(e) }
