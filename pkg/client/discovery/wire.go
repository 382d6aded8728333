package discovery

import (
	"encoding/json"
	"mime"
	"strings"
)

// The wire types below hold only the fields kubex reads from the discovery documents
// (apidiscovery.k8s.io/v2 and v2beta1, which agree on these fields, and meta/v1 APIVersions,
// APIGroupList and APIResourceList).

// acceptDiscovery prefers aggregated discovery, v2 then v2beta1, and lets older servers answer with the
// legacy documents; the order and parameter order are client-go's, which the apiserver requires.
const acceptDiscovery = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," +
	"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList," +
	"application/json"

type wireGroupDiscoveryList struct {
	Items []wireGroupDiscovery `json:"items"`
}

type wireGroupDiscovery struct {
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Versions []wireVersionDiscovery `json:"versions"`
}

type wireVersionDiscovery struct {
	Version   string                  `json:"version"`
	Resources []wireResourceDiscovery `json:"resources"`
	Freshness string                  `json:"freshness"`
}

type wireGVK struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

type wireResourceDiscovery struct {
	Resource         string                     `json:"resource"`
	ResponseKind     *wireGVK                   `json:"responseKind"`
	Scope            string                     `json:"scope"`
	SingularResource string                     `json:"singularResource"`
	Verbs            []string                   `json:"verbs"`
	ShortNames       []string                   `json:"shortNames"`
	Categories       []string                   `json:"categories"`
	Subresources     []wireSubresourceDiscovery `json:"subresources"`
}

type wireSubresourceDiscovery struct {
	Subresource  string   `json:"subresource"`
	ResponseKind *wireGVK `json:"responseKind"`
	Verbs        []string `json:"verbs"`
}

type wireAPIVersions struct {
	Versions []string `json:"versions"`
}

type wireAPIGroupList struct {
	Groups []struct {
		Name     string `json:"name"`
		Versions []struct {
			Version string `json:"version"`
		} `json:"versions"`
		PreferredVersion struct {
			Version string `json:"version"`
		} `json:"preferredVersion"`
	} `json:"groups"`
}

type wireAPIResourceList struct {
	Resources []struct {
		Name         string   `json:"name"`
		SingularName string   `json:"singularName"`
		Namespaced   bool     `json:"namespaced"`
		Kind         string   `json:"kind"`
		Verbs        []string `json:"verbs"`
		ShortNames   []string `json:"shortNames"`
		Categories   []string `json:"categories"`
	} `json:"resources"`
}

// isAggregated tells from a response's Content-Type whether the server answered with aggregated
// discovery. Like client-go it ignores parameter order and extra parameters such as charset.
func isAggregated(contentType string) bool {
	base, params, err := mime.ParseMediaType(contentType)
	if err != nil || base != "application/json" {
		return false
	}
	return params["g"] == "apidiscovery.k8s.io" && params["as"] == "APIGroupDiscoveryList" &&
		(params["v"] == "v2" || params["v"] == "v2beta1")
}

// parseAggregated turns an APIGroupDiscoveryList into groups with their resources. Stale versions are
// kept, marked, and without resources; the first version that is not stale is the preferred one.
func parseAggregated(body []byte) ([]apiGroup, error) {
	var list wireGroupDiscoveryList
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, err
	}
	groups := make([]apiGroup, 0, len(list.Items))
	for _, item := range list.Items {
		g := apiGroup{Name: item.Metadata.Name}
		for _, v := range item.Versions {
			if v.Freshness == "Stale" {
				g.Versions = append(g.Versions, apiVersion{Version: v.Version, Stale: true})
				continue
			}
			if g.Preferred == "" {
				g.Preferred = v.Version
			}
			rs := make([]Resource, 0, len(v.Resources))
			for _, wr := range v.Resources {
				// client-go drops a resource without a kind (it may exist only to carry subresources).
				if wr.ResponseKind == nil || *wr.ResponseKind == (wireGVK{}) {
					continue
				}
				r := Resource{
					Group:        g.Name,
					Version:      v.Version,
					Name:         wr.Resource,
					SingularName: wr.SingularResource,
					Kind:         wr.ResponseKind.Kind,
					Namespaced:   wr.Scope == "Namespaced",
					Verbs:        wr.Verbs,
					ShortNames:   wr.ShortNames,
					Categories:   wr.Categories,
				}
				for _, ws := range wr.Subresources {
					if ws.ResponseKind == nil || *ws.ResponseKind == (wireGVK{}) {
						continue
					}
					r.Subresources = append(r.Subresources, Subresource{Name: ws.Subresource, Kind: ws.ResponseKind.Kind, Verbs: ws.Verbs})
				}
				rs = append(rs, r)
			}
			g.Versions = append(g.Versions, apiVersion{Version: v.Version, Resources: rs, Listed: true})
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// parseLegacyCore turns /api's APIVersions into the core group.
func parseLegacyCore(body []byte) ([]apiGroup, error) {
	var v wireAPIVersions
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	if len(v.Versions) == 0 {
		return nil, nil
	}
	g := apiGroup{Name: "", Preferred: v.Versions[0]}
	for _, ver := range v.Versions {
		g.Versions = append(g.Versions, apiVersion{Version: ver})
	}
	return []apiGroup{g}, nil
}

// parseLegacyGroups turns /apis's APIGroupList into groups whose resources are still to be fetched.
func parseLegacyGroups(body []byte) ([]apiGroup, error) {
	var l wireAPIGroupList
	if err := json.Unmarshal(body, &l); err != nil {
		return nil, err
	}
	groups := make([]apiGroup, 0, len(l.Groups))
	for _, wg := range l.Groups {
		g := apiGroup{Name: wg.Name, Preferred: wg.PreferredVersion.Version}
		for _, v := range wg.Versions {
			g.Versions = append(g.Versions, apiVersion{Version: v.Version})
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// parseResourceList turns one legacy APIResourceList into resources, folding "parent/sub" entries into
// their parent's Subresources.
func parseResourceList(gv GroupVersion, body []byte) ([]Resource, error) {
	var l wireAPIResourceList
	if err := json.Unmarshal(body, &l); err != nil {
		return nil, err
	}
	rs := make([]Resource, 0, len(l.Resources))
	index := map[string]int{}
	var subs []int
	for i, wr := range l.Resources {
		if strings.Contains(wr.Name, "/") {
			subs = append(subs, i)
			continue
		}
		index[wr.Name] = len(rs)
		rs = append(rs, Resource{
			Group:        gv.Group,
			Version:      gv.Version,
			Name:         wr.Name,
			SingularName: wr.SingularName,
			Kind:         wr.Kind,
			Namespaced:   wr.Namespaced,
			Verbs:        wr.Verbs,
			ShortNames:   wr.ShortNames,
			Categories:   wr.Categories,
		})
	}
	// Subresources may be listed before their parent, hence the second pass.
	for _, i := range subs {
		wr := l.Resources[i]
		parent, sub, _ := strings.Cut(wr.Name, "/")
		if p, ok := index[parent]; ok {
			rs[p].Subresources = append(rs[p].Subresources, Subresource{Name: sub, Kind: wr.Kind, Verbs: wr.Verbs})
		}
	}
	return rs, nil
}
