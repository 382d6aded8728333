// Package apiresources is `kubex api-resources` and `kubex api-versions`, whose output matches kubectl's
// byte for byte.
package apiresources

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Deps is what the commands need from the factory: the client, whose discovery they print.
type Deps interface {
	Client() (*client.Client, error)
}

const apiResourcesExample = `  # Print the supported API resources
  kubex api-resources

  # Print the supported API resources with more information
  kubex api-resources -o wide

  # Print the supported API resources sorted by a column
  kubex api-resources --sort-by=name

  # Print the supported namespaced resources
  kubex api-resources --namespaced=true

  # Print the supported non-namespaced resources
  kubex api-resources --namespaced=false

  # Print the supported API resources with a specific APIGroup
  kubex api-resources --api-group=rbac.authorization.k8s.io`

// APIResourceOptions holds the flags of `kubex api-resources`.
type APIResourceOptions struct {
	SortBy     string
	APIGroup   string
	Namespaced bool
	Verbs      []string
	Cached     bool
	Categories []string
	Output     string
	NoHeaders  bool
	// ShowManagedFields is accepted as kubectl accepts it; resource lists have no managed fields.
	ShowManagedFields bool

	groupChanged bool
	nsChanged    bool

	deps      Deps
	streams   *iostreams.IOStreams
	discovery *discovery.Discovery
}

// NewCmdAPIResources builds `kubex api-resources`.
func NewCmdAPIResources(deps Deps, streams *iostreams.IOStreams) *cobra.Command {
	o := &APIResourceOptions{Namespaced: true, deps: deps, streams: streams}
	cmd := &cobra.Command{
		Use:     "api-resources",
		Short:   "Print the supported API resources on the server",
		Long:    "Print the supported API resources on the server.",
		Example: apiResourcesExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&o.ShowManagedFields, "show-managed-fields", false, "If true, keep the managedFields when printing objects in JSON or YAML format.")
	fl.StringVarP(&o.Output, "output", "o", "", "Output format. One of: (json, yaml, name, wide).")
	fl.BoolVar(&o.NoHeaders, "no-headers", false, "When using the default or custom-column output format, don't print headers (default print headers).")
	fl.StringVar(&o.APIGroup, "api-group", "", "Limit to resources in the specified API group.")
	fl.BoolVar(&o.Namespaced, "namespaced", true, "If false, non-namespaced resources will be returned, otherwise returning namespaced resources by default.")
	fl.StringSliceVar(&o.Verbs, "verbs", nil, "Limit to resources that support the specified verbs.")
	fl.StringVar(&o.SortBy, "sort-by", "", "If non-empty, sort list of resources using specified field. The field can be either 'name' or 'kind'.")
	fl.BoolVar(&o.Cached, "cached", false, "Use the cached list of resources if available.")
	fl.StringSliceVar(&o.Categories, "categories", nil, "Limit to resources that belong to the specified categories.")
	return cmd
}

// Complete checks the arguments, records which filters were set and checks the output format, in
// kubectl's order (so that the same mistake gets the same error).
func (o *APIResourceOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 0 {
		return cmdutil.UsageErrorf(cmd, "unexpected arguments: %v", args)
	}
	c, err := o.deps.Client()
	if err != nil {
		return err
	}
	o.discovery = c.Discovery()
	o.groupChanged = cmd.Flags().Changed("api-group")
	o.nsChanged = cmd.Flags().Changed("namespaced")
	switch o.Output {
	case "", "wide", "name":
	default:
		if f := strings.ToLower(o.Output); f != "json" && f != "yaml" {
			return fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: json,name,wide,yaml", o.Output)
		}
	}
	return nil
}

// Validate checks --sort-by.
func (o *APIResourceOptions) Validate() error {
	if o.SortBy != "" && o.SortBy != "name" && o.SortBy != "kind" {
		return errors.New("--sort-by accepts only name or kind")
	}
	return nil
}

