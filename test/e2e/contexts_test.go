package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestGetContexts asks several contexts at once: two reach the real cluster with other default
// namespaces, a third is unreachable and is reported without hiding the others.
func TestGetContexts(t *testing.T) {
	t.Parallel()
	c := cluster()
	ns1, ns2 := newNamespace(t), newNamespace(t)
	kubectlOK(t, nil, "create", "configmap", "one", "-n", ns1)
	kubectlOK(t, nil, "create", "configmap", "two", "-n", ns2)
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kc, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- {name: real, cluster: {server: %q, certificate-authority: %q}}
- {name: dead, cluster: {server: "https://127.0.0.1:1"}}
users:
- {name: admin, user: {client-certificate: %q, client-key: %q}}
contexts:
- {name: first, context: {cluster: real, user: admin, namespace: %s}}
- {name: second, context: {cluster: real, user: admin, namespace: %s}}
- {name: down, context: {cluster: dead, user: admin}}
current-context: first
`, c.Server, c.CAFile, c.AdminCert, c.AdminKey, ns1, ns2)), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"KUBECONFIG=" + kc}

	r := runKubex(t, env, "get", "cm", "--all-contexts", "--field-selector", "metadata.name!=kube-root-ca.crt", "--no-headers")
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if r.Code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "first ") || !strings.Contains(lines[0], " one ") ||
		!strings.HasPrefix(lines[1], "second ") || !strings.Contains(lines[1], " two ") ||
		r.Stderr != "error: context \"down\": The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n" {
		t.Errorf("table: %s", r)
	}
	if r := runKubex(t, env, "get", "cm", "--context", "first,second", "-o", "name", "--field-selector", "metadata.name!=kube-root-ca.crt"); r.Code != 0 || r.Stdout != "first/configmap/one\nsecond/configmap/two\n" {
		t.Errorf("-o name: %s", r)
	}
	r = runKubex(t, env, "get", "cm", "--context", "first,second", "-o", "json", "--field-selector", "metadata.name!=kube-root-ca.crt")
	var list struct {
		Kind  string
		Items []struct {
			Metadata struct {
				Name        string
				Annotations map[string]string
			}
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil || list.Kind != "List" || len(list.Items) != 2 ||
		list.Items[0].Metadata.Annotations["kubex.io/context"] != "first" || list.Items[1].Metadata.Name != "two" {
		t.Errorf("-o json is one List with the contexts named: %v: %s", err, r)
	}
	if r := runKubex(t, env, "get", "cm", "--context", "first,nope"); r.Code != 1 || r.Stderr != "error: context \"nope\" does not exist; the kubeconfig has: down, first, second\n" {
		t.Errorf("unknown context: %s", r)
	}

	// A watch of several contexts: one table, rows as each context's changes come.
	w := startWatch(t, env, "watch", "cm", "--context", "first,second", "--field-selector", "metadata.name!=kube-root-ca.crt")
	if l := w.next(t, 30*time.Second); !strings.HasPrefix(l, "CONTEXT ") {
		t.Fatalf("want the header first: %q", l)
	}
	seen := map[string]bool{}
	for range 2 {
		seen[strings.Join(strings.Fields(w.next(t, 30*time.Second))[:2], " ")] = true
	}
	kubectlOK(t, nil, "create", "configmap", "three", "-n", ns2)
	seen[strings.Join(strings.Fields(w.next(t, 30*time.Second))[:2], " ")] = true
	if !seen["first one"] || !seen["second two"] || !seen["second three"] {
		t.Errorf("watch rows: %v", seen)
	}
	if code := w.interrupt(t); code != 0 {
		t.Errorf("Ctrl-C: exit %d", code)
	}
}
