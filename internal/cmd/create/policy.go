package create

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/kubex-cli/kubex/internal/quantity"
	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

func init() {
	extraGenerators = append(extraGenerators, newCmdQuota, newCmdPriorityClass, newCmdPodDisruptionBudget)
}

type quotaObj struct {
	base
	Spec struct {
		Hard   map[string]string `json:"hard,omitempty"`
		Scopes []string          `json:"scopes,omitempty"`
	} `json:"spec"`
	Status struct{} `json:"status"`
}

func newCmdQuota(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var hard, scopes string
	cmd := newGenerator(&o, genSpec{
		use:     "quota NAME [--hard=key1=value1,key2=value2] [--scopes=Scope1,Scope2] [--dry-run=server|client|none]",
		aliases: []string{"resourcequota"},
		short:   "Create a quota with the specified name",
		long:    "Create a resource quota with the specified name, hard limits, and optional scopes.",
		example: `  # Create a new resource quota named my-quota
  kubex create quota my-quota --hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2,resourcequotas=1,secrets=5,persistentvolumeclaims=10

  # Create a new resource quota named best-effort
  kubex create quota best-effort --hard=pods=100 --scopes=BestEffort`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			q := &quotaObj{base: newBase("v1", "ResourceQuota", name, o.enforced())}
			if hard != "" {
				q.Spec.Hard = map[string]string{}
				for _, statement := range strings.Split(hard, ",") {
					parts := strings.Split(statement, "=")
					if len(parts) != 2 {
						//lint:ignore ST1005 kubectl's wording
						return nil, fmt.Errorf("Invalid argument syntax %v, expected <resource>=<value>", statement)
					}
					v, err := quantity.Parse(parts[1])
					if err != nil {
						return nil, err
					}
					q.Spec.Hard[parts[0]] = v.String()
				}
			}
			if scopes != "" {
				for _, scope := range strings.Split(scopes, ",") {
					if scope == "" {
						return nil, errors.New(`invalid resource quota scope ""`)
					}
					q.Spec.Scopes = append(q.Spec.Scopes, scope)
				}
			}
			return q, nil
		},
		wrap: wrapf("failed to create quota: "),
	})
	fs := cmd.Flags()
	fs.StringVar(&hard, "hard", "", "A comma-delimited set of resource=quantity pairs that define a hard limit.")
	fs.StringVar(&scopes, "scopes", "", "A comma-delimited set of quota scopes that must all match each object tracked by the quota.")
	return cmd
}

type priorityClassObj struct {
	base
	Value            int32  `json:"value"`
	GlobalDefault    bool   `json:"globalDefault,omitempty"`
	Description      string `json:"description,omitempty"`
	PreemptionPolicy string `json:"preemptionPolicy,omitempty"`
}

func newCmdPriorityClass(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	pc := priorityClassObj{PreemptionPolicy: "PreemptLowerPriority"}
	cmd := newGenerator(&o, genSpec{
		use:     "priorityclass NAME --value=VALUE --global-default=BOOL [--dry-run=server|client|none]",
		aliases: []string{"pc"},
		short:   "Create a priority class with the specified name",
		long:    "Create a priority class with the specified name, value, globalDefault and description.",
		example: `  # Create a priority class named high-priority
  kubex create priorityclass high-priority --value=1000 --description="high priority"

  # Create a priority class named default-priority that is considered as the global default priority
  kubex create priorityclass default-priority --value=1000 --global-default=true --description="default priority"

  # Create a priority class named high-priority that cannot preempt pods with lower priority
  kubex create priorityclass high-priority --value=1000 --description="high priority" --preemption-policy="Never"`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			obj := pc
			obj.base = newBase("scheduling.k8s.io/v1", "PriorityClass", name, "")
			return &obj, nil
		},
		wrap: wrapf("failed to create priorityclass: "),
	})
	fs := cmd.Flags()
	fs.Int32Var(&pc.Value, "value", 0, "the value of this priority class.")
	fs.BoolVar(&pc.GlobalDefault, "global-default", false, "global-default specifies whether this PriorityClass should be considered as the default priority.")
	fs.StringVar(&pc.Description, "description", "", "description is an arbitrary string that usually provides guidelines on when this priority class should be used.")
	fs.StringVar(&pc.PreemptionPolicy, "preemption-policy", pc.PreemptionPolicy, "preemption-policy is the policy for preempting pods with lower priority.")
	return cmd
}

type selectorRequirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

type fullLabelSelector struct {
	MatchLabels      map[string]string     `json:"matchLabels,omitempty"`
	MatchExpressions []selectorRequirement `json:"matchExpressions,omitempty"`
}

