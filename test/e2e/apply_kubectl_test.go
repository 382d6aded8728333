package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApplyKubectl covers kubex apply beside kubectl's client-side apply on the same objects: kubex takes
// over what kubectl applied without conflicts, keeps the last-applied annotation in step so that
// kubectl's next apply still removes what the file no longer has, and the same the other way round.
func TestApplyKubectl(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const base = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
`
	v1 := write("v1.yaml", base)
	v2 := write("v2.yaml", strings.NewReplacer("nginx:1.25", "nginx:1.27", "replicas: 2", "replicas: 3").Replace(base))
	v3 := write("v3.yaml", strings.NewReplacer("nginx:1.25", "nginx:1.27", "replicas: 2", "replicas: 3", ", tier: front", "").Replace(base))
	state := func(t *testing.T, ns string) string {
		t.Helper()
		r := runKubectl(t, nil, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.labels} {.spec.replicas} {.spec.template.spec.containers[0].image}")
		if r.Code != 0 {
			t.Fatal(r)
		}
		return r.Stdout
	}
	ok := func(t *testing.T, r result, stdout string) {
		t.Helper()
		if r.Code != 0 || r.Stdout != stdout {
			t.Fatalf("want exit 0 and %q: %s", stdout, r)
		}
	}
	const changed, removed = `{"app":"web","tier":"front"} 3 nginx:1.27`, `{"app":"web"} 3 nginx:1.27`

	t.Run("kubectl, then kubex with changes, then kubectl removing a field", func(t *testing.T) {
		t.Parallel()
		ns := newNamespace(t)
		ok(t, runKubectl(t, nil, "apply", "-f", v1, "-n", ns), "deployment.apps/web created\n")
		ok(t, runKubex(t, nil, "apply", "-f", v2, "-n", ns), "deployment.apps/web serverside-applied\n")
		if got := state(t, ns); got != changed {
			t.Errorf("after kubex apply: %s, want %s", got, changed)
		}
		managers := runKubectl(t, nil, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.managedFields[*].manager}").Stdout
		if strings.Contains(managers, "kubectl-client-side-apply") {
			t.Errorf("client-side apply's fields not taken over: managers %s", managers)
		}
		ok(t, runKubectl(t, nil, "apply", "-f", v3, "-n", ns), "deployment.apps/web configured\n")
		if got := state(t, ns); got != removed {
			t.Errorf("after kubectl apply without the label: %s, want %s", got, removed)
		}
		// And kubex again: its own label comes back, nothing conflicts.
		ok(t, runKubex(t, nil, "apply", "-f", v2, "-n", ns), "deployment.apps/web serverside-applied\n")
		if got := state(t, ns); got != changed {
			t.Errorf("after kubex apply again: %s, want %s", got, changed)
		}
	})
	t.Run("kubex, then kubectl with changes, then kubex, then kubectl removing a field", func(t *testing.T) {
		t.Parallel()
		ns := newNamespace(t)
		ok(t, runKubex(t, nil, "apply", "-f", v1, "-n", ns), "deployment.apps/web serverside-applied\n")
		ok(t, runKubectl(t, nil, "apply", "-f", v2, "-n", ns), "deployment.apps/web configured\n")
		ok(t, runKubex(t, nil, "apply", "-f", v1, "-n", ns), "deployment.apps/web serverside-applied\n")
		if got, want := state(t, ns), `{"app":"web","tier":"front"} 2 nginx:1.25`; got != want {
			t.Errorf("after kubex apply: %s, want %s", got, want)
		}
		ok(t, runKubectl(t, nil, "apply", "-f", v3, "-n", ns), "deployment.apps/web configured\n")
		if got := state(t, ns); got != removed {
			t.Errorf("after kubectl apply without the label: %s, want %s", got, removed)
		}
	})
	t.Run("dry run and diff of a take-over store nothing", func(t *testing.T) {
		t.Parallel()
		ns := newNamespace(t)
		ok(t, runKubectl(t, nil, "apply", "-f", v1, "-n", ns), "deployment.apps/web created\n")
		ok(t, runKubex(t, nil, "apply", "-f", v2, "-n", ns, "--dry-run=server"), "deployment.apps/web serverside-applied (server dry run)\n")
		r := runKubex(t, nil, "diff", "-f", v2, "-n", ns)
		if r.Code != 1 || !strings.Contains(r.Stdout, "+  replicas: 3\n") || !strings.Contains(r.Stdout, "+      - image: nginx:1.27\n") || r.Stderr != "" {
			t.Errorf("diff: %s", r)
		}
		if got, want := state(t, ns), `{"app":"web","tier":"front"} 2 nginx:1.25`; got != want {
			t.Errorf("after dry runs: %s, want %s", got, want)
		}
		managers := runKubectl(t, nil, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.metadata.managedFields[*].manager}").Stdout
		if !strings.Contains(managers, "kubectl-client-side-apply") || strings.Contains(managers, "kubex") {
			t.Errorf("dry runs changed the managers: %s", managers)
		}
	})
	t.Run("diff shows what a conflict hides", func(t *testing.T) {
		t.Parallel()
		ns := newNamespace(t)
		ok(t, runKubex(t, nil, "apply", "-f", v1, "-n", ns), "deployment.apps/web serverside-applied\n")
		r := runKubex(t, nil, "diff", "-f", v2, "-n", ns, "--field-manager", "other")
		if r.Code != 1 || !strings.Contains(r.Stdout, "+  replicas: 3\n") {
			t.Errorf("diff: %s", r)
		}
		want := "warning: deployment.apps/web (" + v2 + ": document 1 (line 1)): fields managed by another field manager, shown as --force-conflicts would apply them:\n" +
			"  .spec.replicas  owned by \"kubex\"\n  .spec.template.spec.containers[name=\"web\"].image  owned by \"kubex\"\n"
		if r.Stderr != want {
			t.Errorf("stderr:\n%s\nwant:\n%s", r.Stderr, want)
		}
		// The apply itself still refuses.
		if r := runKubex(t, nil, "apply", "-f", v2, "-n", ns, "--field-manager", "other"); r.Code != 1 || !strings.Contains(r.Stderr, "fields managed by another field manager") {
			t.Errorf("apply: %s", r)
		}
	})
}
