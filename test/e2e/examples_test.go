package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// The programs under examples/ are built once, next to the kubex binary (removed with it), and run against
// the test cluster as a user would run them.
var examples struct {
	once sync.Once
	dir  string
	err  error
}

// example is the path of the built program examples/name.
func example(t *testing.T, name string) string {
	t.Helper()
	examples.once.Do(func() {
		examples.dir = filepath.Join(filepath.Dir(h.kubex), "examples")
		cmd := exec.Command("go", "build", "-o", examples.dir+string(filepath.Separator), "./examples/...")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			examples.err = fmt.Errorf("go build ./examples/...: %w\n%s", err, out)
		}
	})
	if examples.err != nil {
		t.Fatal(examples.err)
	}
	return filepath.Join(examples.dir, name)
}

// runExample runs a built example with the admin kubeconfig of the test cluster.
func runExample(t *testing.T, name string, args ...string) result {
	t.Helper()
	return runCmd(t, "", nil, example(t, name), args...)
}

func TestExampleListPods(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	var manifest strings.Builder
	for _, name := range []string{"web-2", "db", "web-1"} {
		fmt.Fprintf(&manifest, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s}\nspec:\n  containers: [{name: c, image: busybox}]\n", name, ns)
	}
	if err := cluster().Apply(t.Context(), manifest.String()); err != nil {
		t.Fatal(err)
	}
	kubectlOK(t, nil, "wait", "-n", ns, "--for=condition=Ready", "pods", "--all", "--timeout=60s")

	columns := "custom-columns=NS:.metadata.namespace,NAME:.metadata.name,PHASE:.status.phase"
	k := runKubectl(t, nil, "get", "pods", "-n", ns, "-o", columns, "--no-headers")
	if k.Code != 0 {
		t.Fatal(k)
	}
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(k.Stdout), "\n") {
		f := strings.Fields(line)
		fmt.Fprintf(&want, "%s/%s %s\n", f[0], f[1], f[2])
	}
	if r := runExample(t, "list-pods", "-n", ns); r.Code != 0 || r.Stdout != want.String() || r.Stderr != "" {
		t.Errorf("list-pods -n %s:\n%s\nwant stdout:\n%s", ns, r, want.String())
	}
	if want.String() != fmt.Sprintf("%[1]s/db Running\n%[1]s/web-1 Running\n%[1]s/web-2 Running\n", ns) {
		t.Errorf("kubectl lists %q", want.String())
	}

	// -A: every namespace; other tests come and go meanwhile, so only this namespace's lines are compared.
	r := runExample(t, "list-pods", "-A")
	var ours []string
	for _, line := range strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n") {
		if f := strings.Fields(line); len(f) != 2 || !strings.Contains(f[0], "/") {
			t.Fatalf("list-pods -A: malformed line %q\n%s", line, r)
		}
		if strings.HasPrefix(line, ns+"/") {
			ours = append(ours, line)
		}
	}
	if r.Code != 0 || strings.Join(ours, "\n")+"\n" != want.String() {
		t.Errorf("list-pods -A: lines of %s %q, want %q\n%s", ns, ours, want.String(), r)
	}
}

func TestExampleApplyConflict(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	other := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: example-settings, namespace: %s}\ndata: {color: red}\n", ns)
	if k := runCmd(t, other, nil, h.cluster.Kubectl, "apply", "--server-side", "--field-manager", "other", "-f", "-"); k.Code != 0 {
		t.Fatal(k)
	}

	r := runExample(t, "apply", "-n", ns)
	want := "conflict: .data.color is owned by \"other\"\nconfigmap/example-settings applied: color=blue size=large\n"
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Fatalf("apply with a conflict:\n%s\nwant stdout:\n%s", r, want)
	}
	k := runKubectl(t, nil, "get", "configmap", "-n", ns, "example-settings", "-o",
		`jsonpath={.data.color} {range .metadata.managedFields[*]}{.manager}={.operation} {end}`)
	if k.Code != 0 || k.Stdout != "blue kubex-example=Apply " {
		t.Errorf("after the forced apply: %s", k)
	}
	// Applied again, the fields are its own: no conflict.
	if r := runExample(t, "apply", "-n", ns); r.Code != 0 || r.Stdout != "configmap/example-settings applied: color=blue size=large\n" {
		t.Errorf("apply again:\n%s", r)
	}
}

