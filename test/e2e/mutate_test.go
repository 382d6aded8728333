package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twins are two namespaces holding the same objects, one for kubectl and one for kubex, so that a command
// that changes objects runs with both tools on objects in the same state.
type twins struct{ kubectl, kubex string }

func newTwins(t *testing.T, setup ...[]string) twins {
	t.Helper()
	tw := twins{kubectl: newNamespace(t), kubex: newNamespace(t)}
	for _, ns := range []string{tw.kubectl, tw.kubex} {
		for _, args := range setup {
			kubectlOK(t, nil, append(append([]string{}, args...), "-n", ns)...)
		}
	}
	return tw
}

// same runs args in each tool's namespace and fails unless exit code, stdout and stderr match once the
// namespace names are made equal.
func (tw twins) same(t *testing.T, args ...string) result {
	t.Helper()
	norm := func(r result, ns string) result {
		r.Stdout = strings.ReplaceAll(r.Stdout, ns, "NS")
		r.Stderr = strings.ReplaceAll(withoutKlogLines(r.Stderr), ns, "NS")
		r.Stderr = strings.ReplaceAll(r.Stderr, filepath.Base(cluster().Kubectl), "kubex")
		return r
	}
	want := norm(runKubectl(t, nil, append(append([]string{}, args...), "-n", tw.kubectl)...), tw.kubectl)
	got := norm(runKubex(t, nil, append(append([]string{}, args...), "-n", tw.kubex)...), tw.kubex)
	if got != want {
		t.Errorf("kubex %s differs from kubectl\n=== kubex: %s\n=== kubectl: %s", strings.Join(args, " "), got, want)
	}
	return got
}

func TestMutateLabelAnnotate(t *testing.T) {
	t.Parallel()
	tw := newTwins(t, []string{"create", "configmap", "c"}, []string{"create", "configmap", "d"})
	for _, args := range [][]string{
		{"label", "cm", "c", "a=b"},
		{"label", "cm", "c", "a=c"}, // already has a value
		{"label", "cm", "c", "a=c", "--overwrite"},
		{"label", "cm", "c", "a=c", "--overwrite"}, // not labeled
		{"label", "cm", "c", "zz-"},                // label "zz" not found.
		{"label", "cm", "c", "a-"},                 // unlabeled
		{"label", "cm/c", "x=y", "--dry-run=server"},
		{"label", "cm/c", "x=y", "--dry-run=client", "-o", "name"},
		{"label", "cm", "--all", "t=1"},
		{"label", "cm", "c", "--list"}, // one label: kubectl lists in map order
		{"label", "cm", "-l", "t=1", "u=2", "-o", "name"},
		{"label", "cm", "c", "d", "v=1", "--resource-version=1"},
		{"label", "cm", "c", "v=1", "--resource-version=1"}, // Conflict
		{"label", "cm", "c", "a=b=c"},
		{"label", "cm", "c", "a=b", "a-"},
		{"label", "cm", "c"},
		{"label", "cm", "nope", "a=b"},
		{"label", "cm", "t=1"}, // no name
		{"label", "cm", "c", "a=b", "cm"},
		{"label", "cm", "--all", "-l", "t=1", "a=b"},
		{"label", "--local", "cm", "c", "a=b"},
		{"annotate", "cm", "c", "a=b"},
		{"annotate", "cm", "c", "a=c"},
		{"annotate", "cm", "c", "a=c", "--overwrite"},
		{"annotate", "cm", "c", "a-"},
		{"annotate", "cm", "c", "q=1", "--dry-run=server"},
		{"annotate", "cm", "c", "a=b", "a-"},
		{"annotate", "cm", "c", "--list"},
		{"annotate", "cm", "--all", "q=2", "-o", "name"},
	} {
		tw.same(t, args...)
	}
	for _, ns := range []string{tw.kubectl, tw.kubex} {
		r := runKubex(t, nil, "get", "cm", "c", "-n", ns, "-o", "jsonpath={.metadata.labels} {.metadata.annotations}")
		if r.Code != 0 || r.Stdout != `{"t":"1","u":"2"} {"q":"2"}` {
			t.Errorf("after the changes in %s: %s", ns, r)
		}
	}
}

