// Package describe is `kubex describe`: every object a type, name prefix, selector or file picks, shown in
// kubectl's describe layout with its events.
package describe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
)

// Options holds the flags of `kubex describe`.
type Options struct {
	Files         cmdutil.FilenameFlags
	Selector      cmdutil.SelectorFlags
	AllNamespaces bool
	ShowEvents    bool
	ChunkSize     int64

	args      []string
	namespace string
	explicit  bool
	root      string

	streams *iostreams.IOStreams
	newC    func() (*client.Client, error)
	c       *client.Client
}

const describeLong = `Show details of a specific resource or group of resources.

 Print a detailed description of the selected resources, including related resources such as events or controllers. You may select a single object by name, all objects of that type, provide a name prefix, or label selector. For example:

        $ kubex describe TYPE NAME_PREFIX

 will first check for an exact match on TYPE and NAME_PREFIX. If no such resource exists, it will output details for every resource that has a name prefixed with NAME_PREFIX.`

const describeExample = `  # Describe a node
  kubex describe nodes kubernetes-node-emt8.c.myproject.internal

  # Describe a pod
  kubex describe pods/nginx

  # Describe a pod identified by type and name in "pod.json"
  kubex describe -f pod.json

  # Describe all pods
  kubex describe pods

  # Describe pods by label name=myLabel
  kubex describe pods -l name=myLabel

  # Describe all pods managed by the 'frontend' replication controller
  # (rc-created pods get the name of the rc as a prefix in the pod name)
  kubex describe pods frontend`

// NewCmdDescribe builds `kubex describe`.
func NewCmdDescribe(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{ShowEvents: true, ChunkSize: 500, streams: streams, newC: f.Client}
	cmd := &cobra.Command{
		Use:                   "describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
		DisableFlagsInUseLine: true,
		Short:                 "Show details of a specific resource or group of resources",
		Long:                  describeLong + "\n\nUse \"kubex api-resources\" for a complete list of supported resources.",
		Example:               describeExample,
		ValidArgsFunction:     cmdutil.CompleteResources(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args, f); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fs := cmd.Flags()
	o.Files.Usage = "Filename, directory, or URL to files containing the resource to describe"
	o.Files.AddFlags(fs)
	o.Selector.AddFlags(fs)
	fs.BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "If present, list the requested object(s) across all namespaces. Namespace in current context is ignored even if specified with --namespace.")
	fs.BoolVar(&o.ShowEvents, "show-events", true, "If true, display events related to the described object.")
	fs.Int64Var(&o.ChunkSize, "chunk-size", 500, "Return large lists in chunks rather than all at once. Pass 0 to disable. This flag is beta and may change in the future.")
	return cmd
}

// Complete reads the namespace and the arguments.
func (o *Options) Complete(cmd *cobra.Command, args []string, f *cmdutil.Factory) error {
	o.args = args
	o.root = cmd.Root().Name()
	if len(args) == 0 && !o.Files.Given() {
		//lint:ignore ST1005 kubectl's wording
		return fmt.Errorf("You must specify the type of resource to describe. Use \"%s api-resources\" for a complete list of supported resources.\n", o.root)
	}
	ns, err := f.Namespace()
	if err != nil {
		return err
	}
	o.namespace = ns
	o.explicit = f.Overrides.Namespace != "" && !o.AllNamespaces
	return nil
}

// Validate rejects what kubectl rejects before any request.
func (o *Options) Validate() error { return nil }

// Run describes every object picked, separated by blank lines, then reports the errors.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.newC()
	if err != nil {
		return err
	}
	o.c = c
	sel := cmdutil.Selection{Args: o.args, Filenames: o.Files.Filenames, Recursive: o.Files.Recursive, Stdin: o.streams.In,
		Namespace: o.namespace, Explicit: o.explicit, AllNamespaces: o.AllNamespaces, LabelSelector: o.Selector.Labels}
	targets, _, err := sel.Targets(ctx, c.Discovery())
	if err != nil {
		return err
	}
	out := o.streams.Out
	var errs []error
	seen := map[string]bool{}
	addErr := func(err error) {
		if !seen[err.Error()] {
			seen[err.Error()] = true
			errs = append(errs, err)
		}
	}
	first, described := true, 0
	emit := func(s string) {
		described++
		if first {
			first = false
			io.WriteString(out, s)
			return
		}
		fmt.Fprintf(out, "\n\n%s", s)
	}
	var notFound error
	for _, t := range targets {
		res := c.Resource(t.Res, t.Namespace)
		if t.Names == nil {
			_, err := res.List(ctx, client.ListOptions{LabelSelector: o.Selector.Labels, Limit: chunkLimit(o.ChunkSize)}, func(raw []byte) error {
				ob, err := decodeObj(raw)
				if err != nil {
					return err
				}
				s, err := o.describe(ctx, t.Res, ob)
				if err != nil {
					addErr(err)
					return nil
				}
				emit(s)
				return nil
			})
			if err != nil {
				addErr(err)
			}
			continue
		}
		for _, name := range t.Names {
			raw, err := res.Get(ctx, name, client.GetOptions{})
			if err != nil {
				if client.IsNotFound(err) && notFound == nil {
					notFound = err
				}
				addErr(err)
				continue
			}
			ob, err := decodeObj(raw)
			if err != nil {
				addErr(err)
				continue
			}
			s, err := o.describe(ctx, t.Res, ob)
			if err != nil {
				addErr(err)
				continue
			}
			emit(s)
		}
	}
	// `describe TYPE NAME_PREFIX`: no object of that name, so every object whose name starts with it.
	if notFound != nil && len(o.args) == 2 && !strings.Contains(o.args[0], "/") && !o.Files.Given() && len(targets) == 1 {
		return o.describePrefix(ctx, targets[0].Res, o.args[1], notFound)
	}
	if described == 0 && len(errs) == 0 {
		if o.AllNamespaces {
			fmt.Fprintln(o.streams.ErrOut, "No resources found")
		} else {
			fmt.Fprintf(o.streams.ErrOut, "No resources found in %s namespace.\n", o.namespace)
		}
	}
	return cmdutil.Aggregate(errs)
}

