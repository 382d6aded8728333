package e2e

import (
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// twoContexts writes a private kubeconfig with the contexts kubex-test and other (namespace kube-system),
// both for server (the test cluster's if ""), and returns its KUBECONFIG entry and path.
func twoContexts(t *testing.T, server string) (string, string) {
	t.Helper()
	kc := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().AdminToken, Server: server})
	if r := runKubectl(t, []string{kc}, "config", "set-context", "other", "--cluster", "kubex-test", "--user", "kubex-test", "--namespace", "kube-system"); r.Code != 0 {
		t.Fatal(r)
	}
	return kc, strings.TrimPrefix(kc, "KUBECONFIG=")
}

func TestCtx(t *testing.T) {
	t.Parallel()
	// The server does not exist: ctx never needs it.
	kc, path := twoContexts(t, "https://127.0.0.1:1")
	env := []string{kc}
	current := func() string {
		t.Helper()
		r := runKubectl(t, env, "config", "current-context")
		return strings.TrimSpace(r.Stdout)
	}
	if r := runKubex(t, env, "ctx"); r.Code != 0 || r.Stdout != "kubex-test\nother\n" || r.Stderr != "" {
		t.Errorf("ctx, piped: %s", r)
	}
	if r := runKubex(t, env, "ctx", "-"); r.Code != 1 || !strings.Contains(r.Stderr, "no previous context") {
		t.Errorf("ctx - before any switch: %s", r)
	}
	if r := runKubex(t, env, "ctx", "other"); r.Code != 0 || r.Stdout != "Switched to context \"other\".\n" || current() != "other" {
		t.Errorf("ctx other: %s (current %s)", r, current())
	}
	for _, want := range []string{"kubex-test", "other", "kubex-test"} {
		if r := runKubex(t, env, "ctx", "-"); r.Code != 0 || r.Stdout != "Switched to context \""+want+"\".\n" || current() != want {
			t.Errorf("ctx -: want %s: %s (current %s)", want, r, current())
		}
	}
	r := runKubex(t, env, "ctx", "nope")
	if r.Code != 1 || r.Stderr != "error: no context exists with the name: \"nope\"; the contexts are: kubex-test, other\n" || current() != "kubex-test" {
		t.Errorf("ctx nope: %s", r)
	}
	// On a terminal the current context stands out.
	if screen := onTerminal(t, "--kubeconfig", path, "ctx"); !strings.Contains(screen, "\x1b[1;33mkubex-test\x1b[0m") || !strings.Contains(screen, "other") {
		t.Errorf("ctx on a terminal: %q", screen)
	}
	// Another kubeconfig has its own previous context.
	other, _ := twoContexts(t, "")
	if r := runKubex(t, []string{other}, "ctx", "-"); r.Code != 1 {
		t.Errorf("ctx - in another kubeconfig: %s", r)
	}
}

func TestNs(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kc, path := twoContexts(t, "")
	env := []string{kc}
	active := func() string {
		t.Helper()
		r := runKubectl(t, env, "config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}")
		return r.Stdout
	}
	r := runKubex(t, env, "ns")
	if lines := "\n" + r.Stdout; r.Code != 0 || !strings.Contains(lines, "\ndefault\n") || !strings.Contains(lines, "\n"+ns+"\n") || strings.Contains(r.Stdout, "\x1b") {
		t.Errorf("ns, piped: %s", r)
	}
	if r := runKubex(t, env, "ns", ns); r.Code != 0 || r.Stdout != "Context \"kubex-test\" modified.\nActive namespace is \""+ns+"\".\n" || active() != ns {
		t.Errorf("ns %s: %s (active %q)", ns, r, active())
	}
	// The switch is what later commands use.
	if r := runKubectl(t, env, "config", "view", "--minify", "-o", "jsonpath={.contexts[0].name}"); r.Stdout != "kubex-test" {
		t.Errorf("current context changed: %s", r)
	}
	for _, want := range []string{"default", ns, "default"} {
		if r := runKubex(t, env, "ns", "-"); r.Code != 0 || !strings.HasSuffix(r.Stdout, "Active namespace is \""+want+"\".\n") || active() != want {
			t.Errorf("ns -: want %s: %s (active %q)", want, r, active())
		}
	}
	r = runKubex(t, env, "ns", "no-such-namespace")
	if r.Code != 1 || !strings.Contains(r.Stderr, `namespace "no-such-namespace" not found`) || active() != "default" {
		t.Errorf("ns no-such-namespace: %s (active %q)", r, active())
	}
	// Each context has its own previous namespace; --context picks the one to change.
	if r := runKubex(t, env, "--context", "other", "ns", ns); r.Code != 0 || !strings.Contains(r.Stdout, "Context \"other\" modified.") {
		t.Errorf("--context other ns: %s", r)
	}
	if r := runKubex(t, env, "--context", "other", "ns", "-"); r.Code != 0 || !strings.HasSuffix(r.Stdout, "Active namespace is \"kube-system\".\n") {
		t.Errorf("--context other ns -: %s", r)
	}
	if r := runKubex(t, env, "--context", "nope", "ns"); r.Code != 1 || !strings.Contains(r.Stderr, "the contexts are: kubex-test, other") {
		t.Errorf("--context nope ns: %s", r)
	}
	// On a terminal the active namespace stands out.
	if screen := onTerminal(t, "--kubeconfig", path, "ns"); !strings.Contains(screen, "\x1b[1;33mdefault\x1b[0m") || !strings.Contains(screen, ns) {
		t.Errorf("ns on a terminal: %q", screen)
	}
}
