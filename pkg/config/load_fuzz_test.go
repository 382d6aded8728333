package config

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: any two kubeconfig files, stacked in KUBECONFIG and each maybe of several documents, load or
// fail with an error, never a panic; what loads can be viewed, encoded and resolved.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u, namespace: n}\n"),
		[]byte("clusters:\n- name: c\n  cluster: {server: \"https://u:pw@h:6443\", proxy-url: \"socks5://p:1\"}\nusers:\n- name: u\n  user: {token: t}\n---\nusers:\n- name: v\n  user: {exec: {command: x, apiVersion: client.authentication.k8s.io/v1}}\n"))
	f.Add([]byte("clusters: [{name: c, cluster: {server: \"https://[::1\"}}]\n"), []byte("---\n---\n"))
	f.Add([]byte("users:\n- name: u\n  user: {client-key-data: \"%%%\"}\n"), []byte("{\"kind\":\"Config\"}"))
	f.Add([]byte("contexts: [{name: a}, {name: a}]\n"), []byte("current-context: [\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		dir := t.TempDir()
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if err := os.WriteFile(pa, a, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pb, b, 0o600); err != nil {
			t.Fatal(err)
		}
		env := map[string]string{"KUBECONFIG": pa + string(os.PathListSeparator) + pb, "HOME": dir}
		l := &Loader{Getenv: func(k string) string { return env[k] }, InClusterDir: filepath.Join(dir, "none")}
		s, err := l.Load(&Overrides{})
		if err != nil {
			return
		}
		if c, err := s.View(ViewOptions{}); err == nil {
			_, _ = EncodeYAML(c)
			_, _ = EncodeJSON(c)
		}
		_, _ = s.Resolve(&Overrides{})
	})
}
