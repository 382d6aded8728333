package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/testcluster"
	"github.com/kubex-cli/kubex/internal/testutil"
)

// widgetCRD is a custom resource with printer columns of several types, one of them -o wide only.
const widgetCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.e2e.kubex.io}
spec:
  group: e2e.kubex.io
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [kubex]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              color: {type: string}
              ratio: {type: number}
              note: {type: string}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    - {name: Ratio, type: number, jsonPath: .spec.ratio}
    - {name: Note, type: string, jsonPath: .spec.note}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`

// getFixture is what the parity tests look at: two namespaces with a Deployment (whose pods the
// controllers make), ConfigMaps with awkward strings, a Service, and custom resources.
type getFixture struct {
	ns1, ns2 string
	label    string // a label selector matching every fixture object
}

func newGetFixture(t *testing.T) getFixture {
	t.Helper()
	c := cluster()
	if err := c.Apply(t.Context(), widgetCRD); err != nil {
		t.Fatal(err)
	}
	if r := runKubectl(t, nil, "wait", "--for=condition=Established", "crd/widgets.e2e.kubex.io", "--timeout=60s"); r.Code != 0 {
		t.Fatalf("CRD not established: %s", r)
	}
	f := getFixture{ns1: newNamespace(t), ns2: newNamespace(t)}
	f.label = "fixture=" + f.ns1
	var b strings.Builder
	for _, ns := range []string{f.ns1, f.ns2} {
		fmt.Fprintf(&b, `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %[1]s, labels: {%[2]s}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, %[2]s, tier: front}}
    spec:
      containers: [{name: c, image: nginx}, {name: sidecar, image: busybox}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: %[1]s, labels: {%[2]s, kind: plain}, annotations: {note: "<b>&amp;</b> \u00e9"}}
data:
  long: "a long value that goes on and on, well past the eighty columns at which YAML folds plain strings, and then some"
  multi: "line one\nline two\n"
  empty: ""
  number: "007"
