package ctx

import (
	"os"
	"path/filepath"
	"testing"
)

func TestState(t *testing.T) {
	cache := t.TempDir()
	env := func(k string) string {
		return map[string]string{"XDG_CACHE_HOME": cache, "HOME": "/nonexistent", "LocalAppData": cache}[k]
	}
	a, err := statePath(env, "/home/u/.kube/config")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := statePath(env, "/home/u/other-kubeconfig")
	if a == b {
		t.Errorf("two kubeconfigs share the state file %s", a)
	}
	if got := readState(a); got.PreviousContext != "" || got.PreviousNamespace != nil {
		t.Errorf("missing file: %+v", got)
	}
	want := state{PreviousContext: "prod", PreviousNamespace: map[string]string{"prod": "kube-system"}}
	if err := writeState(a, want); err != nil {
		t.Fatal(err)
	}
	if got := readState(a); got.PreviousContext != "prod" || got.PreviousNamespace["prod"] != "kube-system" {
		t.Errorf("read back %+v", got)
	}
	// Replaced whole, leaving no temporary file behind.
	if err := writeState(a, state{PreviousContext: "dev"}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(a))
	if got := readState(a); got.PreviousContext != "dev" || got.PreviousNamespace != nil || len(entries) != 1 {
		t.Errorf("after a second write: %+v, %d files", got, len(entries))
	}
}
