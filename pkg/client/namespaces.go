package client

import (
	"context"
	"net/http"

	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/resource"
)

// NamespacesType is the core/v1 namespaces resource, known without discovery.
var NamespacesType = discovery.Resource{Version: "v1", Name: "namespaces", SingularName: "namespace", Kind: "Namespace",
	ShortNames: []string{"ns"}, Verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"}}

// Namespaces is the handle for the cluster's namespaces.
func (c *Client) Namespaces() *Resource { return c.Resource(NamespacesType, "") }

// ListNames lists the names of the collection's objects (narrowed by o's selectors, paged by o.Limit),
// in the server's order, asking for as little as names need: Table rows without their objects where the
// server has Tables, else metadata alone, else whole objects.
func (r *Resource) ListNames(ctx context.Context, o ListOptions) ([]string, error) {
	return resource.ListNames(ctx, r.c.http, r.Request(http.MethodGet, "").URL(), o)
}
