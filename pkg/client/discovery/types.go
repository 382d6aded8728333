package discovery

import (
	"fmt"
	"sort"
	"strings"
)

// GroupVersion names one served API version, e.g. {"apps", "v1"}; the core group is "".
type GroupVersion struct {
	Group   string
	Version string
}

// String is "v1" for the core group and "group/version" otherwise, as kubectl prints it.
func (gv GroupVersion) String() string {
	if gv.Group == "" {
		return gv.Version
	}
	return gv.Group + "/" + gv.Version
}

// Group is one API group as the server lists it. Versions that aggregated discovery marks stale are
// left out, as client-go does, so PreferredVersion is the first version that is still served.
type Group struct {
	Name             string
	Versions         []string // server order, most preferred first
	PreferredVersion string
}

// Resource is one resource type of one served group version. Its slices are shared with the loaded
// discovery state: treat them as read-only. The JSON tags name the fields in kubex's own cache file.
type Resource struct {
	Group        string        `json:"group,omitempty"`
	Version      string        `json:"version"`
	Name         string        `json:"name"` // plural, e.g. "deployments"
	SingularName string        `json:"singularName,omitempty"`
	Kind         string        `json:"kind"`
	Namespaced   bool          `json:"namespaced,omitempty"`
	Verbs        []string      `json:"verbs,omitempty"`
	ShortNames   []string      `json:"shortNames,omitempty"`
	Categories   []string      `json:"categories,omitempty"`
	Subresources []Subresource `json:"subresources,omitempty"`
}

// Subresource is a sub-path of a resource such as "status", "scale" or "log".
type Subresource struct {
	Name  string   `json:"name"`
	Kind  string   `json:"kind,omitempty"`
	Verbs []string `json:"verbs,omitempty"`
}

// GroupVersion is the served group version the resource was listed under.
func (r Resource) GroupVersion() GroupVersion { return GroupVersion{r.Group, r.Version} }

// GroupResource is "name.group", or just "name" in the core group: the form kubectl prints with -o name
// and accepts back.
func (r Resource) GroupResource() string {
	if r.Group == "" {
		return r.Name
	}
	return r.Name + "." + r.Group
}

// singular is what kubectl's REST mapper matches besides the plural: the server's singular name, or the
// lower-cased kind when an old server sends none.
func (r Resource) singular() string {
	if r.SingularName != "" {
		return r.SingularName
	}
	return strings.ToLower(r.Kind)
}

// HasVerb reports whether the resource supports verb, e.g. "list" or "watch".
func (r Resource) HasVerb(verb string) bool {
	for _, v := range r.Verbs {
		if v == verb {
			return true
		}
	}
	return false
}

// NotFoundError says that nothing the server serves matches what the user typed. Its text is kubectl's.
type NotFoundError struct {
	Resource string // the part before the first dot, as kubectl reports it
	Closest  string // a served name one or two typos away, if any: suggested beyond kubectl's words
}

func (e *NotFoundError) Error() string {
	msg := fmt.Sprintf("the server doesn't have a resource type %q", e.Resource)
	if e.Closest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Closest)
	}
	return msg
}

// GroupDiscoveryError reports group versions whose resources could not be listed; the results returned
// with it are complete but for those. Its text is client-go's ErrGroupDiscoveryFailed's.
type GroupDiscoveryError struct {
	Failed map[GroupVersion]error
}

func (e *GroupDiscoveryError) Error() string {
	parts := make([]string, 0, len(e.Failed))
	for gv, err := range e.Failed {
		parts = append(parts, fmt.Sprintf("%s: %v", gv, err))
	}
	sort.Strings(parts)
	return "unable to retrieve the complete list of server APIs: " + strings.Join(parts, ", ")
}

// WithoutStale drops the stale group versions and returns nil when nothing else failed. kubectl's
// api-resources and api-versions never report stale versions (its disk cache hides them), so commands
// that must match its output use this.
func (e *GroupDiscoveryError) WithoutStale() error {
	rest := map[GroupVersion]error{}
	for gv, err := range e.Failed {
		if _, stale := err.(*StaleError); !stale {
			rest[gv] = err
		}
	}
	if len(rest) == 0 {
		return nil
	}
	return &GroupDiscoveryError{Failed: rest}
}

// StaleError marks a group version that aggregated discovery lists as stale: its aggregated API server
// did not answer the apiserver lately, so its resources are unknown.
type StaleError struct{ GroupVersion GroupVersion }

func (e *StaleError) Error() string {
	return fmt.Sprintf("stale GroupVersion discovery: %s", e.GroupVersion)
}
