package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestConfigEntryReads compares get-users and get-clusters with kubectl's. kubectl lists clusters in map
// order, so with several of them only the set of lines is compared.
func TestConfigEntryReads(t *testing.T) {
	t.Parallel()
	stack := []string{writeConfigStack(t, t.TempDir())}
	sameAsKubectl(t, stack, "config", "get-users")
	sameAsKubectl(t, nil, "config", "get-users")
	sameAsKubectl(t, nil, "config", "get-clusters") // the admin kubeconfig: one cluster
	sameAsKubectl(t, []string{"KUBECONFIG=" + filepath.Join(t.TempDir(), "none")}, "config", "get-clusters")

	want := runKubectl(t, stack, "config", "get-clusters")
	got := runKubex(t, stack, "config", "get-clusters")
	lines := func(s string) []string { l := strings.Split(s, "\n"); slices.Sort(l); return l }
	if want.Code != 0 || got.Code != 0 || got.Stderr != want.Stderr || !slices.Equal(lines(got.Stdout), lines(want.Stdout)) ||
		!strings.HasPrefix(got.Stdout, "NAME\n") {
		t.Errorf("get-clusters through the stack differs from kubectl\n=== kubex: %s\n=== kubectl: %s", got, want)
	}
}

// TestConfigEntryWrites runs each command with both tools on two identical copies of the stack: output,
// exit code and every file must end up the same.
func TestConfigEntryWrites(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args    []string
		changed []string // the files that change, nil for a failure
	}{
		{[]string{"config", "delete-context", "ctx-b"}, []string{"two/config"}},
		// main is the current context (of the 2nd file): a warning on stderr.
		{[]string{"config", "delete-context", "main"}, []string{"three/config"}},
		// Only the 1st file's shared goes; the 2nd file's then shows through.
		{[]string{"config", "delete-context", "shared"}, []string{"one/config"}},
		{[]string{"config", "delete-context", "nope"}, nil},
		{[]string{"config", "delete-context"}, nil}, // the help, exit 0
		{[]string{"config", "delete-cluster", "main"}, []string{"three/config"}},
		{[]string{"config", "delete-cluster", "nope"}, nil},
		{[]string{"config", "delete-user", "shared-user"}, []string{"one/config"}},
		{[]string{"config", "delete-user", "nope"}, nil},
		// The renamed context stays in its file; current-context goes to the first existing file.
		{[]string{"config", "rename-context", "main", "renamed"}, []string{"one/config", "three/config"}},
		{[]string{"config", "rename-context", "ctx-b", "moved"}, []string{"two/config"}},
		{[]string{"config", "rename-context", "ctx-b", "ctx-a"}, nil},
		{[]string{"config", "rename-context", "nope", "x"}, nil},
		{[]string{"config", "rename-context", "ctx-a", ""}, nil},
		{[]string{"config", "set-cluster", "main", "--server=https://127.0.0.1:3"}, []string{"three/config"}},
		{[]string{"config", "set-cluster", "main", "--insecure-skip-tls-verify"}, []string{"three/config"}},
		{[]string{"config", "set-cluster", "shared", "--server=https://x", "--proxy-url=http://proxy:3128", "--tls-server-name=n"}, []string{"one/config"}},
		// A CA under the destination's directory is written relative to it.
		{[]string{"config", "set-cluster", "new", "--server=https://n", "--certificate-authority={dir}/one/ca.crt"}, []string{"one/config"}},
		{[]string{"config", "set-cluster", "main", "--certificate-authority={dir}/three/pki/ca.crt", "--embed-certs"}, []string{"three/config"}},
		{[]string{"config", "set-cluster", "main"}, []string{}},
		{[]string{"config", "set-cluster", "x", "--embed-certs"}, nil},
		{[]string{"config", "set-cluster", "x", "--embed-certs", "--certificate-authority={dir}/nope"}, nil},
		{[]string{"config", "set-cluster", "x", "--insecure-skip-tls-verify", "--certificate-authority=/ca"}, nil},
		{[]string{"config", "set-credentials", "shared-user", "--token=new-token"}, []string{"one/config"}},
		{[]string{"config", "set-credentials", "admin", "--token=tok"}, []string{"three/config"}},
		{[]string{"config", "set-credentials", "admin", "--client-key={dir}/three/keys/other.key"}, []string{"three/config"}},
		{[]string{"config", "set-credentials", "new", "--client-certificate={dir}/three/pki/admin.crt", "--client-key={dir}/three/keys/admin.key", "--embed-certs"}, []string{"one/config"}},
		{[]string{"config", "set-credentials", "new", "--username=u", "--password=p"}, []string{"one/config"}},
		{[]string{"config", "set-credentials", "x", "--token=a", "--username=b"}, nil},
		{[]string{"config", "set-credentials", "x", "--embed-certs"}, nil},
		{[]string{"config", "set-credentials", ""}, nil},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			dirK, dirX := t.TempDir(), t.TempDir()
			envK, envX := []string{writeConfigStack(t, dirK)}, []string{writeConfigStack(t, dirX)}
			argsFor := func(dir string) []string {
				out := slices.Clone(tt.args)
				for i, a := range out {
					out[i] = strings.ReplaceAll(a, "{dir}", dir)
				}
				return out
			}
			before := snapshotDir(t, dirX)
			want := runKubectl(t, envK, argsFor(dirK)...)
			got := runKubex(t, envX, argsFor(dirX)...)
			// The messages name the files; compare them with the directory taken out.
			// Paths differ by copy; a hint names the tool ("use \"kubex config use-context\"").
			norm := func(r result, dir string) result {
				r.Stdout, r.Stderr = strings.ReplaceAll(r.Stdout, dir, "{dir}"), strings.ReplaceAll(r.Stderr, dir, "{dir}")
				r.Stderr = strings.ReplaceAll(r.Stderr, `"kubectl config`, `"kubex config`)
				return r
			}
			want, got = norm(want, dirK), norm(got, dirX)
			if len(tt.args) == 2 {
				// Help text is kubex's own; only the exit code and the error line must match.
				want.Stdout, got.Stdout = "", ""
			}
			if tt.changed != nil && want.Code != 0 {
				t.Fatalf("kubectl %s: %s", strings.Join(tt.args, " "), want)
			}
			if got.Code != want.Code || got.Stdout != want.Stdout || got.Stderr != want.Stderr {
				t.Errorf("kubex differs from kubectl\n=== kubex: %s\n=== kubectl: %s", got, want)
			}
			afterK, afterX := snapshotDir(t, dirK), snapshotDir(t, dirX)
			// Written paths are absolute where they leave the file's directory: compare them without it.
			for p, s := range afterK {
				s.data = strings.ReplaceAll(s.data, dirK, "{dir}")
				afterK[p] = s
			}
			for p, s := range afterX {
				s.data = strings.ReplaceAll(s.data, dirX, "{dir}")
				afterX[p] = s
			}
			for _, p := range changedFiles(afterK, afterX) {
				t.Errorf("%s differs from kubectl's copy:\n=== kubex (%v):\n%s\n=== kubectl (%v):\n%s", p, afterX[p].mode, afterX[p].data, afterK[p].mode, afterK[p].data)
			}
			if diff := changedFiles(before, snapshotDir(t, dirX)); !slices.Equal(diff, tt.changed) && !(len(diff) == 0 && len(tt.changed) == 0) {
				t.Errorf("changed files: want %v, got %v", tt.changed, diff)
			}
		})
	}
}