---
apiVersion: v1
kind: ConfigMap
metadata: {name: other, namespace: %[1]s, labels: {%[2]s}}
data: {a: "1"}
---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: %[1]s, labels: {%[2]s}}
spec: {ports: [{port: 80, name: http}], selector: {app: web}}
---
apiVersion: e2e.kubex.io/v1
kind: Widget
metadata: {name: small, namespace: %[1]s, labels: {%[2]s}}
spec: {size: 3, color: blue, ratio: 0.5, note: "first line\nsecond line"}
---
apiVersion: e2e.kubex.io/v1
kind: Widget
metadata: {name: big, namespace: %[1]s, labels: {%[2]s}}
spec: {size: 1000000, color: red, ratio: 2.0}
`, ns, f.label[:len("fixture")]+": "+f.ns1)
	}
	if err := c.Apply(t.Context(), b.String()); err != nil {
		t.Fatal(err)
	}
	for _, ns := range []string{f.ns1, f.ns2} {
		if r := runKubectl(t, nil, "rollout", "status", "-n", ns, "deploy/web", "--timeout=60s"); r.Code != 0 {
			t.Fatalf("deployment in %s not ready: %s", ns, r)
		}
	}
	return f
}

// TestGetParity compares kubex get with kubectl get on the same objects, byte for byte, for every output
// format, selectors, chunking, sorting and the errors users meet.
func TestGetParity(t *testing.T) {
	t.Parallel()
	f := newGetFixture(t)
	n1, sel := f.ns1, f.label
	manifest := filepath.Join(t.TempDir(), "objects.yaml")
	if err := os.WriteFile(manifest, []byte(fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: %[1]s}
---
apiVersion: v1
kind: Service
metadata: {name: front}
---
apiVersion: e2e.kubex.io/v1
kind: Widget
metadata: {name: big, namespace: %[1]s}
`, n1)), 0o644); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(t.TempDir(), "one.json")
	if err := os.WriteFile(one, []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"other"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(t.TempDir(), "names.tmpl")
	if err := os.WriteFile(tmpl, []byte(`{{range .items}}{{.metadata.name}} {{.kind}}{{"\n"}}{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	cols := filepath.Join(t.TempDir(), "cols.txt")
	if err := os.WriteFile(cols, []byte("NAME   NAMESPACE\nmetadata.name   metadata.namespace\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		// Tables.
		{"get", "pods", "-n", n1},
		{"get", "pods", "-n", n1, "-o", "wide"},
		{"get", "pods,cm,svc", "-n", n1},
		{"get", "all", "-n", n1},
		{"get", "kubex", "-n", n1},
		{"get", "deploy,rs", "-A", "-l", sel},
		{"get", "widgets", "-n", n1},
		{"get", "wd", "-n", n1, "-o", "wide"},
		{"get", "widgets.e2e.kubex.io", "-A", "-l", sel, "--show-labels"},
		{"get", "cm", "-n", n1, "-L", "kind", "-L", "fixture", "--show-kind"},
		{"get", "cm", "-n", n1, "--no-headers"},
		{"get", "cm/settings", "svc/front", "widget/big", "-n", n1},
		{"get", "cm", "settings", "other", "-n", n1},
		{"get", "pods", "-n", n1, "--chunk-size=1"},
		{"get", "pods", "-A", "-l", sel, "--chunk-size=1", "-o", "wide"},
		{"get", "pods", "-n", n1, "--field-selector", "status.phase=Running"},
		{"get", "cm", "-n", n1, "--sort-by", ".metadata.name"},
		{"get", "widgets", "-n", n1, "--sort-by", "{.spec.size}"},
		{"get", "widgets", "-n", n1, "--sort-by", "spec.size", "-o", "name"},
		{"get", "ns", n1},
		{"get", "-f", manifest, "-n", n1},
		{"get", "cm", "-n", n1, "--server-print=false"},
		// Whole objects.
		{"get", "cm", "settings", "-n", n1, "-o", "json"},
		{"get", "cm", "settings", "-n", n1, "-o", "yaml"},
		{"get", "cm", "-n", n1, "-o", "json"},
		{"get", "cm", "-n", n1, "-o", "yaml", "--chunk-size=1"},
		{"get", "widgets,svc", "-n", n1, "-o", "yaml"},
		{"get", "pods", "-A", "-l", sel, "-o", "json"},
		{"get", "cm/settings", "widget/small", "-n", n1, "-o", "json", "--show-managed-fields"},
		{"get", "-f", manifest, "-n", n1, "-o", "name"},
		{"get", "-f", one, "-n", n1, "-o", "json"},
		{"get", "cm", "-n", n1, "-o", "name"},
		{"get", "all", "-n", n1, "-o", "name"},
		{"get", "cm", "-n", n1, "-o", "jsonpath={.items[*].metadata.name}"},
		{"get", "cm", "settings", "-n", n1, "-o", "jsonpath={.data.long}{\"\\n\"}{.metadata.labels}"},
		{"get", "widgets", "-n", n1, "-o", "jsonpath={range .items[*]}{.metadata.name}={.spec.size},{.spec.ratio}{\"\\n\"}{end}"},
		{"get", "cm", "-n", n1, "-o", "jsonpath-file=" + tmpl},
		{"get", "cm", "-n", n1, "-o", "go-template={{range .items}}{{.metadata.name}}:{{len .data}} {{end}}"},
		{"get", "cm", "-n", n1, "-o", "go-template-file=" + tmpl},
		{"get", "cm", "settings", "-n", n1, "--template={{.data.number}}"},
		{"get", "pods", "-n", n1, "-o", "custom-columns=NAME:.metadata.name,IMAGES:.spec.containers[*].image,NODE:.spec.nodeName,MISSING:.status.nope"},
		{"get", "cm", "-n", n1, "-o", "custom-columns-file=" + cols},
		{"get", "cm", "-n", n1, "-o", "custom-columns=NAME:.metadata.name", "--no-headers", "--sort-by=.metadata.name"},
		// Errors, in kubectl's words.
		{"get", "foos"},
		{"get", "cm", "nope", "-n", n1},
		{"get", "cm", "settings", "nope", "other", "nope2", "-n", n1},
		{"get", "cm", "settings", "nope", "-n", n1, "-o", "json"},
		{"get", "cm", "nope", "-n", n1, "-o", "yaml"},
		{"get", "cm", "nope", "-n", n1, "--ignore-not-found"},
		{"get", "cm", "nope", "-n", n1, "--ignore-not-found", "-o", "json"},
		{"get", "pods", "-n", "empty-" + n1},
		{"get", "pods", "-A", "-l", "nothing=matches"},
		{"get", "pods", "-n", "empty-" + n1, "-o", "json"},
		{"get", "cm", "settings", "-A"},
		{"get", "cm", "settings", "-n", "missing-" + n1},
		{"get", "cm", "settings", "-n", "missing-" + n1, "-o", "yaml"},
		{"get", "pods", "web", "-l", "a=b"},
		{"get", "pods", "pods/web"},
		{"get", "cm", "-n", n1, "-o", "jsonpath={.items[0].nope}", "--allow-missing-template-keys=false"},
		{"get", "cm", "-n", n1, "-o", "yamll"},
		{"get", "cm", "-n", n1, "--show-labels", "-o", "json"},
		{"get", "cm", "-n", n1, "--output-watch-events"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			sameAsKubectl(t, nil, args...)
		})
	}
}

// TestGetDifferences checks where kubex's get differs from kubectl's on purpose.
func TestGetDifferences(t *testing.T) {
	t.Parallel()
	f := newGetFixture(t)
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n---\napiVersion: v1\nkind: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args       []string
		code       int
		stdout     string
		stderr     string // a part of it
		kubectlErr string // a part of kubectl's stderr, to show the difference is still there
	}{
		// kubex has no explain command to suggest.
		{args: []string{"get"}, code: 1, stderr: "error: Required resource not specified.\nSee 'kubex get -h'", kubectlErr: "kubectl explain"},
		// kubectl drops the sorting error and claims there is nothing: "No resources found".
		{args: []string{"get", "cm", "-n", f.ns1, "--sort-by", ".nope"}, code: 1,
			stderr: `error: couldn't find any field with path "{.nope}" in the list of objects`, kubectlErr: "No resources found"},
		// A broken manifest is reported before anything is fetched, naming its document and the file's
		// line; kubectl prints the first object, then "yaml: line 2" of the second document.
		{args: []string{"get", "-f", bad, "-n", f.ns1}, code: 1,
			stderr: "error: " + bad + ": document 2 (line 4): yaml: line 6: did not find expected node content\n", kubectlErr: "line 2"},
		// 0.5 and 2 (an integer once decoded) do not compare: kubectl dies with a klog F line.
		{args: []string{"get", "widgets", "-n", f.ns1, "--sort-by", "spec.ratio"}, code: 1,
			stderr: "error: field {.spec.ratio} is an unsortable type", kubectlErr: "F1"},
	} {
		got := runKubex(t, nil, tc.args...)
		if got.Code != tc.code || got.Stdout != tc.stdout || !strings.Contains(got.Stderr, tc.stderr) {
			t.Errorf("kubex %s: want exit %d, stdout %q, stderr containing %q: %s", strings.Join(tc.args, " "), tc.code, tc.stdout, tc.stderr, got)
		}
		if want := runKubectl(t, nil, tc.args...); !strings.Contains(want.Stderr, tc.kubectlErr) {
			t.Errorf("kubectl %s no longer differs (want %q in its stderr): %s", strings.Join(tc.args, " "), tc.kubectlErr, want)
		}
	}
}

// TestGetForbidden checks the wording of an RBAC refusal, which names the user and the verb.
func TestGetForbidden(t *testing.T) {
	t.Parallel()
	noRights := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().NoRightsToken})
	for _, args := range [][]string{
		{"get", "pods"},
		{"get", "pods", "-A", "-o", "json"},
		{"get", "cm", "x", "-n", "default"},
		{"get", "nodes", "-o", "name"},
	} {
		r := sameAsKubectl(t, []string{noRights}, args...)
		if r.Code == 0 || !strings.Contains(r.Stderr, `User "`+cluster().NoRightsUser+`" cannot`) {
			t.Errorf("%v: want a Forbidden error naming the user: %s", args, r)
		}
	}
}

