package config

import (
	"encoding/json"
	"maps"
	"slices"
	"sort"
)

// Deep copies keep the stack's parsed documents immutable: callers get configs they may edit freely, and
// Modify compares an edited copy with the original.

// DeepCopy returns a copy of c that shares no memory with it.
func (c *Config) DeepCopy() *Config {
	if c == nil {
		return nil
	}
	out := *c
	out.Preferences = Preferences{Colors: c.Preferences.Colors, Extensions: cloneExtensions(c.Preferences.Extensions)}
	out.Clusters = cloneSlice(c.Clusters, func(n NamedCluster) NamedCluster {
		return NamedCluster{Name: n.Name, Cluster: *n.Cluster.DeepCopy()}
	})
	out.AuthInfos = cloneSlice(c.AuthInfos, func(n NamedUser) NamedUser {
		return NamedUser{Name: n.Name, User: *n.User.DeepCopy()}
	})
	out.Contexts = cloneSlice(c.Contexts, func(n NamedContext) NamedContext {
		return NamedContext{Name: n.Name, Context: *n.Context.DeepCopy()}
	})
	out.Extensions = cloneExtensions(c.Extensions)
	return &out
}

// DeepCopy returns a copy of c that shares no memory with it.
func (c *Cluster) DeepCopy() *Cluster {
	if c == nil {
		return nil
	}
	out := *c
	out.CertificateAuthorityData = slices.Clone(c.CertificateAuthorityData)
	out.Extensions = cloneExtensions(c.Extensions)
	return &out
}

// DeepCopy returns a copy of a that shares no memory with it.
func (a *AuthInfo) DeepCopy() *AuthInfo {
	if a == nil {
		return nil
	}
	out := *a
	out.ClientCertificateData = slices.Clone(a.ClientCertificateData)
	out.ClientKeyData = slices.Clone(a.ClientKeyData)
	out.ImpersonateGroups = slices.Clone(a.ImpersonateGroups)
	if a.ImpersonateUserExtra != nil {
		out.ImpersonateUserExtra = make(map[string][]string, len(a.ImpersonateUserExtra))
		for k, v := range a.ImpersonateUserExtra {
			out.ImpersonateUserExtra[k] = slices.Clone(v)
		}
	}
	if a.AuthProvider != nil {
		ap := *a.AuthProvider
		ap.Config = maps.Clone(a.AuthProvider.Config)
		out.AuthProvider = &ap
	}
	out.Exec = a.Exec.DeepCopy()
	out.Extensions = cloneExtensions(a.Extensions)
	return &out
}

// DeepCopy returns a copy of e that shares no memory with it.
func (e *ExecConfig) DeepCopy() *ExecConfig {
	if e == nil {
		return nil
	}
	out := *e
	out.Args = slices.Clone(e.Args)
	out.Env = slices.Clone(e.Env)
	return &out
}

// DeepCopy returns a copy of c that shares no memory with it.
func (c *Context) DeepCopy() *Context {
	if c == nil {
		return nil
	}
	out := *c
	out.Extensions = cloneExtensions(c.Extensions)
	return &out
}

func cloneSlice[T any](in []T, f func(T) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

func cloneExtensions(in []NamedExtension) []NamedExtension {
	return cloneSlice(in, func(e NamedExtension) NamedExtension {
		return NamedExtension{Name: e.Name, Extension: cloneAny(e.Extension)}
	})
}

// cloneAny copies what encoding/json produces for an arbitrary value.
func cloneAny(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = cloneAny(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = cloneAny(e)
		}
		return out
	case json.RawMessage:
		return slices.Clone(t)
	default: // string, json.Number, bool, nil
		return v
	}
}

// normalize gives c the shape kubectl writes: apiVersion and kind set, every list sorted by name, and empty
// lists as null. kubectl holds entries in maps between reading and writing, which is where both come from.
func normalize(c *Config) {
	if c.APIVersion == "" {
		c.APIVersion = "v1"
	}
	if c.Kind == "" {
		c.Kind = "Config"
	}
	c.Clusters = sortedByName(c.Clusters, func(n NamedCluster) string { return n.Name })
	c.AuthInfos = sortedByName(c.AuthInfos, func(n NamedUser) string { return n.Name })
	c.Contexts = sortedByName(c.Contexts, func(n NamedContext) string { return n.Name })
	c.Extensions = normalizeExtensions(c.Extensions)
	c.Preferences.Extensions = normalizeExtensions(c.Preferences.Extensions)
	for i := range c.Clusters {
		c.Clusters[i].Cluster.Extensions = normalizeExtensions(c.Clusters[i].Cluster.Extensions)
	}
	for i := range c.AuthInfos {
		c.AuthInfos[i].User.Extensions = normalizeExtensions(c.AuthInfos[i].User.Extensions)
	}
	for i := range c.Contexts {
		c.Contexts[i].Context.Extensions = normalizeExtensions(c.Contexts[i].Context.Extensions)
	}
}

func normalizeExtensions(in []NamedExtension) []NamedExtension {
	return sortedByName(in, func(e NamedExtension) string { return e.Name })
}

func sortedByName[T any](in []T, name func(T) string) []T {
	if len(in) == 0 {
		return nil
	}
	sort.SliceStable(in, func(i, j int) bool { return name(in[i]) < name(in[j]) })
	return in
}
