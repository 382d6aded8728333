package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The golden files under testdata/kubeconfig/golden were produced by kubectl v1.34.4 on the same inputs
// (see testdata/kubeconfig/README.md); kubex must print and write the same bytes.

func testdataDir(t *testing.T, parts ...string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(append([]string{"..", "..", "testdata", "kubeconfig"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func golden(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(testdataDir(t, "golden", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// env is a fake environment; a missing key reads as empty.
type env map[string]string

func (e env) get(k string) string { return e[k] }

// testLoader reads only what the test gives it: no real $HOME, $KUBECONFIG or service account.
func testLoader(t *testing.T, e env) *Loader {
	t.Helper()
	if e == nil {
		e = env{}
	}
	home := e["HOME"]
	if home == "" {
		home = t.TempDir()
	}
	return &Loader{Getenv: e.get, Home: home, InClusterDir: filepath.Join(t.TempDir(), "no-serviceaccount"), LockWait: 200 * time.Millisecond}
}

func load(t *testing.T, e env, o *Overrides) *Stack {
	t.Helper()
	s, err := testLoader(t, e).Load(o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return s
}

// stackEnv is the KUBECONFIG of the stack fixture, with a missing file in the middle.
func stackEnv(t *testing.T, dir string) env {
	sep := string(os.PathListSeparator)
	return env{"KUBECONFIG": strings.Join([]string{
		filepath.Join(dir, "a.yaml"), filepath.Join(dir, "missing.yaml"), filepath.Join(dir, "b.yaml"), filepath.Join(dir, "sub", "c.yaml"),
	}, sep)}
}

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFileT(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func userMessage(err error) string {
	var um interface{ UserMessage() string }
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return "error: " + errString(err)
}
