package discovery

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Resolve finds the resource a user means by typed, with kubectl's rules (its resource builder over
// client-go's shortcut-expanding, priority-ordered REST mapper):
//
//   - a plural, singular or short name, or a kind ("pods", "pod", "po", "Pod"), matched
//     case-insensitively except for short names;
//   - optionally qualified by group, "deployments.apps", "deploy.apps", where the group may be a prefix
//     ("ingresses.networking"), or by version and group, "deployments.v1.apps";
//   - a kind qualified the same way, "Deployment.apps" or "Deployment.v1.apps".
//
// When several groups have the resource, core wins, then the server's group order, then the group's
// preferred version. A miss refetches discovery once, bypassing the cache, so that a type created a
// moment ago is found; a second miss is a *NotFoundError.
func (d *Discovery) Resolve(ctx context.Context, typed string) (Resource, error) {
	rs, err := d.lookup(ctx, typed, false)
	if err != nil {
		return Resource{}, err
	}
	return rs[0], nil
}

// ResolveCategory lists the resources in category name ("all" for `kubex get all`), in kubectl's order
// and each in the version Resolve would pick. It returns nil when no resource is in the category.
func (d *Discovery) ResolveCategory(ctx context.Context, name string) ([]Resource, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.loadResources(ctx, false)
	if err != nil {
		return nil, err
	}
	return doc.category(name), nil
}

// Expand is what a resource-type argument means: the members of a category when it names one (as
// kubectl expands categories before anything else), else the one resource Resolve finds.
func (d *Discovery) Expand(ctx context.Context, typed string) ([]Resource, error) {
	return d.lookup(ctx, typed, true)
}

func (d *Discovery) lookup(ctx context.Context, typed string, categories bool) ([]Resource, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.loadResources(ctx, false)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		if categories {
			if rs := doc.category(typed); len(rs) > 0 {
				return rs, nil
			}
		}
		if r, ok := doc.resolve(typed, d.warn); ok {
			return []Resource{r}, nil
		}
		if attempt > 0 || d.reloaded {
			break
		}
		if doc, err = d.reload(ctx); err != nil {
			return nil, err
		}
	}
	res, _, _ := strings.Cut(typed, ".")
	return nil, &NotFoundError{Resource: res, Closest: doc.closest(strings.ToLower(res))}
}