func TestMutateLabelLocal(t *testing.T) {
	t.Parallel()
	tw := newTwins(t)
	path := filepath.Join(t.TempDir(), "cm.yaml")
	if err := os.WriteFile(path, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: local\n  labels: {a: b}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"label", "--local", "-f", path, "c=d", "-o", "yaml"},
		{"label", "--local", "-f", path, "a=x"},
		{"label", "--local", "-f", path, "a=x", "--overwrite"},
		{"annotate", "--local", "-f", path, "n=1", "-o", "json"},
		{"label", "--local", "-f", path, "a=x", "--dry-run=server"},
		{"label", "--local", "a=x"},
		{"label", "-f", filepath.Join(t.TempDir(), "missing.yaml"), "a=x"},
	} {
		tw.same(t, args...)
	}
}

func TestMutateScale(t *testing.T) {
	t.Parallel()
	tw := newTwins(t, []string{"create", "deployment", "web", "--image=nginx", "--replicas=1"})
	for _, args := range [][]string{
		{"scale", "deploy", "web", "--replicas=2"},
		{"scale", "deploy/web", "--replicas=2", "-o", "name"},
		{"scale", "deploy", "web", "--replicas=3", "--current-replicas=1"},
		{"scale", "deploy", "web", "--replicas=3", "--current-replicas=2"},
		{"scale", "deploy", "--all", "--replicas=1", "--dry-run=server"},
		{"scale", "deploy", "--all", "--replicas=1", "--dry-run=client"},
		{"scale", "deploy", "web"},
		{"scale", "deploy", "web", "--replicas=-1"},
		{"scale", "deploy", "nope", "--replicas=1"},
		{"scale", "deploy", "--replicas=1"},
		{"scale", "deploy", "web", "--replicas=1", "--timeout=1m"},
	} {
		tw.same(t, args...)
	}
}

func TestMutateReplace(t *testing.T) {
	t.Parallel()
	tw := newTwins(t, []string{"create", "configmap", "c", "--from-literal=a=b"})
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := write("c.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: c\n")
	missing := write("m.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: m\ndata:\n  a: c\n")
	for _, args := range [][]string{
		{"replace", "-f", c},
		{"replace", "-f", c, "-o", "name"},
		{"replace", "-f", c, "--dry-run=server"},
		{"replace", "-f", c, "--dry-run=client"},
		{"replace", "-f", c, "-o", "jsonpath={.data.a}"},
		{"replace", "-f", missing},
		{"replace", "--force", "-f", c},
		{"replace", "--force", "-f", missing},
		{"replace", "-f", c, "--grace-period=1"},
		{"replace", "-f", c, "--force", "--dry-run=server"},
		{"replace", "-f", filepath.Join(dir, "nope.yaml")},
		{"replace"},
	} {
		tw.same(t, args...)
	}
}

func TestMutateConfigSetUnset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, args := range [][]string{
		{"config", "set-cluster", "test-cluster", "--server=https://does-not-work"},
		{"config", "set", "clusters.test-cluster.certificate-authority-data", "abc", "--set-raw-bytes"},
		{"config", "set", "clusters.test-cluster.certificate-authority-data", "YWJj"},
		{"config", "set", "clusters.a.b.c.server", "https://x"},
		{"config", "set", "contexts.c1.namespace", "ns1"},
		{"config", "set", "current-context", "c1"},
		{"config", "set", "preferences.colors", "true"},
		{"config", "set", "users.u.token", "t"},
		{"config", "unset", "users.u.token"},
		{"config", "unset", "contexts.c1.namespace"},
		{"config", "unset", "clusters.nope"},
		{"config", "unset", "clusters.nope.server"},
		{"config", "set", "clusters.a.b.c.insecure-skip-tls-verify", "maybe"},
		{"config", "set", "users.u.exec.command", "foo"},
		{"config", "set", "clusters.x", ""},
		{"config", "unset", "clusters.a.b.c"},
		{"config", "view", "--raw", "-o", "jsonpath={.clusters[*].name} {.current-context}"},
	} {
		want := runKubectl(t, []string{"KUBECONFIG=" + filepath.Join(dir, "kubectl")}, args...)
		got := runKubex(t, []string{"KUBECONFIG=" + filepath.Join(dir, "kubex")}, args...)
		if got != want {
			t.Errorf("kubex %s differs from kubectl\n=== kubex: %s\n=== kubectl: %s", strings.Join(args, " "), got, want)
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "kubectl"))
	b, _ := os.ReadFile(filepath.Join(dir, "kubex"))
	if string(a) != string(b) {
		t.Errorf("the kubeconfig files differ\n=== kubex:\n%s\n=== kubectl:\n%s", b, a)
	}
}