// Run prints the preferred version of every resource that passes the filters. Group versions that
// could not be listed are reported after the table, as kubectl does.
func (o *APIResourceOptions) Run(ctx context.Context) error {
	if o.Cached {
		o.discovery.PreferCache()
	} else {
		// Fresh data, as kubectl's Invalidate; aggregated discovery still revalidates cheaply.
		o.discovery.Invalidate()
	}
	all, err := o.discovery.PreferredResources(ctx)
	var partial *discovery.GroupDiscoveryError
	if errors.As(err, &partial) {
		err = partial.WithoutStale()
	}
	// kubectl prints nothing, not even headers, when the server lists no resources at all; a filter
	// that matches nothing still prints the headers.
	if len(all) == 0 {
		return err
	}

	var rows []discovery.Resource
	for _, r := range all {
		switch {
		case len(r.Verbs) == 0,
			o.groupChanged && o.APIGroup != r.Group,
			o.nsChanged && o.Namespaced != r.Namespaced,
			!containsAll(r.Verbs, o.Verbs),
			!containsAll(r.Categories, o.Categories):
			continue
		}
		rows = append(rows, r)
	}
	sortResources(rows, o.SortBy)

	w := printers.NewTabWriter(o.streams.Out)
	printErr := o.print(w, rows)
	if ferr := w.Flush(); printErr == nil {
		printErr = ferr
	}
	return errors.Join(err, printErr)
}

func (o *APIResourceOptions) print(w io.Writer, rows []discovery.Resource) error {
	switch o.Output {
	case "name":
		for _, r := range rows {
			if _, err := fmt.Fprintf(w, "%s\n", r.GroupResource()); err != nil {
				return err
			}
		}
		return nil
	case "", "wide":
		return printTable(w, rows, o.Output == "wide", o.NoHeaders)
	}
	list := toList(rows)
	if strings.ToLower(o.Output) == "json" {
		b, err := json.MarshalIndent(list, "", "    ")
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	b, err := yaml.Marshal(list)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func printTable(w io.Writer, rows []discovery.Resource, wide, noHeaders bool) error {
	if !noHeaders {
		h := "NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND"
		if wide {
			h += "\tVERBS\tCATEGORIES"
		}
		if _, err := fmt.Fprintln(w, h); err != nil {
			return err
		}
	}
	for _, r := range rows {
		var err error
		if wide {
			_, err = fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\t%s\t%s\n", r.Name, strings.Join(r.ShortNames, ","),
				r.GroupVersion(), r.Namespaced, r.Kind, strings.Join(r.Verbs, ","), strings.Join(r.Categories, ","))
		} else {
			_, err = fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\n", r.Name, strings.Join(r.ShortNames, ","),
				r.GroupVersion(), r.Namespaced, r.Kind)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// sortResources orders rows as kubectl does: stably by group (or by name or kind with --sort-by), ties
// broken by name.
func sortResources(rows []discovery.Resource, by string) {
	key := func(r discovery.Resource) string {
		switch by {
		case "name":
			return r.Name
		case "kind":
			return r.Kind
		}
		return r.Group
	}
	sort.SliceStable(rows, func(i, j int) bool {
		switch c := strings.Compare(key(rows[i]), key(rows[j])); {
		case c > 0:
			return false
		case c == 0:
			return rows[i].Name < rows[j].Name
		}
		return true
	})
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// apiResourceList and apiResource are meta/v1's APIResourceList and APIResource as kubectl prints them
// with -o json|yaml: same keys, same order, same omitted empties.
type apiResourceList struct {
	Kind         string        `json:"kind"`
	APIVersion   string        `json:"apiVersion"`
	GroupVersion string        `json:"groupVersion"`
	Resources    []apiResource `json:"resources"`
}

type apiResource struct {
	Name         string   `json:"name"`
	SingularName string   `json:"singularName"`
	Namespaced   bool     `json:"namespaced"`
	Group        string   `json:"group,omitempty"`
	Version      string   `json:"version,omitempty"`
	Kind         string   `json:"kind"`
	Verbs        []string `json:"verbs"`
	ShortNames   []string `json:"shortNames,omitempty"`
	Categories   []string `json:"categories,omitempty"`
}

func toList(rows []discovery.Resource) apiResourceList {
	l := apiResourceList{Kind: "APIResourceList", APIVersion: "v1"}
	for _, r := range rows {
		l.Resources = append(l.Resources, apiResource{
			Name: r.Name, SingularName: r.SingularName, Namespaced: r.Namespaced,
			Group: r.Group, Version: r.Version, Kind: r.Kind,
			Verbs: r.Verbs, ShortNames: r.ShortNames, Categories: r.Categories,
		})
	}
	return l
}