// TestGetTerminalSafety prints an object whose strings hold terminal escape sequences: piped, kubex
// prints what kubectl prints (ESC as ^[ in tables, data as it is elsewhere); on a terminal nothing the
// server sent may reach it as a control character.
func TestGetTerminalSafety(t *testing.T) {
	t.Parallel()
	c := cluster()
	if err := c.Apply(t.Context(), widgetCRD); err != nil {
		t.Fatal(err)
	}
	if r := runKubectl(t, nil, "wait", "--for=condition=Established", "crd/widgets.e2e.kubex.io", "--timeout=60s"); r.Code != 0 {
		t.Fatalf("CRD not established: %s", r)
	}
	ns := newNamespace(t)
	evil := `\u001b]0;owned\u0007\u001b[2J\u001b[31mred\u009b1A\u0008`
	// As JSON straight to the API: kubectl's YAML decoder refuses control characters.
	obj := filepath.Join(t.TempDir(), "evil.json")
	body := fmt.Sprintf(`{"apiVersion":"e2e.kubex.io/v1","kind":"Widget","metadata":{"name":"evil"},"spec":{"note":"%s","size":1}}`, evil)
	if err := os.WriteFile(obj, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	kubectlOK(t, nil, "create", "--raw", "/apis/e2e.kubex.io/v1/namespaces/"+ns+"/widgets", "-f", obj)
	piped := sameAsKubectl(t, nil, "get", "widgets", "-n", ns)
	if !strings.Contains(piped.Stdout, "^[]0;owned\a^[[2J^[[31mred") {
		t.Errorf("piped: want kubectl's escaping of ESC only: %q", piped.Stdout)
	}
	sameAsKubectl(t, nil, "get", "widgets", "-n", ns, "-o", "jsonpath={.items[0].spec.note}")
	// Beyond kubectl, whose -o yaml fails whole on a C1 control character ("yaml: control characters are
	// not allowed"): kubex prints it escaped.
	if r := runKubex(t, nil, "get", "widgets", "-n", ns, "-o", "yaml"); r.Code != 0 || !strings.Contains(r.Stdout, `\x9B1A\b`) {
		t.Errorf("-o yaml: want the note escaped: %s", r)
	}
	if r := runKubectl(t, nil, "get", "widgets", "-n", ns, "-o", "yaml"); !strings.Contains(r.Stderr, "control characters are not allowed") {
		t.Errorf("kubectl -o yaml no longer fails on a C1 control character: %s", r)
	}

	for _, args := range [][]string{
		{"get", "widgets", "-n", ns},
		{"get", "widgets", "-n", ns, "-o", "jsonpath={.items[0].spec.note}"},
		{"get", "widgets", "-n", ns, "-o", "custom-columns=NOTE:.spec.note"},
		{"get", "widgets", "-n", ns, "-o", "yaml"},
	} {
		screen := onTerminal(t, args...)
		if strings.ContainsAny(screen, "\x1b\x07\x08\u009b") {
			t.Errorf("%v: a control character reached the terminal: %q", args, screen)
		}
		if !strings.Contains(screen, "red") {
			t.Errorf("%v: the note is missing: %q", args, screen)
		}
	}
}

// onTerminal runs kubex with a terminal as stdin, stdout and stderr, and returns what it printed; it
// must succeed.
func onTerminal(t *testing.T, args ...string) string {
	t.Helper()
	screen, code := runOnTerminal(t, nil, args...)
	if code != 0 {
		t.Fatalf("kubex %v: exit code %d: %q", args, code, screen)
	}
	return screen
}

// runOnTerminal runs kubex with a terminal as stdin, stdout and stderr and env added to its environment.
func runOnTerminal(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	ptm, pts, err := testutil.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.kubex, args...)
	cmd.Env = append(append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+cluster().AdminKubeconfig), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()
	var screen bytes.Buffer
	_, _ = io.Copy(&screen, ptm) // ends with EIO once the child has exited
	err = cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("kubex %v: %v", args, err)
	}
	return screen.String(), cmd.ProcessState.ExitCode()
}