// closest is the served plural, singular or short name nearest to typed: at most one edit (a letter
// added, dropped, changed, or two swapped) for names of up to five letters, two for longer ones; "" when
// none is that close or two are equally close.
func (doc *document) closest(typed string) string {
	limit := 1
	if len(typed) > 5 {
		limit = 2
	}
	best, bestOf, bestDist, tie := "", "", limit+1, false
	doc.each(func(r Resource) {
		if strings.Contains(r.Name, "/") {
			return
		}
		of := r.GroupResource()
		for _, name := range append([]string{r.Name, r.singular()}, r.ShortNames...) {
			switch d := editDistance(typed, name); {
			case d < bestDist:
				best, bestOf, bestDist, tie = name, of, d, false
			case d == bestDist && of != bestOf:
				tie = true // two resources are as close: suggesting either could mislead
			}
		}
	})
	// Distance 0: the name is served, only not in the group typed; a suggestion would repeat it.
	if tie || bestDist > limit || bestDist == 0 {
		return ""
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions, deletions, substitutions and
// transpositions of adjacent letters.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// ranks orders group versions as kubectl's REST mapper prefers them: groups in discovery order (core
// first), within a group the preferred version first, then the others in server order.
func (doc *document) ranks() map[GroupVersion]int {
	rank := map[GroupVersion]int{}
	for _, g := range doc.groups {
		for _, v := range g.Versions {
			if v.Listed && v.Version == g.Preferred {
				rank[GroupVersion{g.Name, v.Version}] = len(rank)
			}
		}
		for _, v := range g.Versions {
			gv := GroupVersion{g.Name, v.Version}
			if _, done := rank[gv]; v.Listed && !done {
				rank[gv] = len(rank)
			}
		}
	}
	return rank
}

// best returns the candidate in the most preferred group version; ties keep discovery order.
func best(cands []Resource, rank map[GroupVersion]int) (Resource, bool) {
	if len(cands) == 0 {
		return Resource{}, false
	}
	b := cands[0]
	for _, c := range cands[1:] {
		if rank[c.GroupVersion()] < rank[b.GroupVersion()] {
			b = c
		}
	}
	return b, true
}

// each calls f for every resource in discovery order.
func (doc *document) each(f func(Resource)) {
	for _, g := range doc.groups {
		for _, v := range g.Versions {
			for _, r := range v.Resources {
				f(r)
			}
		}
	}
}

func (doc *document) resolve(typed string, warn func(string)) (Resource, bool) {
	rank := doc.ranks()
	full := strings.Count(typed, ".") >= 2
	var p []string
	if full {
		p = strings.SplitN(typed, ".", 3)
		if r, ok := doc.byResource(p[0], p[1], p[2], rank, warn); ok {
			return r, true
		}
	}
	name, group, _ := strings.Cut(typed, ".")
	if r, ok := doc.byResource(name, "", group, rank, warn); ok {
		return r, true
	}
	if full {
		if r, ok := doc.byKind(p[0], p[1], p[2], rank); ok {
			return r, true
		}
	}
	return doc.byKind(name, "", group, rank)
}

// byResource matches plural and singular names, after expanding short names.
func (doc *document) byResource(name, version, group string, rank map[GroupVersion]int, warn func(string)) (Resource, bool) {
	name, version, group = doc.expandShortName(name, version, group, warn)
	name = strings.ToLower(name)
	var cands []Resource
	doc.each(func(r Resource) {
		if r.Name != name && r.singular() != name {
			return
		}
		if version != "" && r.Version != version {
			return
		}
		// Without a version the typed group may be a prefix ("ingresses.networking"). client-go's
		// mapper tries that per group version, only where the group is not an exact match, and then
		// ranks every match together: in effect every group with the prefix competes.
		if group != "" && r.Group != group && (version != "" || !strings.HasPrefix(r.Group, group)) {
			return
		}
		cands = append(cands, r)
	})
	return best(cands, rank)
}

// expandShortName is client-go's shortcut expander: a name that is some resource's plural or singular
// (exactly, in the group if one is given) stays; otherwise the first short name that matches, in
// discovery order, gives the resource and group, dropping the version as client-go does; failing that,
// a short name in a group the typed group is a prefix of.
//
// As client-go, it warns (through warn, if not nil) of each other resource the short name also matches.
func (doc *document) expandShortName(name, version, group string, warn func(string)) (string, string, string) {
	found := false
	doc.each(func(r Resource) {
		if (group == "" || r.Group == group) && (name == r.Name || name == r.SingularName) {
			found = true
		}
	})
	if found {
		return name, version, group
	}
	var long Resource
	warned := map[[2]string]bool{}
	doc.each(func(r Resource) {
		if (group != "" && r.Group != group) || !slices.Contains(r.ShortNames, name) {
			return
		}
		if !found {
			long, found = r, true
			return
		}
		key := [2]string{r.Group, r.Name}
		if (r.Group != long.Group || r.Name != long.Name) && !warned[key] && warn != nil {
			warned[key] = true
			warn(fmt.Sprintf("short name %q could also match lower priority resource %s", name, r.GroupResource()))
		}
	})
	if found {
		return long.Name, "", long.Group
	}
	if group == "" {
		return name, version, group
	}
	doc.each(func(r Resource) {
		if !found && strings.HasPrefix(r.Group, group) && slices.Contains(r.ShortNames, name) {
			long, found = r, true
		}
	})
	if found {
		return long.Name, version, long.Group
	}
	return name, version, group
}

// byKind matches a kind, exactly or lower-cased, in exactly the given group.
func (doc *document) byKind(kind, version, group string, rank map[GroupVersion]int) (Resource, bool) {
	var cands []Resource
	doc.each(func(r Resource) {
		if r.Group == group && (version == "" || r.Version == version) &&
			(kind == r.Kind || kind == strings.ToLower(r.Kind)) {
			cands = append(cands, r)
		}
	})
	return best(cands, rank)
}

// category lists the members of a category once each, in discovery order of their first appearance.
func (doc *document) category(name string) []Resource {
	rank := doc.ranks()
	var out []Resource
	seen := map[[2]string]bool{}
	doc.each(func(r Resource) {
		key := [2]string{r.Group, r.Name}
		if seen[key] || !slices.Contains(r.Categories, name) {
			return
		}
		seen[key] = true
		var cands []Resource
		doc.each(func(c Resource) {
			if c.Group == r.Group && c.Name == r.Name {
				cands = append(cands, c)
			}
		})
		b, _ := best(cands, rank)
		out = append(out, b)
	})
	return out
}

// ResolveKind finds the resource serving kind in apiVersion ("apps/v1" and "Deployment"; "v1" for the core
// group), as the server lists it: the resource of an object whose apiVersion and kind are known. The
// main resource wins over subresources of the same kind (a Scale is never the answer for "Deployment").
// A miss refetches discovery once, so that a CRD created a moment ago is found.
func (d *Discovery) ResolveKind(ctx context.Context, apiVersion, kind string) (Resource, error) {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, err := d.loadResources(ctx, false)
	if err != nil {
		return Resource{}, err
	}
	for attempt := 0; ; attempt++ {
		var found *Resource
		doc.each(func(r Resource) {
			if found == nil && r.Group == group && r.Version == version && r.Kind == kind && !strings.Contains(r.Name, "/") {
				found = &r
			}
		})
		if found != nil {
			return *found, nil
		}
		if attempt > 0 || d.reloaded {
			return Resource{}, &KindNotFoundError{APIVersion: apiVersion, Kind: kind}
		}
		if doc, err = d.reload(ctx); err != nil {
			return Resource{}, err
		}
	}
}

// KindNotFoundError says the server serves no resource of a kind in a version, in kubectl's words.
type KindNotFoundError struct{ APIVersion, Kind string }

func (e *KindNotFoundError) Error() string {
	return fmt.Sprintf("no matches for kind %q in version %q", e.Kind, e.APIVersion)
}
