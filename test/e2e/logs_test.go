package e2e

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// TestLogsParity compares kubex logs with kubectl's for the forms that end by themselves. kwok serves
// every pod the same log file (and another for --previous), so only the wiring of the flags is compared,
// and lines of several pods are compared sorted: kubectl reads them in map order.
func TestLogsParity(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newPod(t, ns, "p")
	newPod(t, ns, "two", "first", "second")
	newDeployment(t, ns, "web", 2)
	for _, args := range [][]string{
		{"p"},
		{"pod/p"},
		{"p", "--timestamps"},
		{"p", "--tail=1"},
		{"p", "--tail=0"},
		{"p", "--limit-bytes=5"},
		{"p", "--prefix"},
		{"p", "--previous"},
		{"p", "--since=1h"},
		{"p", "--since-time=2000-01-01T00:00:00Z"},
		{"p", "-c", "c"},
		{"p", "-c", "nope"},
		{"two"},
		{"two", "second"},
		{"two", "--all-containers", "--prefix"},
		{"two", "--all-containers", "-c", "first"},
		{"deploy/web"},
		{"-l", "app=web", "--prefix"},
		{"-l", "app=web"},
		{"-l", "app=none"},
		{"nope"},
		{"p", "--since=1h", "--since-time=2000-01-01T00:00:00Z"},
		{"p", "--tail=-2"},
		{},
		{"p", "-l", "app=web"},
	} {
		full := append([]string{"logs", "-n", ns}, args...)
		r, k := runKubex(t, nil, full...), runKubectl(t, nil, full...)
		sorted := func(s string) string {
			l := strings.Split(s, "\n")
			sort.Strings(l)
			return strings.Join(l, "\n")
		}
		if r.Code != k.Code || sorted(r.Stdout) != sorted(k.Stdout) || strings.ReplaceAll(r.Stderr, "kubex", "kubectl") != k.Stderr {
			t.Errorf("%v:\nkubex:\n%s\nkubectl:\n%s", args, r, k)
		}
	}
}

// TestLogsFollowSelector: -f -l follows every matching pod, prefixed, and picks up a pod created later.
func TestLogsFollowSelector(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newDeployment(t, ns, "web", 2)
	w := startWatch(t, nil, "logs", "-n", ns, "-f", "-l", "app=web")
	var lines []string
	for range 2 {
		lines = append(lines, w.next(t, 20*time.Second))
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "[pod/web-") || !strings.HasSuffix(l, "/c] hello from kwok") {
			t.Errorf("line %q", l)
		}
	}
	if lines[0] == lines[1] {
		t.Errorf("the same pod twice: %q", lines)
	}
	newPod(t, ns, "late")
	kubectlOK(t, nil, "label", "-n", ns, "pod/late", "app=web")
	if l := w.next(t, 20*time.Second); l != "[pod/late/c] hello from kwok" {
		t.Errorf("late pod: %q", l)
	}
	if code := w.interrupt(t); code != 0 {
		t.Errorf("exit code %d after Ctrl-C; stderr %s", code, w.stderr)
	}
}