// TestExampleWatchAcrossRestart restarts the API server under the watch example: every change is printed
// once, none lost, none twice. Like the other restart tests it does not run in parallel.
func TestExampleWatchAcrossRestart(t *testing.T) {
	c := cluster()
	ns := newNamespace(t)
	// The controller manager publishes kube-root-ca.crt into every new namespace: wait for it, so that it
	// is part of the initial state rather than a change at an unknown moment.
	deadline := time.Now().Add(30 * time.Second)
	for runKubectl(t, nil, "get", "configmap", "-n", ns, "kube-root-ca.crt").Code != 0 {
		if time.Now().After(deadline) {
			t.Fatal("no kube-root-ca.crt in the namespace after 30s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	w := startExample(t, "watch", "-n", ns)
	expect := func(what string, want ...string) {
		t.Helper()
		for _, wl := range want {
			if l := w.next(t, 45*time.Second); l != wl {
				t.Fatalf("%s: got %q, want %q; stderr: %s", what, l, wl, w.stderr)
			}
		}
	}
	expect("the initial state", "ADDED "+ns+"/kube-root-ca.crt")
	kubectlOK(t, nil, "create", "configmap", "-n", ns, "a", "--from-literal=v=1")
	kubectlOK(t, nil, "patch", "configmap", "-n", ns, "a", "-p", `{"data":{"v":"2"}}`)
	expect("before the restart", "ADDED "+ns+"/a", "MODIFIED "+ns+"/a")

	if err := c.RestartAPIServer(t.Context()); err != nil {
		t.Fatal(err)
	}
	// Made while the watch reconnects: it must see it once, whether by resuming the watch or by relisting
	// (a resourceVersion older than the restarted server's cache is 410 Gone).
	kubectlOK(t, nil, "create", "configmap", "-n", ns, "b", "--from-literal=v=1")
	expect("after the restart", "ADDED "+ns+"/b")
	kubectlOK(t, nil, "patch", "configmap", "-n", ns, "a", "-p", `{"data":{"v":"3"}}`)
	expect("after the restart", "MODIFIED "+ns+"/a")
	kubectlOK(t, nil, "delete", "configmap", "-n", ns, "a")
	expect("after the restart", "DELETED "+ns+"/a")
	w.quiet(t, 2*time.Second)
	if code := w.interrupt(t); code != 0 {
		t.Errorf("Ctrl-C: exit code %d, want 0; stderr: %s", code, w.stderr)
	}
}

// startExample starts a built example in the background, its stdout read line by line.
func startExample(t *testing.T, name string, args ...string) *watchProcess {
	t.Helper()
	cmd := exec.Command(example(t, name), args...)
	cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+h.cluster.AdminKubeconfig)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := &watchProcess{cmd: cmd, lines: make(chan string, 1000), stderr: &syncWriter{}, done: make(chan struct{})}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			w.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return w
}

func TestExampleCRD(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	cleanupKubectl(t, "delete", "crd", "crontabs.stable.example.com", "--wait=false")
	r := runExample(t, "crd", "-n", ns)
	want := fmt.Sprintf(`created %s/nightly
got nightly: schedule "0 3 * * *", image backup:1
status: last run 2026-01-01T03:00:00Z, 1 run(s)
deleted nightly
`, ns)
	if r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Fatalf("crd:\n%s\nwant stdout:\n%s", r, want)
	}
	k := runKubectl(t, nil, "get", "crd", "crontabs.stable.example.com", "-o",
		`jsonpath={range .status.conditions[?(@.type=="Established")]}{.status}{end}`)
	if k.Code != 0 || k.Stdout != "True" {
		t.Errorf("the CRD: %s", k)
	}
	if k := runKubectl(t, nil, "get", "crontabs", "-n", ns, "-o", "name"); k.Code != 0 || k.Stdout != "" {
		t.Errorf("the CronTab is still there: %s", k)
	}
	// A second run finds the CRD in place.
	if r := runExample(t, "crd", "-n", ns); r.Code != 0 || r.Stdout != want {
		t.Errorf("crd again:\n%s", r)
	}
}

func TestExampleExec(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newPod(t, ns, "p")
	r := runExample(t, "exec", "-n", ns, "p", "--", "sh", "-c", "echo out; echo err >&2")
	if r.Code != 0 || r.Stdout != "out\n" || r.Stderr != "err\n" {
		t.Errorf("exit 0:\n%s", r)
	}
	// kwok reports a non-zero exit as an Internal error, not NonZeroExitCode with the code (the code itself
	// is tested against a fake server in pkg/exec): the example fails as kubectl does, after the output.
	r = runExample(t, "exec", "-n", ns, "p", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
	k := runKubectl(t, nil, "exec", "-n", ns, "p", "--", "sh", "-c", "echo out; echo err >&2; exit 3")
	if r.Code == 0 || r.Code != k.Code || r.Stdout != "out\n" || !strings.HasPrefix(r.Stderr, "err\nerror: ") {
		t.Errorf("exit 3:\n%s\nkubectl:\n%s", r, k)
	}
	if r := runExample(t, "exec", "-n", ns, "nope", "--", "true"); r.Code != 1 || r.Stderr != `error: pods "nope" not found`+"\n" {
		t.Errorf("a missing pod:\n%s", r)
	}
}