// TestConfigEntryMultiDocument: kubex only, since kubectl reads one document. Each change lands in the
// document that holds the entry; the others keep their bytes.
func TestConfigEntryMultiDocument(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	doc1 := "# doc 1\nclusters: [{name: main, cluster: {server: \"https://127.0.0.1:1\"}}]\nusers: [{name: admin, user: {token: t}}]\n"
	doc2 := "---\n# doc 2\ncontexts: [{name: work, context: {cluster: main, user: admin}}, {name: old, context: {cluster: main, user: admin}}]\n"
	doc3 := "---\n# doc 3\ncurrent-context: work\n"
	multi := writeConfigFile(t, dir, "multi", doc1+doc2+doc3, 0o600)
	env := []string{"KUBECONFIG=" + multi}
	step := func(wantOut string, args ...string) string {
		t.Helper()
		if r := runKubex(t, env, args...); r.Code != 0 || r.Stdout != wantOut || r.Stderr != "" {
			t.Fatalf("%s: %s", strings.Join(args, " "), r)
		}
		b, err := os.ReadFile(multi)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	got := step("Context \"old\" renamed to \"other\".\n", "config", "rename-context", "old", "other")
	if rest, ok := strings.CutPrefix(got, doc1); !ok || !strings.HasSuffix(rest, doc3) || strings.Contains(rest, "# doc 2") || !strings.Contains(rest, "name: other\n") {
		t.Errorf("rename-context: want only document 2 rewritten:\n%s", got)
	}
	got = step("Cluster \"main\" set.\n", "config", "set-cluster", "main", "--server=https://127.0.0.1:2")
	if !strings.HasPrefix(got, "apiVersion: v1\n") || strings.Contains(got, "# doc 1") || !strings.Contains(got, "server: https://127.0.0.1:2\n") ||
		strings.Count(got, "---\n") != 2 || !strings.HasSuffix(got, doc3) {
		t.Errorf("set-cluster: want only document 1 rewritten:\n%s", got)
	}
	prev := got
	got = step("User \"admin\" set.\n", "config", "set-credentials", "admin", "--token=t2")
	if got == prev || !strings.Contains(got, "token: t2\n") || !strings.HasSuffix(got, doc3) {
		t.Errorf("set-credentials: want document 1 changed, document 3 kept:\n%s", got)
	}
	prev = got
	got = step(fmt.Sprintf("deleted context other from %s\n", multi), "config", "delete-context", "other")
	if got == prev || strings.Contains(got, "name: other") || !strings.Contains(got, "name: work") || !strings.HasSuffix(got, doc3) {
		t.Errorf("delete-context: want document 2 changed, document 3 kept:\n%s", got)
	}
}
