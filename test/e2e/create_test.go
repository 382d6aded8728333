package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// createSame runs args with kubectl and with kubex and wants the same stdout, stderr (the tool's name
// aside) and exit code; volatile fields (uid, times, resourceVersion) are masked.
func createSame(t *testing.T, args ...string) {
	t.Helper()
	volatile := regexp.MustCompile(`("?(uid|creationTimestamp|resourceVersion|time)"?: )"?[^",\n]*"?`)
	mask := func(s string) string {
		s = strings.ReplaceAll(withoutKlogLines(s), filepath.Base(cluster().Kubectl), "kubex")
		return volatile.ReplaceAllString(strings.ReplaceAll(s, "See 'kubectl ", "See 'kubex "), "$1X")
	}
	want, got := runKubectl(t, nil, args...), runKubex(t, nil, args...)
	if got.Code != want.Code || mask(got.Stdout) != mask(want.Stdout) || mask(got.Stderr) != mask(want.Stderr) {
		t.Errorf("%s:\nkubectl: %s\nkubex:   %s", strings.Join(args, " "), want, got)
	}
}

// TestCreateGenerators compares every generator's object (client dry run, all formats) and its checks
// with kubectl's, then creates for real with kubex.
func TestCreateGenerators(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Mkdir(filepath.Join(dir, "d"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "d", "a.txt"), []byte("hello"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "d", "bin"), []byte{0xff, 0xfe}, 0o644))
	must(os.WriteFile(filepath.Join(dir, "env"), []byte("A=1\n# comment\nB=x=y\n"), 0o644))
	d, env := filepath.Join(dir, "d"), filepath.Join(dir, "env")
	for _, args := range [][]string{
		{"namespace", "n1"},
		{"ns", "n1", "--save-config"},
		{"serviceaccount", "sa1"},
		{"configmap", "c1", "--from-literal=a=b", "--from-file=" + d, "--from-file=k=" + filepath.Join(d, "a.txt"), "--append-hash"},
		{"cm", "c1", "--from-env-file=" + env, "--save-config"},
		{"cm", "c1", "--from-literal=..=x"},
		{"cm", "c1", "--from-literal=a=1", "--from-literal=a=2"},
		{"cm", "c1", "--from-env-file=" + env, "--from-literal=a=1"},
		{"cm", "c1", "--from-file=" + filepath.Join(dir, "missing")},
		{"secret", "generic", "s1", "--from-literal=a=b", "--from-file=" + d, "--type=foo", "--append-hash"},
		{"secret", "generic", "s1", "--from-env-file=" + env},
		{"role", "r1", "--verb=get,list,odd", "--resource=pods,deployments.apps,rs.apps/scale,pods/status", "--resource-name=a"},
		{"role", "r1", "--verb=get", "--resource=invalid-resource"},
		{"role", "r1", "--verb=get", "--resource=rs.invalid-group/scale"},
		{"role", "r1", "--verb=bind", "--resource=pods"},
		{"role", "r1", "--resource=pods"},
		{"clusterrole", "cr1", "--verb=get", "--non-resource-url=/logs/*", "--resource=pods"},
		{"clusterrole", "cr1", "--aggregation-rule=foo1=foo2"},
		{"clusterrole", "cr1", "--verb=post", "--resource=pods", "--non-resource-url=/x"},
		{"rolebinding", "rb1", "--clusterrole=admin", "--user=u1", "--group=g", "--serviceaccount=a:b"},
		{"rolebinding", "rb1", "--user=u1"},
		{"rolebinding", "rb1", "--role=x", "--serviceaccount=bad"},
		{"clusterrolebinding", "crb1", "--clusterrole=admin", "--user=u1"},
		{"job", "j1", "--image=busybox", "--", "sh", "-c", "echo hi"},
		{"job", "j1"},
		{"cronjob", "cj1", "--image=busybox", "--schedule=* * * * *", "--", "date"},
		{"namespace"},
	} {
		for _, out := range []string{"", "-o=json", "-o=yaml", "-o=name"} {
			a := []string{"create", "--dry-run=client", "-n", ns}
			if out != "" {
				a = append(a, out)
			}
			a = append(a, args...)
			createSame(t, a...)
		}
	}
	for _, args := range [][]string{
		{"configmap", "c2", "--from-literal=a=b"},
		{"secret", "generic", "s2", "--from-literal=a=b"},
		{"serviceaccount", "sa2"},
		{"role", "r2", "--verb=get", "--resource=pods"},
		{"rolebinding", "rb2", "--role=r2", "--user=u"},
		{"cronjob", "cj2", "--image=busybox", "--schedule=* * * * *"},
	} {
		for _, out := range []string{"--dry-run=server", "--dry-run=server -o json", "--dry-run=server -o yaml"} {
			createSame(t, append(append([]string{"create", "-n", ns}, args...), strings.Fields(out)...)...)
		}
		r := runKubex(t, nil, append([]string{"create", "-n", ns}, args...)...)
		if name := args[map[bool]int{true: 2, false: 1}[args[0] == "secret"]]; r.Code != 0 || !strings.HasSuffix(r.Stdout, "/"+name+" created\n") {
			t.Errorf("create %s: %s", strings.Join(args, " "), r)
		}
		// The second time, kubectl's AlreadyExists.
		createSame(t, append([]string{"create", "-n", ns}, args...)...)
	}
	createSame(t, "create", "job", "j2", "-n", ns, "--from=cronjob/cj2", "--dry-run=client", "-o", "yaml")
	createSame(t, "create", "job", "j2", "-n", ns, "--from=cronjob/missing")
}

// TestCreateFiles creates from manifests: the lines in input order, dry runs, --save-config, -l, errors.
func TestCreateFiles(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	dir := t.TempDir()
	manifest := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	two := manifest("two.yaml", `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
  labels: {pick: "yes"}
data: {k: v}
---
apiVersion: v1
kind: Secret
metadata:
  name: b
stringData: {k: v}
`)
	bad := manifest("bad.yaml", "apiVersion: v1\nkind: Nope\nmetadata: {name: x}\n")
	for _, extra := range [][]string{
		{"--dry-run=client"}, {"--dry-run=client", "-o", "json", "--save-config"}, {"--dry-run=client", "-o", "name"},
		{"--dry-run=server"}, {"--dry-run=server", "-l", "pick=yes"}, {"--dry-run=client", "-l", "pick=no"},
	} {
		createSame(t, append([]string{"create", "-f", two, "-n", ns}, extra...)...)
	}
	r := runKubex(t, nil, "create", "-f", two, "-n", ns, "--save-config")
	if r.Code != 0 || r.Stdout != "configmap/a created\nsecret/b created\n" {
		t.Fatalf("create -f: %s", r)
	}
	r = runKubex(t, nil, "get", "cm", "a", "-n", ns, "-o", `jsonpath={.metadata.annotations.kubectl\.kubernetes\.io/last-applied-configuration}`)
	if !strings.Contains(r.Stdout, `"name":"a","namespace":"`+ns+`"`) {
		t.Errorf("last-applied: %s", r)
	}
	createSame(t, "create", "-f", two, "-n", ns)
	createSame(t, "create", "-f", bad, "-n", ns)
	createSame(t, "create", "-f", filepath.Join(dir, "missing.yaml"))
	createSame(t, "create")
	createSame(t, "create", "--raw", "/api/v1/namespaces", "-f", two, "--edit")
	createSame(t, "create", "--raw", "/api/v1/namespaces", "-f", two, "-R")
}
