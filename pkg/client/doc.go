// Package client is kubex's Go client for the Kubernetes API: the library every kubex command is built
// on, with no dependency on client-go. It reads kubeconfig as kubectl does, sends every request through
// one middleware chain, and offers the API's verbs three ways: an untyped handle on JSON bytes, a generic
// handle on Go types, and a map for objects known only at run time.
//
// # Stability
//
// The module is at v0: the API of this package and of its sub-packages may change between minor
// versions. Every change is listed in CHANGELOG.md at the root of the repository.
//
// # A client
//
// Load finds the cluster as kubectl does ($KUBECONFIG, ~/.kube/config, or the pod's service account),
// New takes an already resolved kubeconfig context (config.Resolved). Both take options:
//
//	c, err := client.Load(
//		client.WithContext("staging"),      // a context other than the current one
//		client.WithNamespace("web"),        // the default namespace, Client.Namespace
//		client.WithUserAgent("my-tool/1.0"),
//	)
//
// Nothing is dialled until the first request. WithTransport replaces the bottom of the chain (a test's
// fake, a transport of the caller's); WithMiddleware adds layers of the caller's own.
//
// # Three handles on the same verbs
//
// Resource is one resource type in one namespace (c.Resource, c.ResourceFor("deploy"),
// c.ResourceForKind("apps/v1", "Deployment")), with every verb of the API on JSON bytes: Get, List
// (streamed page by page), Items, Create, Replace, Patch, Delete, DeleteCollection, Watch, and the
// subresources GetScale, Scale, Evict and Logs. c.Pods(namespace) adds the pod's own: Exec and Attach
// (a remote process of package exec, with its streams and exit code) and PortForward. Request builds
// what the verbs do not cover; c.Verb builds a request for any path (/version, a raw path as kubectl get
// --raw takes it).
//
// API[T] is the same verbs for a Go type: the types of k8s.io/api, a struct of the caller's for a custom
// resource, or Object. NewAPI finds the resource that serves T through discovery, from (in order)
// ForResource or ForKind, T's APIVersionKind method (Kinded), T's package for the types of k8s.io/api
// (k8s.io/api/apps/v1.Deployment is apps/v1 Deployment; rbac/v1 is rbac.authorization.k8s.io/v1), or
// the apiVersion and kind of the first object a verb is given:
//
//	pods := client.NewAPI[corev1.Pod](c, "web")
//	for pod, err := range pods.Each(ctx, client.ListOptions{LabelSelector: "app=web"}) { ... }
//
// Object is an object as a map (API[Object], NewDynamic), for types known only at run time. Ref names one
// object the way kubectl prints it ("deployment.apps/web").
//
// # Patches
//
// A Patch is a format and a body, built from Go values: Apply(obj) for server-side apply (with
// PatchOptions.FieldManager, and Force to take fields other managers own), Merge(v), Strategic(v),
// JSONOps(ops...), or NewPatch(type, bytes) for bytes a user typed, checked before anything is sent.
// API[T].Apply applies a typed object; ConflictCauses lists the fields of an apply conflict and who owns
// them.
//
// # Watch
//
// Resource.Watch and API[T].Watch list, then watch, calling a function for every change: nothing lost and
// nothing repeated across dropped connections, API server restarts and 410 Gone (answered by a relist
// that reports what changed meanwhile). They return nil when the context ends. OpenWatch opens one raw
// stream for a caller that decodes events itself; Source hands the collection to the watch package's
// engine. Package wait builds on it to wait for a condition, a value or a deletion.
//
// # Errors
//
// A non-2xx answer is a *StatusError carrying the server's Status, worded as kubectl words it; a failure
// to reach the server is a *ConnectionError naming it. IsNotFound, IsAlreadyExists, IsConflict,
// IsForbidden and IsGone test for the common reasons through any wrapping.
//
// # The middleware chain
//
// Every request, websocket upgrades included, meets the same layers in this order (the response travels
// back up):
//
//  1. connection errors: a failure to get any answer becomes a *ConnectionError
//  2. authentication: bearer token or token file, basic auth, or an exec credential plugin
//  3. impersonation: Impersonate-User, -Group, -Uid, -Extra-*
//  4. warnings: the server's Warning headers, each text once
//  5. URL and headers: the server's scheme, host and path prefix; User-Agent; Accept; ?timeout=
//  6. retry: 429 and 5xx answers with Retry-After, and reset GETs, within limits
//  7. debug logging (the command line's -v 6 and up)
//  8. the caller's WithMiddleware layers, outermost first: they see the final URL and credentials
//  9. compression: gzip asked for and decoded
//  10. the transport: TLS, client certificates, HTTP/2, proxies (or WithTransport's)
//
// The layers live in the transport sub-package, whose chain function is the one place that orders them.
package client
