package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestApply covers server-side apply as users meet it: create, update, conflicts, dry runs, CRDs with
// their resources in one file, directories, stdin, JSON and List input, bad input and partial failure.
func TestApply(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	expect := func(r result, code int, stdout, stderrPart string) {
		t.Helper()
		if r.Code != code || r.Stdout != stdout || !strings.Contains(r.Stderr, stderrPart) {
			t.Errorf("want exit %d, stdout %q, stderr containing %q: %s", code, stdout, stderrPart, r)
		}
	}
	cm := write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"1\"}\n")

	t.Run("create and update", func(t *testing.T) {
		expect(runKubex(t, nil, "apply", "-f", cm, "-n", ns), 0, "configmap/settings serverside-applied\n", "")
		expect(runKubex(t, nil, "apply", "--server-side", "-f", cm, "-n", ns), 0, "configmap/settings serverside-applied\n", "")
		r := runKubex(t, nil, "get", "cm", "settings", "-n", ns, "-o", "jsonpath={.metadata.managedFields[*].manager}={.data.a}")
		expect(r, 0, "kubex=1", "")
	})
	t.Run("managed fields as kubectl's", func(t *testing.T) {
		other := newNamespace(t)
		kubectlOK(t, nil, "apply", "--server-side", "--field-manager=kubex", "-f", cm, "-n", other)
		fields := func(ns string) string {
			return runKubex(t, nil, "get", "cm", "settings", "-n", ns, "-o", "jsonpath={.metadata.managedFields[0].fieldsV1}").Stdout
		}
		runKubex(t, nil, "apply", "-f", cm, "-n", ns)
		if a, b := fields(ns), fields(other); a != b || a == "" {
			t.Errorf("managedFields: kubex %s, kubectl %s", a, b)
		}
	})
	t.Run("conflict explained, then forced", func(t *testing.T) {
		changed := write("cm2.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"2\"}\n")
		r := runKubex(t, nil, "apply", "-f", changed, "-n", ns, "--field-manager", "other")
		expect(r, 1, "", "error: configmap/settings ("+changed+": document 1 (line 1)): fields managed by another field manager:\n  .data.a  owned by \"kubex\"\n")
		if !strings.Contains(r.Stderr, "--force-conflicts") {
			t.Errorf("no way out named: %s", r)
		}
		expect(runKubex(t, nil, "apply", "-f", changed, "-n", ns, "--field-manager", "other", "--force-conflicts"), 0, "configmap/settings serverside-applied\n", "")
	})
	t.Run("dry run leaves nothing", func(t *testing.T) {
		p := write("dry.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n")
		expect(runKubex(t, nil, "apply", "-f", p, "-n", ns, "--dry-run=server"), 0, "configmap/dry serverside-applied (server dry run)\n", "")
		expect(runKubex(t, nil, "get", "cm", "dry", "-n", ns, "--ignore-not-found"), 0, "", "")
	})
	t.Run("a CRD and its resources in one file", func(t *testing.T) {
		group := strings.ReplaceAll(ns, "-", "") + ".kubex.io"
		p := write("crd.yaml", fmt.Sprintf(`apiVersion: %[1]s/v1
kind: Sprocket
metadata: {name: s1}
spec: {teeth: 12}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: sprockets.%[1]s}
spec:
  group: %[1]s
  scope: Namespaced
  names: {plural: sprockets, singular: sprocket, kind: Sprocket}
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}]
`, group))
		cleanupKubectl(t, "delete", "crd", "sprockets."+group, "--wait=false")
		expect(runKubex(t, nil, "apply", "-f", p, "-n", ns), 0,
			"sprocket."+group+"/s1 serverside-applied\ncustomresourcedefinition.apiextensions.k8s.io/sprockets."+group+" serverside-applied\n", "")
		expect(runKubex(t, nil, "get", "sprockets", "-n", ns, "-o", "name"), 0, "sprocket."+group+"/s1\n", "")
	})
	t.Run("directories, stdin, JSON and Lists; cluster-scoped objects", func(t *testing.T) {
		d := filepath.Join(dir, "tree")
		write("tree/a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
		write("tree/sub/b.json", `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}},{"apiVersion":"v1","kind":"Secret","metadata":{"name":"c"}}]}`)
		write("tree/notes.txt", "not a manifest")
		expect(runKubex(t, nil, "apply", "-f", d, "-n", ns), 0, "configmap/a serverside-applied\n", "")
		expect(runKubex(t, nil, "apply", "-f", d, "-R", "-n", ns), 0, "configmap/a serverside-applied\nconfigmap/b serverside-applied\nsecret/c serverside-applied\n", "")
		pc := "kubex-e2e-" + ns
		cleanupKubectl(t, "delete", "priorityclass", pc)
		r := runCmd(t, fmt.Sprintf(`{"apiVersion":"scheduling.k8s.io/v1","kind":"PriorityClass","metadata":{"name":%q},"value":7}`, pc), nil, h.kubex, "apply", "-f", "-", "-n", ns, "-o", "yaml")
		if r.Code != 0 || !strings.Contains(r.Stdout, "kind: PriorityClass") || strings.Contains(r.Stdout, "namespace:") {
			t.Errorf("stdin, cluster-scoped, -o yaml: %s", r)
		}
	})
	t.Run("a malformed document: nothing applied", func(t *testing.T) {
		var b strings.Builder
		for i := 1; i <= 50; i++ {
			if i == 37 {
				b.WriteString("---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: broken\n")
				continue
			}
			fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: m%d}\n", i)
		}
		p := write("fifty.yaml", b.String())
		expect(runKubex(t, nil, "apply", "-f", p, "-n", ns), 1, "", "error: "+p+": document 37 (line 145): yaml: line 148: did not find expected ',' or '}'")
		expect(runKubex(t, nil, "get", "cm", "m1", "-n", ns, "--ignore-not-found", "-o", "name"), 0, "", "")
		p = write("unknown.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n---\napiVersion: nope.kubex.io/v1\nkind: Nope\nmetadata: {name: x}\n")
		expect(runKubex(t, nil, "apply", "-f", p, "-n", ns), 1, "", `error: `+p+`: document 2 (line 4): no matches for kind "Nope" in version "nope.kubex.io/v1"`)
		expect(runKubex(t, nil, "get", "cm", "fine", "-n", ns, "--ignore-not-found", "-o", "name"), 0, "", "")
	})
	t.Run("one failure does not hide the others", func(t *testing.T) {
		p := write("mixed.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_Valid}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok2}\n")
		expect(runKubex(t, nil, "apply", "-f", p, "-n", ns), 1, "configmap/ok1 serverside-applied\nconfigmap/ok2 serverside-applied\n",
			"Error from server (Invalid): configmap/Not_Valid ("+p+": document 2 (line 4)): ConfigMap \"Not_Valid\" is invalid")
	})
	t.Run("--wait until ready", func(t *testing.T) {
		p := write("ready.yaml", `apiVersion: apps/v1
kind: Deployment
metadata: {name: ready}
spec:
  replicas: 2
  selector: {matchLabels: {app: ready}}
  template:
    metadata: {labels: {app: ready}}
    spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: no-conditions}
`)
		expect(runKubex(t, nil, "apply", "-f", p, "-n", ns, "--wait", "--timeout=60s"), 0,
			"deployment.apps/ready serverside-applied\nconfigmap/no-conditions serverside-applied\ndeployment.apps/ready condition met\n", "")
		r := runKubex(t, nil, "get", "deploy", "ready", "-n", ns, "-o", "jsonpath={.status.availableReplicas}")
		expect(r, 0, "2", "")
	})
	t.Run("flags kubex refuses", func(t *testing.T) {
		expect(runKubex(t, nil, "apply", "-f", cm, "--server-side=false"), 1, "", "kubex applies only with server-side apply")
		expect(runKubex(t, nil, "apply", "-f", cm, "--dry-run=client"), 1, "", "--dry-run=client doesn't work with server-side apply")
		expect(runKubex(t, nil, "apply", "-f", cm, "-n", "other", "-f", write("ns.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: elsewhere}\n")), 1, "",
			`the namespace from the provided object "elsewhere" does not match the namespace "other"`)
	})
}
