package discovery

import (
	"context"
	"strings"
	"testing"
)

// The expectations below are what the reference kubectl v1.34.4 requested for `kubectl get TYPED`
// against the recorded cluster (see testdata/apiresources/README.md).
func TestResolve(t *testing.T) {
	for _, docs := range []struct {
		name string
		docs func(*testing.T) map[string]fakeDoc
	}{{"aggregated", aggregatedDocs}, {"legacy", legacyDocs}} {
		t.Run(docs.name, func(t *testing.T) {
			d := New(newFakeServer(t, docs.docs(t)).doer(), "")
			for typed, want := range map[string]string{
				// plural, singular, short name, kind; case-insensitive except short names
				"pods": "v1 pods", "pod": "v1 pods", "po": "v1 pods", "Pod": "v1 pods", "POD": "v1 pods", "Pods": "v1 pods",
				"PO": `the server doesn't have a resource type "PO"`,
				"ep": "v1 endpoints", "Endpoints": "v1 endpoints", "no": "v1 nodes", "ns": "v1 namespaces",
				// resource.group, with a short name, singular or kind; group prefixes
				"deploy": "apps/v1 deployments", "deploy.apps": "apps/v1 deployments",
				"deployments.apps": "apps/v1 deployments", "deployment.apps": "apps/v1 deployments",
				"Deployment.apps": "apps/v1 deployments", "DEPLOYMENTS.apps": "apps/v1 deployments",
				"ing.networking": "networking.k8s.io/v1 ingresses", "ingresses.networking": "networking.k8s.io/v1 ingresses",
				"rs.app": "apps/v1 replicasets", "widgets.example": "example.com/v1 widgets",
				"certificatesigningrequests.certificates.k8s.io": "certificates.k8s.io/v1 certificatesigningrequests",
				// resource.version.group; a short name loses the version, as in client-go
				"deploy.v1.apps": "apps/v1 deployments", "deployments.v1.apps": "apps/v1 deployments",
				"Deployment.v1.apps":                      "apps/v1 deployments",
				"horizontalpodautoscalers.v1.autoscaling": "autoscaling/v1 horizontalpodautoscalers",
				"HorizontalPodAutoscaler.v1.autoscaling":  "autoscaling/v1 horizontalpodautoscalers",
				"hpa.v1.autoscaling":                      "autoscaling/v2 horizontalpodautoscalers",
				"widgets.v1beta1.example.com":             "example.com/v1beta1 widgets",
				"Widget.v1beta1.example.com":              "example.com/v1beta1 widgets",
				"wd.v1beta1.example.com":                  "example.com/v1 widgets",
				// the preferred version; core before other groups
				"hpa": "autoscaling/v2 horizontalpodautoscalers", "events": "v1 events", "ev": "v1 events",
				"Event": "v1 events", "event.events.k8s.io": "events.k8s.io/v1 events", "events.events": "events.k8s.io/v1 events",
				// a CRD whose short name "po" is also pods': pods win, its other names still work
				"pl": "other.example.org/v1alpha1 pollers", "poller.other": "other.example.org/v1alpha1 pollers",
				// a CRD whose singular is not its kind: the bare kind is only looked up in the core group
				"sprock": "example.com/v1 gizmos", "Sprocket.example.com": "example.com/v1 gizmos",
				"sprocket.example.com": "example.com/v1 gizmos", "gz": "example.com/v1 gizmos",
				"Sprocket": `the server doesn't have a resource type "Sprocket" (did you mean "sprock"?)`,
				"crd":      "apiextensions.k8s.io/v1 customresourcedefinitions",
				"foo":      `the server doesn't have a resource type "foo"`,
				"foo.bar":  `the server doesn't have a resource type "foo"`,
				// a stale group's resources are unknown
				"nodes.metrics.k8s.io": `the server doesn't have a resource type "nodes"`,
			} {
				r, err := d.Resolve(context.Background(), typed)
				got := r.GroupVersion().String() + " " + r.Name
				if err != nil {
					got = err.Error()
				}
				if got != want {
					t.Errorf("Resolve(%q) = %s, want %s", typed, got, want)
				}
			}
		})
	}
}

func TestResolveCategory(t *testing.T) {
	d := New(newFakeServer(t, aggregatedDocs(t)).doer(), "")
	ctx := context.Background()
	rs, err := d.ResolveCategory(ctx, "all")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.GroupVersion().String()+" "+r.Name)
	}
	// kubectl get all's order; hpa is listed once, in its preferred version.
	want := "v1 pods, v1 replicationcontrollers, v1 services, apps/v1 daemonsets, apps/v1 deployments, " +
		"apps/v1 replicasets, apps/v1 statefulsets, autoscaling/v2 horizontalpodautoscalers, batch/v1 cronjobs, " +
		"batch/v1 jobs, example.com/v1 widgets"
	if strings.Join(got, ", ") != want {
		t.Errorf("all = %s\nwant  %s", strings.Join(got, ", "), want)
	}
	if rs, err := d.ResolveCategory(ctx, "nope"); rs != nil || err != nil {
		t.Errorf("unknown category = %v, %v; want nil, nil", rs, err)
	}

	rs, err = d.Expand(ctx, "example")
	if err != nil || len(rs) != 2 || rs[0].Name != "gizmos" || rs[1].Name != "widgets" {
		t.Errorf("Expand(example) = %+v, %v", rs, err)
	}
	rs, err = d.Expand(ctx, "deploy")
	if err != nil || len(rs) != 1 || rs[0].Name != "deployments" {
		t.Errorf("Expand(deploy) = %+v, %v", rs, err)
	}
	if _, err := d.Expand(ctx, "nope.x"); err == nil || err.Error() != `the server doesn't have a resource type "nope" (did you mean "node"?)` {
		t.Errorf("Expand(nope.x) error = %v", err)
	}
}