type pdbObj struct {
	base
	Spec struct {
		MinAvailable   *intOrString       `json:"minAvailable,omitempty"`
		Selector       *fullLabelSelector `json:"selector,omitempty"`
		MaxUnavailable *intOrString       `json:"maxUnavailable,omitempty"`
	} `json:"spec"`
	Status struct {
		DisruptionsAllowed int32 `json:"disruptionsAllowed"`
		CurrentHealthy     int32 `json:"currentHealthy"`
		DesiredHealthy     int32 `json:"desiredHealthy"`
		ExpectedPods       int32 `json:"expectedPods"`
	} `json:"status"`
}

var pdbCount = regexp.MustCompile(`^[0-9]+%?$`)

func newCmdPodDisruptionBudget(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var minAvailable, maxUnavailable, sel string
	cmd := newGenerator(&o, genSpec{
		use:     "poddisruptionbudget NAME --selector=SELECTOR --min-available=N [--dry-run=server|client|none]",
		aliases: []string{"pdb"},
		short:   "Create a pod disruption budget with the specified name",
		long:    "Create a pod disruption budget with the specified name, selector, and desired minimum available pods.",
		example: `  # Create a pod disruption budget named my-pdb that will select all pods with the app=rails label
  # and require at least one of them being available at any point in time
  kubex create poddisruptionbudget my-pdb --selector=app=rails --min-available=1

  # Create a pod disruption budget named my-pdb that will select all pods with the app=nginx label
  # and require at least half of the pods selected to be available at any point in time
  kubex create pdb my-pdb --selector=app=nginx --min-available=50%`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			switch {
			case sel == "":
				return nil, errors.New("a selector must be specified")
			case maxUnavailable == "" && minAvailable == "":
				return nil, errors.New("one of min-available or max-unavailable must be specified")
			case maxUnavailable != "" && minAvailable != "":
				return nil, errors.New("min-available and max-unavailable cannot be both specified")
			case minAvailable != "" && !pdbCount.MatchString(minAvailable):
				return nil, errors.New("invalid format specified for min-available")
			case maxUnavailable != "" && !pdbCount.MatchString(maxUnavailable):
				return nil, errors.New("invalid format specified for max-unavailable")
			}
			p := &pdbObj{base: newBase("policy/v1", "PodDisruptionBudget", name, o.enforced())}
			s, err := parseLabelSelector(sel)
			if err != nil {
				return nil, err
			}
			p.Spec.Selector = s
			if minAvailable != "" {
				v := parseIntOrString(minAvailable)
				p.Spec.MinAvailable = &v
			} else {
				v := parseIntOrString(maxUnavailable)
				p.Spec.MaxUnavailable = &v
			}
			return p, nil
		},
		wrap: wrapf("failed to create poddisruptionbudgets: "),
	})
	fs := cmd.Flags()
	fs.StringVar(&minAvailable, "min-available", "", "The minimum number or percentage of available pods this budget requires.")
	fs.StringVar(&maxUnavailable, "max-unavailable", "", "The maximum number or percentage of unavailable pods this budget requires.")
	fs.StringVar(&sel, "selector", "", "A label selector to use for this budget. Only equality-based selector requirements are supported.")
	return cmd
}

// parseLabelSelector is metav1.ParseToLabelSelector: equality requirements become matchLabels, the
// set-based ones matchExpressions (in key order); != is refused.
func parseLabelSelector(s string) (*fullLabelSelector, error) {
	out := &fullLabelSelector{}
	var parts []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, s[start:])
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, fmt.Errorf("couldn't parse the selector string %q: found '', expected: identifier", s)
		}
		var r selectorRequirement
		switch {
		case strings.HasPrefix(p, "!"):
			r = selectorRequirement{Key: strings.TrimSpace(p[1:]), Operator: "DoesNotExist"}
		case strings.Contains(p, " notin ") || strings.Contains(p, " in "):
			op, sep := "In", " in "
			if strings.Contains(p, " notin ") {
				op, sep = "NotIn", " notin "
			}
			k, rest, _ := strings.Cut(p, sep)
			rest = strings.TrimSpace(rest)
			if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
				return nil, fmt.Errorf("couldn't parse the selector string %q", s)
			}
			r = selectorRequirement{Key: strings.TrimSpace(k), Operator: op}
			for _, v := range strings.Split(rest[1:len(rest)-1], ",") {
				r.Values = append(r.Values, strings.TrimSpace(v))
			}
			slices.Sort(r.Values)
		case strings.Contains(p, "!="):
			return nil, errors.New(`"!=" is not a valid label selector operator`)
		case strings.Contains(p, "="):
			k, v, _ := strings.Cut(p, "=")
			v = strings.TrimPrefix(v, "=")
			if out.MatchLabels == nil {
				out.MatchLabels = map[string]string{}
			}
			out.MatchLabels[strings.TrimSpace(k)] = strings.TrimSpace(v)
			continue
		default:
			r = selectorRequirement{Key: p, Operator: "Exists"}
		}
		out.MatchExpressions = append(out.MatchExpressions, r)
	}
	slices.SortStableFunc(out.MatchExpressions, func(a, b selectorRequirement) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}
