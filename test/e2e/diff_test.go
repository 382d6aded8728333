package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiff shows what apply would change, computed by the server: exit 0 with nothing to change, 1
// with a diff, 2 on errors; Secret values masked; KUBECTL_EXTERNAL_DIFF honoured.
func TestDiff(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	p := filepath.Join(t.TempDir(), "objs.yaml")
	write := func(value, password string) {
		t.Helper()
		text := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d}\ndata: {a: \"" + value + "\"}\n---\n" +
			"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {pw: " + password + "}\n"
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("1", "hunter2")
	r := runKubex(t, nil, "diff", "-f", p, "-n", ns)
	if r.Code != 1 || !strings.Contains(r.Stdout, "+++ MERGED/v1.ConfigMap."+ns+".d\n") || !strings.Contains(r.Stdout, "+  a: \"1\"\n") ||
		!strings.Contains(r.Stdout, "+  pw: *** (after)\n") || strings.Contains(r.Stdout, "hunter2") {
		t.Fatalf("new objects: %s", r)
	}
	kubectlOK(t, nil, "get", "ns", ns) // nothing was created by the dry run:
	if g := runKubex(t, nil, "get", "cm", "d", "-n", ns, "--ignore-not-found", "-o", "name"); g.Stdout != "" {
		t.Errorf("diff created the object: %s", g)
	}
	if r := runKubex(t, nil, "apply", "-f", p, "-n", ns); r.Code != 0 {
		t.Fatal(r)
	}
	if r := runKubex(t, nil, "diff", "-f", p, "-n", ns); r.Code != 0 || r.Stdout != "" {
		t.Errorf("unchanged: %s", r)
	}
	write("2", "hunter3")
	r = runKubex(t, nil, "diff", "-f", p, "-n", ns)
	want := "-  a: \"1\"\n+  a: \"2\"\n"
	if r.Code != 1 || !strings.Contains(r.Stdout, want) || !strings.Contains(r.Stdout, "-  pw: *** (before)\n+  pw: *** (after)\n") || strings.Contains(r.Stdout, "generation") {
		t.Errorf("changed: %s", r)
	}
	r = runKubex(t, []string{"KUBECTL_EXTERNAL_DIFF=diff -r"}, "diff", "-f", p, "-n", ns)
	if r.Code != 1 || !strings.Contains(r.Stdout, "MERGED/v1.ConfigMap."+ns+".d") || !strings.Contains(r.Stdout, `>   a: "2"`) {
		t.Errorf("external diff: %s", r)
	}
	if r := runKubex(t, nil, "diff", "-f", filepath.Join(t.TempDir(), "missing.yaml")); r.Code != 2 || !strings.Contains(r.Stderr, "does not exist") {
		t.Errorf("missing file: want exit 2: %s", r)
	}
}
