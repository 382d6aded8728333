package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestDelete deletes by name, file and selector, waiting (by default) until the objects are gone.
func TestDelete(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	for _, n := range []string{"a", "b", "c", "d"} {
		kubectlOK(t, nil, "create", "configmap", "-n", ns, n)
	}
	kubectlOK(t, nil, "label", "configmap", "-n", ns, "c", "d", "group=x")
	for _, tc := range []struct {
		args         []string
		code         int
		stdout, errs string
	}{
		{args: []string{"delete", "cm", "a", "nope"}, code: 1, stdout: `configmap "a" deleted from ` + ns + " namespace\n",
			errs: "Error from server (NotFound): configmaps \"nope\" not found\n"},
		{args: []string{"delete", "cm/b", "--dry-run=server"}, stdout: `configmap "b" deleted from ` + ns + " namespace (server dry run)\n"},
		{args: []string{"delete", "cm", "-l", "group=x", "-o", "name"}, stdout: "configmap/c\nconfigmap/d\n"},
		{args: []string{"delete", "cm", "-l", "group=x"}, stdout: "No resources found\n"},
		{args: []string{"delete", "cm", "nope", "--ignore-not-found"}},
		{args: []string{"delete", "cm"}, code: 1, errs: "error: resource(s) were provided, but no name was specified\n"},
	} {
		r := runKubex(t, nil, append(tc.args, "-n", ns)...)
		if r.Code != tc.code || r.Stdout != tc.stdout || r.Stderr != tc.errs {
			t.Errorf("kubex %s: want exit %d, %q, %q: %s", strings.Join(tc.args, " "), tc.code, tc.stdout, tc.errs, r)
		}
	}
	if r := runKubex(t, nil, "get", "cm", "b", "-n", ns, "-o", "name"); r.Stdout != "configmap/b\n" {
		t.Errorf("the dry run deleted b: %s", r)
	}
	// A Deployment with pods: deletion waits for the garbage collector's work on nothing but the object
	// itself, and a namespace waits until the namespace controller has emptied it.
	other := newNamespace(t)
	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx", "--replicas=2", "-n", other)
	start := time.Now()
	r := runKubex(t, nil, "delete", "namespace", other)
	if r.Code != 0 || r.Stdout != `namespace "`+other+`" deleted`+"\n" {
		t.Fatalf("delete namespace: %s", r)
	}
	if g := runKubectl(t, nil, "get", "namespace", other, "--ignore-not-found", "-o", "name"); g.Stdout != "" {
		t.Errorf("delete returned after %v with the namespace still there: %s", time.Since(start), g)
	}
}

// TestWait waits for conditions the test sets, a JSONPath value, and deletions, on the watch engine.
func TestWait(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "configmap", "-n", ns, "w")
	done := make(chan result, 1)
	go func() {
		done <- runKubex(t, nil, "wait", "--for=jsonpath={.data.ready}=yes", "cm/w", "-n", ns, "--timeout=60s")
	}()
	time.Sleep(500 * time.Millisecond)
	kubectlOK(t, nil, "patch", "configmap", "w", "-n", ns, "-p", `{"data":{"ready":"yes"}}`)
	if r := <-done; r.Code != 0 || r.Stdout != "configmap/w condition met\n" {
		t.Errorf("jsonpath: %s", r)
	}

	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx", "--replicas=1", "-n", ns)
	if r := runKubex(t, nil, "wait", "--for=condition=Available", "deploy/web", "-n", ns, "--timeout=60s"); r.Code != 0 || r.Stdout != "deployment.apps/web condition met\n" {
		t.Errorf("condition: %s", r)
	}
	if r := runKubex(t, nil, "wait", "--for=condition=Available=False", "deploy/web", "-n", ns, "--timeout=1s"); r.Code != 1 ||
		r.Stderr != "error: timed out waiting for the condition on deployments/web\n" {
		t.Errorf("timeout: %s", r)
	}
	go func() { done <- runKubex(t, nil, "wait", "--for=delete", "cm/w", "-n", ns, "--timeout=60s") }()
	time.Sleep(500 * time.Millisecond)
	kubectlOK(t, nil, "delete", "configmap", "w", "-n", ns, "--wait=false")
	if r := <-done; r.Code != 0 || r.Stdout != "configmap/w condition met\n" {
		t.Errorf("delete: %s", r)
	}
	for _, args := range [][]string{
		{"wait", "--for=condition=Ready", "pod/nope", "-n", ns},
		{"wait", "--for=bogus", "pod/nope", "-n", ns},
		{"wait", "--for=jsonpath=", "pod/nope", "-n", ns},
	} {
		sameAsKubectl(t, nil, args...)
	}
}
