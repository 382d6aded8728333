package cmdutil

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/version"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

// KubeconfigNames completes the names of one kind of kubeconfig entry (config.KindContext, KindCluster or
// KindUser) from the files the command line selects, for flags such as --context and for arguments such
// as `config use-context NAME` (wrapped in FirstArg).
func KubeconfigNames(load func() (*config.Stack, error), kind config.EntryKind) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		s, err := load()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, n := range s.Merged().Names(kind) {
			if strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// FirstArg completes only a command's first argument with complete.
func FirstArg(complete cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, args, toComplete)
	}
}

// CompletionTimeout bounds how long a Tab may wait for the server: an unreachable cluster gives no
// completions after this long, rather than hanging the shell.
const CompletionTimeout = time.Second

// completer is what a dynamic completion needs, built for one Tab: a client that prints nothing (no
// warnings, no -v output, no interactive credential prompt), discovery that answers from its disk cache
// when that is fresh, and a deadline.
type completer struct {
	ctx    context.Context
	client *client.Client
	disc   *discovery.Discovery
	ns     string // the namespace the line selects (-n, or the context's)
	allNS  bool   // -A
}

// newCompleter reads what the flags typed earlier on the line select: cobra has parsed them into
// f.Overrides (and cmd's own flags) before it calls a completion function.
func (f *Factory) newCompleter(cmd *cobra.Command) (*completer, context.CancelFunc, error) {
	r, err := f.Resolved()
	if err != nil {
		return nil, nil, err
	}
	c, err := client.New(r,
		client.WithTransportOptions(transport.Options{
			Version:          version.Get().GitVersion,
			Environ:          f.Environ,
			DebugOut:         io.Discard,
			Stderr:           io.Discard,
			StdinUnavailable: true, // a Tab must never wait for a credential prompt
		}),
		client.WithCacheDir(client.DefaultCacheDir(f.Getenv)))
	if err != nil {
		return nil, nil, err
	}
	d := c.Discovery()
	d.PreferCache()
	ctx := context.Background()
	if cmd != nil && cmd.Context() != nil {
		ctx = cmd.Context()
	}
	ctx, cancel := context.WithTimeout(ctx, CompletionTimeout)
	cp := &completer{ctx: ctx, client: c, disc: d, ns: r.Namespace}
	if cmd != nil {
		if fl := cmd.Flags().Lookup("all-namespaces"); fl != nil && fl.Value.String() == "true" {
			cp.allNS = true
		}
	}
	return cp, cancel, nil
}

// types lists the listable resource types starting with prefix, sorted.
func (c *completer) types(prefix string) []cobra.Completion {
	rs, _ := c.disc.PreferredResources(c.ctx)
	var out []cobra.Completion
	for _, r := range rs {
		if strings.Contains(r.Name, "/") || !r.HasVerb("list") || !strings.HasPrefix(r.Name, prefix) {
			continue
		}
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// pods need no discovery: every server has them (listable, which client.PodsType does not say).
var pods = discovery.Resource{Name: "pods", Version: "v1", Kind: "Pod", Namespaced: true, Verbs: []string{"list"}}

// names lists the names of typed (as the user typed it: "po", "deploy.apps") starting with prefix, in
// the line's namespace (all of them with -A), sorted, each preceded by before ("pod/" for the TYPE/NAME
// form), leaving out those in skip.
func (c *completer) names(typed, prefix, before string, skip []string) []cobra.Completion {
	if typed == "" || strings.Contains(typed, ",") {
		return nil
	}
	r, err := c.disc.Resolve(c.ctx, typed)
	if err != nil {
		return nil
	}
	return c.namesOf(r, prefix, before, skip)
}

// namesOf is names for a resolved resource.
func (c *completer) namesOf(r discovery.Resource, prefix, before string, skip []string) []cobra.Completion {
	if !r.HasVerb("list") {
		return nil
	}
	ns := c.ns
	if c.allNS {
		ns = ""
	}
	names, _ := c.client.Resource(r, ns).ListNames(c.ctx, client.ListOptions{Limit: 500})
	var out []cobra.Completion
	for _, n := range names {
		if strings.HasPrefix(n, prefix) && !slices.Contains(skip, before+n) {
			out = append(out, before+n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// tupleNames completes "TYPE/NAME-PREFIX" with TYPE/NAME of existing objects.
func (c *completer) tupleNames(toComplete string, skip []string) []cobra.Completion {
	typed, prefix, _ := strings.Cut(toComplete, "/")
	return c.names(typed, prefix, typed+"/", skip)
}

// CompleteResources completes the arguments of resource commands (get, watch, delete, wait, patch...):
// the first is a resource type, from the discovery cache (no request when it is fresh); then names of
// that type, and TYPE/NAME once a slash is typed ("pod/<TAB>"), only names fetched, within
// CompletionTimeout.
func CompleteResources(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		c, cancel, err := f.newCompleter(cmd)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer cancel()
		switch {
		case strings.Contains(toComplete, "/"):
			return c.tupleNames(toComplete, args), cobra.ShellCompDirectiveNoFileComp
		case len(args) == 0:
			return c.types(toComplete), cobra.ShellCompDirectiveNoFileComp
		case strings.Contains(args[0], "/"):
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return c.names(args[0], toComplete, "", args[1:]), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompletePods completes the one POD (or TYPE/NAME) argument of exec, attach, logs and port-forward.
func CompletePods(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		c, cancel, err := f.newCompleter(cmd)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer cancel()
		if strings.Contains(toComplete, "/") {
			return c.tupleNames(toComplete, nil), cobra.ShellCompDirectiveNoFileComp
		}
		return c.namesOf(pods, toComplete, "", nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteNamespaces completes a namespace name (-n, `kubex ns`) of the cluster the line selects.
func CompleteNamespaces(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		c, cancel, err := f.newCompleter(cmd)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer cancel()
		return c.namesOf(client.NamespacesType, toComplete, "", nil), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteContainers completes -c with the containers (init containers too) of the pod named on the
// line, as POD or pod/POD.
func CompleteContainers(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		pod := args[0]
		if typed, name, ok := strings.Cut(pod, "/"); ok {
			if typed != "pod" && typed != "pods" && typed != "po" {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			pod = name
		}
		c, cancel, err := f.newCompleter(cmd)
		if err != nil || pod == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		defer cancel()
		body, err := c.client.Pods(c.ns).Get(c.ctx, pod, client.GetOptions{})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		type container struct {
			Name string `json:"name"`
		}
		var obj struct {
			Spec struct {
				InitContainers []container `json:"initContainers"`
				Containers     []container `json:"containers"`
			} `json:"spec"`
		}
		if json.Unmarshal(body, &obj) != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, ct := range append(obj.Spec.InitContainers, obj.Spec.Containers...) {
			if strings.HasPrefix(ct.Name, toComplete) {
				out = append(out, ct.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// CompletePodPaths completes a `cp` argument: "POD:" for the pods whose name starts with what was
// typed, or local files when none does (or a path is being typed).
func CompletePodPaths(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 1 || strings.ContainsAny(toComplete, ":/") || strings.HasPrefix(toComplete, ".") {
			return nil, cobra.ShellCompDirectiveDefault
		}
		c, cancel, err := f.newCompleter(cmd)
		if err != nil {
			return nil, cobra.ShellCompDirectiveDefault
		}
		defer cancel()
		var out []cobra.Completion
		for _, n := range c.namesOf(pods, toComplete, "", nil) {
			out = append(out, n+":")
		}
		if len(out) == 0 {
			return nil, cobra.ShellCompDirectiveDefault
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}
