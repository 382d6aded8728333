package auth

import (
	"fmt"
	"slices"
	"strings"
)

// rule is an RBAC policy rule as the --list table shows it.
type rule struct {
	Verbs, APIGroups, Resources, ResourceNames, NonResourceURLs []string
}

// String is the rule as k8s.io/api's PolicyRule prints itself: kubectl sorts the table by it.
func (r rule) String() string {
	return fmt.Sprintf("&PolicyRule{Verbs:%v,APIGroups:%v,Resources:%v,ResourceNames:%v,NonResourceURLs:%v,}",
		r.Verbs, r.APIGroups, r.Resources, r.ResourceNames, r.NonResourceURLs)
}

// breakdown splits a rule into rules of one group, one resource, one verb and at most one name (or one
// URL and one verb).
func breakdown(r rule) []rule {
	var out []rule
	for _, group := range r.APIGroups {
		for _, resource := range r.Resources {
			for _, verb := range r.Verbs {
				if len(r.ResourceNames) == 0 {
					out = append(out, rule{APIGroups: []string{group}, Resources: []string{resource}, Verbs: []string{verb}})
					continue
				}
				for _, name := range r.ResourceNames {
					out = append(out, rule{APIGroups: []string{group}, Resources: []string{resource}, Verbs: []string{verb}, ResourceNames: []string{name}})
				}
			}
		}
	}
	for _, url := range r.NonResourceURLs {
		for _, verb := range r.Verbs {
			out = append(out, rule{NonResourceURLs: []string{url}, Verbs: []string{verb}})
		}
	}
	return out
}

// compact merges the verbs of rules on the same group, resource and name, as kubectl's CompactRules.
func compact(rules []rule) []rule {
	type key struct {
		group, resource string
		named           bool
		name            string
	}
	var out []rule
	simple := map[key]int{} // index in merged
	var merged []rule
	for _, r := range rules {
		if len(r.ResourceNames) > 1 || len(r.NonResourceURLs) > 0 || len(r.APIGroups) != 1 || len(r.Resources) != 1 {
			out = append(out, r)
			continue
		}
		k := key{group: r.APIGroups[0], resource: r.Resources[0]}
		if len(r.ResourceNames) == 1 {
			k.named, k.name = true, r.ResourceNames[0]
		}
		i, ok := simple[k]
		if !ok {
			simple[k] = len(merged)
			merged = append(merged, rule{Verbs: slices.Clone(r.Verbs), APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames})
			continue
		}
		for _, v := range r.Verbs {
			if !slices.Contains(merged[i].Verbs, v) {
				merged[i].Verbs = append(merged[i].Verbs, v)
			}
		}
	}
	return append(out, merged...)
}

// combineResourceGroup is "resource.group[/subresource]", as kubectl's describe.CombineResourceGroup.
func combineResourceGroup(resource, group []string) string {
	if len(resource) == 0 {
		return ""
	}
	name, sub, hasSub := strings.Cut(resource[0], "/")
	if len(group) > 0 && group[0] != "" {
		name += "." + group[0]
	}
	if hasSub {
		name += "/" + sub
	}
	return name
}