// describePrefix describes each object of t in the namespace whose name starts with prefix, or returns
// notFound when there is none.
func (o *Options) describePrefix(ctx context.Context, t discovery.Resource, prefix string, notFound error) error {
	res := o.c.Resource(t, o.namespace)
	found := false
	var failed error
	_, err := res.List(ctx, client.ListOptions{Limit: chunkLimit(o.ChunkSize)}, func(raw []byte) error {
		ob, err := decodeObj(raw)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(ob.name(), prefix) {
			return nil
		}
		found = true
		s, err := o.describe(ctx, t, ob)
		if err != nil {
			failed = err
			return errStop
		}
		fmt.Fprintf(o.streams.Out, "%s\n", s)
		return nil
	})
	switch {
	case failed != nil:
		return failed
	case err != nil:
		return err
	case !found:
		return notFound
	}
	return nil
}

var errStop = errors.New("stop")

// env is what a describer works with: the request context, the client and the flags.
type env struct {
	ctx        context.Context
	c          *client.Client
	res        discovery.Resource
	showEvents bool
	chunk      int64
}

// describe describes one object with the describer of its kind, or the generic one.
func (o *Options) describe(ctx context.Context, t discovery.Resource, ob obj) (string, error) {
	e := &env{ctx: ctx, c: o.c, res: t, showEvents: o.ShowEvents, chunk: o.ChunkSize}
	if fn, ok := describers[t.Kind+"."+t.Group]; ok {
		return fn(e, ob)
	}
	return describeGeneric(e, ob)
}

// core is a built-in resource of the core group, for the lists describers make besides the object's.
func core(name, kind string, namespaced bool) discovery.Resource {
	return discovery.Resource{Version: "v1", Name: name, Kind: kind, Namespaced: namespaced}
}

var (
	eventsRes  = core("events", "Event", true)
	podsRes    = core("pods", "Pod", true)
	secretsRes = core("secrets", "Secret", true)
	quotasRes  = core("resourcequotas", "ResourceQuota", true)
	limitsRes  = core("limitranges", "LimitRange", true)
	rsRes      = discovery.Resource{Group: "apps", Version: "v1", Name: "replicasets", Kind: "ReplicaSet", Namespaced: true}
	slicesRes  = discovery.Resource{Group: "discovery.k8s.io", Version: "v1", Name: "endpointslices", Kind: "EndpointSlice", Namespaced: true}
	leasesRes  = discovery.Resource{Group: "coordination.k8s.io", Version: "v1", Name: "leases", Kind: "Lease", Namespaced: true}
)

// events lists the events of o (by name, namespace, kind and uid, as kubectl's searchEvents), or nil
// without --show-events.
func (e *env) events(o obj) []Event {
	if !e.showEvents {
		return nil
	}
	return e.eventsFor(eventQuery{name: o.name(), namespace: o.namespace(), kind: e.res.Kind, uid: o.uid(), withKind: true, withUID: o.uid() != ""})
}

func (e *env) eventsFor(q eventQuery) []Event {
	evs, _ := searchEvents(e.ctx, e.c.Resource(eventsRes, q.namespace), q, e.chunk)
	if evs == nil {
		evs = []Event{}
	}
	return evs
}

// list lists t in ns with selectors, paged by --chunk-size.
func (e *env) list(t discovery.Resource, ns string, lo client.ListOptions) ([]obj, error) {
	lo.Limit = chunkLimit(e.chunk)
	var out []obj
	_, err := e.c.Resource(t, ns).List(e.ctx, lo, func(raw []byte) error {
		o, err := decodeObj(raw)
		if err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	return out, err
}

type describerFunc func(e *env, o obj) (string, error)

// describers are kubectl's describers by "Kind.group".
var describers map[string]describerFunc

func init() {
	describers = map[string]describerFunc{
		"Pod.":                                  describePod,
		"ReplicaSet.apps":                       describeReplicaSet,
		"Deployment.apps":                       describeDeployment,
		"Service.":                              describeService,
		"Node.":                                 describeNode,
		"Namespace.":                            describeNamespace,
		"ConfigMap.":                            describeConfigMap,
		"Secret.":                               describeSecret,
		"ServiceAccount.":                       describeServiceAccount,
		"ReplicationController.":                describeReplicationController,
		"Job.batch":                             describeJob,
		"CronJob.batch":                         describeCronJob,
		"StatefulSet.apps":                      describeStatefulSet,
		"DaemonSet.apps":                        describeDaemonSet,
		"Endpoints.":                            describeEndpoints,
		"Ingress.networking.k8s.io":             describeIngress,
		"Role.rbac.authorization.k8s.io":        describeRole,
		"ClusterRole.rbac.authorization.k8s.io": describeRole,
		"RoleBinding.rbac.authorization.k8s.io": describeBinding,
		"ClusterRoleBinding.rbac.authorization.k8s.io": describeBinding,
		"PersistentVolume.":                            describePersistentVolume,
		"PersistentVolumeClaim.":                       describePersistentVolumeClaim,
		"StorageClass.storage.k8s.io":                  describeStorageClass,
		"PriorityClass.scheduling.k8s.io":              describePriorityClass,
		"PodDisruptionBudget.policy":                   describePodDisruptionBudget,
		"HorizontalPodAutoscaler.autoscaling":          describeHPA,
	}
}
