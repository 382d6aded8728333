package fakeapi

import (
	"crypto/sha256"
	"embed"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// The recorded documents: the answers of the test cluster's API server to GET /version, to /api and /apis
// with the aggregated-discovery Accept header, and (legacy.json, keyed by path) to /api, /apis, /apis/<g>
// and every group version with Accept: application/json.
//
//go:embed testdata/*.json
var recorded embed.FS

const aggregatedType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

// resource is one resource of the recorded discovery.
type resource struct {
	Group, Version, Name, Kind string
	Namespaced                 bool
	Verbs                      []string
	Subresources               map[string][]string // name to verbs
}

// GroupVersion is "v1" or "apps/v1".
func (r *resource) GroupVersion() string {
	if r.Group == "" {
		return r.Version
	}
	return r.Group + "/" + r.Version
}

// qualified is how the API server names the resource in messages: "pods", "deployments.apps".
func (r *resource) qualified() string {
	if r.Group == "" {
		return r.Name
	}
	return r.Name + "." + r.Group
}

type discoveryDocs struct {
	version, aggregatedAPI, aggregatedAPIs []byte
	legacy                                 map[string]json.RawMessage
	resources                              map[string]*resource // "group/version/name"
}

func loadDiscovery() (*discoveryDocs, error) {
	d := &discoveryDocs{resources: map[string]*resource{}}
	var err error
	read := func(name string) []byte {
		b, e := recorded.ReadFile("testdata/" + name)
		if e != nil && err == nil {
			err = e
		}
		return b
	}
	d.version, d.aggregatedAPI, d.aggregatedAPIs = read("version.json"), read("aggregated-api.json"), read("aggregated-apis.json")
	legacy := read("legacy.json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(legacy, &d.legacy); err != nil {
		return nil, fmt.Errorf("legacy.json: %w", err)
	}
	for _, doc := range [][]byte{d.aggregatedAPI, d.aggregatedAPIs} {
		var list struct {
			Items []struct {
				Metadata struct{ Name string }
				Versions []struct {
					Version   string
					Freshness string
					Resources []struct {
						Resource     string
						ResponseKind *struct{ Kind string }
						Scope        string
						Verbs        []string
						Subresources []struct {
							Subresource string
							Verbs       []string
						}
					}
				}
			}
		}
		if err := json.Unmarshal(doc, &list); err != nil {
			return nil, fmt.Errorf("aggregated discovery: %w", err)
		}
		for _, g := range list.Items {
			for _, v := range g.Versions {
				if v.Freshness == "Stale" {
					continue
				}
				for _, wr := range v.Resources {
					if wr.ResponseKind == nil || wr.ResponseKind.Kind == "" {
						continue
					}
					r := &resource{Group: g.Metadata.Name, Version: v.Version, Name: wr.Resource, Kind: wr.ResponseKind.Kind,
						Namespaced: wr.Scope == "Namespaced", Verbs: wr.Verbs, Subresources: map[string][]string{}}
					for _, sub := range wr.Subresources {
						r.Subresources[sub.Subresource] = sub.Verbs
					}
					d.resources[g.Metadata.Name+"/"+v.Version+"/"+wr.Resource] = r
				}
			}
		}
	}
	return d, nil
}

func (d *discoveryDocs) lookup(group, version, name string) *resource {
	return d.resources[group+"/"+version+"/"+name]
}

// byKind finds the resource of apiVersion and kind.
func (d *discoveryDocs) byKind(apiVersion, kind string) *resource {
	group, version, ok := strings.Cut(apiVersion, "/")
	if !ok {
		group, version = "", apiVersion
	}
	for _, r := range d.resources {
		if r.Group == group && r.Version == version && r.Kind == kind {
			return r
		}
	}
	return nil
}

// serve answers the discovery paths and /version, with ETags as the API server sends them; it reports
// false for any other path.
func (d *discoveryDocs) serve(w http.ResponseWriter, r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	var body []byte
	contentType := "application/json"
	switch p := r.URL.Path; {
	case p == "/version":
		body = d.version
	case (p == "/api" || p == "/apis") && acceptsAggregated(r.Header.Get("Accept")):
		body, contentType = d.aggregatedAPI, aggregatedType
		if p == "/apis" {
			body = d.aggregatedAPIs
		}
	case d.legacy[p] != nil:
		body = d.legacy[p]
	default:
		return false
	}
	etag := fmt.Sprintf(`"%X"`, sha256.Sum256(body))
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Vary", "Accept")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	w.Write(body)
	return true
}

// acceptsAggregated reports whether accept offers apidiscovery.k8s.io/v2 (the version recorded).
func acceptsAggregated(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		base, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && base == "application/json" && params["g"] == "apidiscovery.k8s.io" &&
			params["v"] == "v2" && params["as"] == "APIGroupDiscoveryList" {
			return true
		}
	}
	return false
}