// TestColor: errors are red on a terminal, and never coloured with NO_COLOR, --no-color or through a pipe.
func TestColor(t *testing.T) {
	t.Parallel()
	if screen, code := runOnTerminal(t, nil, "get", "pdos"); code != 1 || !strings.Contains(screen, "\x1b[31merror: the server doesn't have a resource type \"pdos\" (did you mean \"pods\"?)\x1b[0m") {
		t.Errorf("terminal: want a red error: %q", screen)
	}
	for _, tc := range []struct {
		env  []string
		args []string
	}{
		{env: []string{"NO_COLOR=1"}, args: []string{"get", "pdos"}},
		{args: []string{"--no-color", "get", "pdos"}},
	} {
		if screen, code := runOnTerminal(t, tc.env, tc.args...); code != 1 || strings.Contains(screen, "\x1b") || !strings.Contains(screen, "error: ") {
			t.Errorf("%v %v: want no colour: %q", tc.env, tc.args, screen)
		}
	}
	if r := runKubex(t, nil, "get", "pdos"); strings.Contains(r.Stderr, "\x1b") {
		t.Errorf("piped: %q", r.Stderr)
	}
}

// TestGetWarnings: a short name two resources share resolves to the first, with kubectl's warning naming
// the other; the server's own warnings (a deprecated API) are printed once, as kubectl prints them.
func TestGetWarnings(t *testing.T) {
	t.Parallel()
	var crds strings.Builder
	for _, g := range []string{"a", "b"} {
		fmt.Fprintf(&crds, `---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.%[1]s.e2e.kubex.io}
spec:
  group: %[1]s.e2e.kubex.io
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget, shortNames: [gdg]}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
`, g)
	}
	if err := cluster().Apply(t.Context(), crds.String()); err != nil {
		t.Fatal(err)
	}
	kubectlOK(t, nil, "wait", "--for=condition=Established", "crd/gadgets.a.e2e.kubex.io", "crd/gadgets.b.e2e.kubex.io", "--timeout=60s")
	ns := newNamespace(t)
	r := sameAsKubectl(t, nil, "get", "gdg", "-n", ns)
	if want := "Warning: short name \"gdg\" could also match lower priority resource gadgets.b.e2e.kubex.io\n"; !strings.HasPrefix(r.Stderr, want) {
		t.Errorf("want the warning: %s", r)
	}
	if r := runKubex(t, nil, "get", "componentstatuses", "-o", "name"); r.Code != 0 || r.Stderr != "Warning: v1 ComponentStatus is deprecated in v1.19+\n" {
		t.Errorf("want the server's warning once: %s", r)
	}
}

// TestGetStatusColor: on a terminal a running pod's STATUS is green; with NO_COLOR nothing is coloured.
func TestGetStatusColor(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx", "--replicas=1", "-n", ns)
	kubectlOK(t, nil, "rollout", "status", "-n", ns, "deploy/web", "--timeout=60s")
	if screen, code := runOnTerminal(t, nil, "get", "pods", "-n", ns); code != 0 || !strings.Contains(screen, "\x1b[32mRunning\x1b[0m") {
		t.Errorf("terminal: want a green Running (exit %d): %q", code, screen)
	}
	if screen, code := runOnTerminal(t, []string{"NO_COLOR=1"}, "get", "pods", "-n", ns); code != 0 || strings.Contains(screen, "\x1b") || !strings.Contains(screen, "Running") {
		t.Errorf("NO_COLOR: want no colour (exit %d): %q", code, screen)
	}
}
