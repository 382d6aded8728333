package describe

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// policyRule is an RBAC rule with kubectl's field order, for breaking down, compacting and sorting.
type policyRule struct {
	Verbs, APIGroups, Resources, ResourceNames, NonResourceURLs []string
}

// String is the protobuf String of rbacv1.PolicyRule, which kubectl sorts rules by.
func (r policyRule) String() string {
	return fmt.Sprintf("&PolicyRule{Verbs:%v,APIGroups:%v,Resources:%v,ResourceNames:%v,NonResourceURLs:%v,}",
		r.Verbs, r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs)
}

func rulesOf(o obj) []policyRule {
	var out []policyRule
	for _, r := range o.list("rules") {
		out = append(out, policyRule{Verbs: r.strs("verbs"), APIGroups: r.strs("apiGroups"), Resources: r.strs("resources"),
			ResourceNames: r.strs("resourceNames"), NonResourceURLs: r.strs("nonResourceURLs")})
	}
	return out
}

// breakdownRule splits a rule into rules of one verb, one resource and one name each, as kubectl does.
func breakdownRule(r policyRule) []policyRule {
	var out []policyRule
	for _, g := range r.APIGroups {
		for _, res := range r.Resources {
			for _, v := range r.Verbs {
				if len(r.ResourceNames) > 0 {
					for _, n := range r.ResourceNames {
						out = append(out, policyRule{APIGroups: []string{g}, Resources: []string{res}, Verbs: []string{v}, ResourceNames: []string{n}})
					}
				} else {
					out = append(out, policyRule{APIGroups: []string{g}, Resources: []string{res}, Verbs: []string{v}})
				}
			}
		}
	}
	for _, u := range r.NonResourceURLs {
		for _, v := range r.Verbs {
			out = append(out, policyRule{NonResourceURLs: []string{u}, Verbs: []string{v}})
		}
	}
	return out
}

// compactRules merges the verbs of rules on the same single group, resource and name, as kubectl does.
func compactRules(rules []policyRule) []policyRule {
	type key struct {
		group, resource, name string
		named                 bool
	}
	var out []policyRule
	simple := map[key]*policyRule{}
	var order []key
	for _, r := range rules {
		simpleRule := len(r.ResourceNames) <= 1 && len(r.NonResourceURLs) == 0 && len(r.APIGroups) == 1 && len(r.Resources) == 1 &&
			reflect.DeepEqual(policyRule{APIGroups: r.APIGroups, Resources: r.Resources, Verbs: r.Verbs, ResourceNames: r.ResourceNames}, r)
		if !simpleRule {
			out = append(out, r)
			continue
		}
		k := key{group: r.APIGroups[0], resource: r.Resources[0]}
		if len(r.ResourceNames) == 1 {
			k.named, k.name = true, r.ResourceNames[0]
		}
		if ex, ok := simple[k]; ok {
			for _, v := range r.Verbs {
				if !contains(ex.Verbs, v) {
					ex.Verbs = append(ex.Verbs, v)
				}
			}
			continue
		}
		c := r
		c.Verbs = append([]string(nil), r.Verbs...)
		simple[k] = &c
		order = append(order, k)
	}
	for _, k := range order {
		out = append(out, *simple[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// combineResourceGroup is "resource.group/subresource" of a rule's first resource and group.
func combineResourceGroup(resources, groups []string) string {
	if len(resources) == 0 {
		return ""
	}
	parts := strings.SplitN(resources[0], "/", 2)
	s := parts[0]
	if len(groups) > 0 && groups[0] != "" {
		s += "." + groups[0]
	}
	if len(parts) == 2 {
		s += "/" + parts[1]
	}
	return s
}

// describeRole serves roles and cluster roles alike.
func describeRole(_ *env, role obj) (string, error) {
	var broken []policyRule
	for _, r := range rulesOf(role) {
		broken = append(broken, breakdownRule(r)...)
	}
	rules := compactRules(broken)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", role.name())
		labelsMultiline(w, "Labels", role.labels())
		annotationsMultiline(w, "Annotations", role.annotations())
		w.write(l0, "PolicyRule:\n")
		w.write(l1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
		w.write(l1, "---------\t-----------------\t--------------\t-----\n")
		for _, r := range rules {
			w.write(l1, "%s\t%v\t%v\t%v\n", combineResourceGroup(r.Resources, r.APIGroups), r.NonResourceURLs, r.ResourceNames, r.Verbs)
		}
		return nil
	})
}

// describeBinding serves role bindings and cluster role bindings alike.
func describeBinding(_ *env, b obj) (string, error) {
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", b.name())
		labelsMultiline(w, "Labels", b.labels())
		annotationsMultiline(w, "Annotations", b.annotations())
		w.write(l0, "Role:\n")
		w.write(l1, "Kind:\t%s\n", b.str("roleRef", "kind"))
		w.write(l1, "Name:\t%s\n", b.str("roleRef", "name"))
		w.write(l0, "Subjects:\n")
		w.write(l1, "Kind\tName\tNamespace\n")
		w.write(l1, "----\t----\t---------\n")
		for _, s := range b.list("subjects") {
			w.write(l1, "%s\t%s\t%s\n", s.str("kind"), s.str("name"), s.str("namespace"))
		}
		return nil
	})
}
