package e2e

import (
	"encoding/base64"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeConfigFile writes content to dir/rel with mode, creating the directories; chmod after the write so
// that the umask does not change the mode.
func writeConfigFile(t *testing.T, dir, rel, content string, mode fs.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func copyConfigFile(t *testing.T, src, dir, rel string, mode fs.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeConfigFile(t, dir, rel, string(b), mode)
}

// fileState is what a kubeconfig write may change in a file.
type fileState struct {
	data string
	mode fs.FileMode
}

// snapshotDir maps every file under dir (by relative path) to its bytes and mode, so that lock files and
// temporary files left behind show up too.
func snapshotDir(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fileState{string(b), st.Mode().Perm()}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// changedFiles lists the files whose bytes or mode differ between two snapshots, or that only one has.
func changedFiles(before, after map[string]fileState) []string {
	var out []string
	for _, p := range slices.Sorted(maps.Keys(before)) {
		if a, ok := after[p]; !ok || a != before[p] {
			out = append(out, p)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(after)) {
		if _, ok := before[p]; !ok {
			out = append(out, p)
		}
	}
	return out
}

// checkErrorLine fails unless r is a failure with exactly one line on stderr, nothing on stdout, no stack
// trace, and every one of want in the line.
func checkErrorLine(t *testing.T, r result, want ...string) {
	t.Helper()
	if r.Code != 1 || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.HasSuffix(r.Stderr, "\n") {
		t.Errorf("want exit code 1, no output and one line on stderr: %s", r)
	}
	for _, w := range want {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("stderr lacks %q: %s", w, r.Stderr)
		}
	}
	if out := r.Stdout + r.Stderr; strings.Contains(out, "panic") || strings.Contains(out, "goroutine") {
		t.Errorf("stack trace printed: %s", r)
	}
}

// writeConfigStack writes three kubeconfig files under dir and returns the KUBECONFIG entry that stacks
// them with a missing file second. Names repeat across files so that first-wins shows: a merge of fields
// (or the wrong winner) breaks requests through "shared" (two auth methods, insecure plus a CA, the
// no-rights token or a refused port). current-context is set in the 2nd and 3rd files; the 2nd wins. The
// 2nd file opens with a %YAML directive. The 3rd file names its CA, certificate and key by paths relative
// to itself, in two subdirectories. Nothing in the files depends on dir, so two calls give byte-identical
// stacks.
func writeConfigStack(t *testing.T, dir string) string {
	t.Helper()
	c := cluster()
	ca, err := os.ReadFile(c.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	writeConfigFile(t, dir, "one/config", fmt.Sprintf(`apiVersion: v1
kind: Config
# No current-context here; the names this file shares with the others are its own.
clusters:
- name: shared
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: shared-user
  user:
    token: %s
contexts:
- name: shared
  context: {cluster: shared, user: shared-user, namespace: first}
- name: ctx-a
  context: {cluster: main, user: admin, namespace: kube-system}
`, c.Server, base64.StdEncoding.EncodeToString(ca), c.AdminToken), 0o640)
	// A directive before "---" is valid YAML that kubectl reads.
	writeConfigFile(t, dir, "two/config", `%YAML 1.1
---
apiVersion: v1
kind: Config
clusters:
- name: shared
  cluster:
    server: https://127.0.0.1:1
    insecure-skip-tls-verify: true
    tls-server-name: second
users:
- name: shared-user
  user:
    username: second
    password: second-password
contexts:
- name: shared
  context: {cluster: main, user: admin, namespace: second}
- name: ctx-b
  context: {cluster: main, user: admin, namespace: ns-b}
current-context: main
`, 0o600)
	writeConfigFile(t, dir, "three/config", fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: main
  cluster:
    server: %s
    certificate-authority: pki/ca.crt
- name: shared
  cluster:
    server: https://127.0.0.1:2
users:
- name: admin
  user:
    client-certificate: pki/admin.crt
    client-key: keys/admin.key
- name: shared-user
  user:
    token: %s
contexts:
- name: main
  context: {cluster: main, user: admin}
current-context: ctx-b
`, c.Server, c.NoRightsToken), 0o644)
	copyConfigFile(t, c.CAFile, dir, "three/pki/ca.crt", 0o644)
	copyConfigFile(t, c.AdminCert, dir, "three/pki/admin.crt", 0o644)
	copyConfigFile(t, c.AdminKey, dir, "three/keys/admin.key", 0o600)
	return "KUBECONFIG=" + strings.Join([]string{
		filepath.Join(dir, "one", "config"),
		filepath.Join(dir, "missing", "config"),
		filepath.Join(dir, "two", "config"),
		filepath.Join(dir, "three", "config"),
	}, string(os.PathListSeparator))
}

// TestConfigStackParity reads a stack of three files (and a missing one) with both tools, then talks to the
// cluster through it. The commands run in the test's directory, far from the files, so relative paths only
// work if they are resolved against the file that holds them.
func TestConfigStackParity(t *testing.T) {
	t.Parallel()
	env := []string{writeConfigStack(t, t.TempDir())}
	for _, args := range [][]string{
		{"config", "view"},
		{"config", "view", "--minify"},
		{"config", "view", "--raw"},
		{"config", "view", "-o", "json"},
		{"config", "view", "--flatten", "--minify"},
		{"config", "view", "--flatten"},
		{"--context", "shared", "config", "view", "--minify", "--raw"},
		{"config", "get-contexts"},
		{"config", "get-contexts", "-o", "name"},
		{"config", "get-contexts", "shared", "nope"},
		{"config", "current-context"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			sameAsKubectl(t, env, args...)
		})
	}

	t.Run("what the user sees", func(t *testing.T) {
		t.Parallel()
		// Guards against both tools agreeing on something other than the rules.
		if r := runKubex(t, env, "config", "current-context"); r.Stdout != "main\n" {
			t.Errorf("current-context: want main, from the 2nd file: %s", r)
		}
		want := "CURRENT   NAME     CLUSTER   AUTHINFO      NAMESPACE\n" +
			"          ctx-a    main      admin         kube-system\n" +
			"          ctx-b    main      admin         ns-b\n" +
			"*         main     main      admin         \n" +
			"          shared   shared    shared-user   first\n"
		if r := runKubex(t, env, "config", "get-contexts"); r.Code != 0 || r.Stdout != want {
			t.Errorf("get-contexts: want\n%s\ngot %s", want, r)
		}
	})

	t.Run("requests", func(t *testing.T) {
		t.Parallel()
		// current-context main: cluster and user of the 3rd file, with relative CA, certificate and key.
		if r := runKubex(t, env, "get", "--raw", podsPath); r.Code != 0 || !strings.Contains(r.Stdout, `"kind":"PodList"`) {
			t.Errorf("get --raw through the stack: %s", r)
		}
		// "shared": every entry from the 1st file, whole.
		if r := runKubex(t, env, "--context", "shared", "get", "--raw", podsPath); r.Code != 0 || !strings.Contains(r.Stdout, `"kind":"PodList"`) {
			t.Errorf("get --raw with the context, cluster and user that several files define: %s", r)
		}
		want := runKubectl(t, env, "version")
		got := runKubex(t, env, "version")
		i := strings.Index(want.Stdout, "Server Version: ")
		if want.Code != 0 || i < 0 {
			t.Fatalf("kubectl version through the stack: %s", want)
		}
		serverLine := want.Stdout[i:]
		if got.Code != 0 || got.Stderr != "" || !strings.HasPrefix(got.Stdout, "Client Version: ") || !strings.HasSuffix(got.Stdout, "\n"+serverLine) {
			t.Errorf("version through the stack: want the client line and %q: %s", serverLine, got)
		}
	})
}

// TestConfigStackWrites runs the same write with both tools on two identical copies of the stack: the
// copies must end up byte for byte (and mode for mode) the same, with only the file kubectl writes changed.
func TestConfigStackWrites(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args    []string
		out     string
		changed string // the one file that changes
	}{
		// ctx-b is defined in the 2nd file, but current-context goes to the first file that exists.
		{[]string{"config", "use-context", "ctx-b"}, "Switched to context \"ctx-b\".\n", "one/config"},
		// The current context, main, is defined in the 3rd file only.
		{[]string{"config", "set-context", "--current", "--namespace=e2e-ns"}, "Context \"main\" modified.\n", "three/config"},
		// shared is defined in the 1st and 2nd files: the 1st one's entry is the one in use, and the one changed.
		{[]string{"config", "set-context", "shared", "--namespace=e2e-ns", "--user=admin"}, "Context \"shared\" modified.\n", "one/config"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			dirK, dirX := t.TempDir(), t.TempDir()
			envK, envX := []string{writeConfigStack(t, dirK)}, []string{writeConfigStack(t, dirX)}
			before := snapshotDir(t, dirX)
			want := runKubectl(t, envK, tt.args...)
			got := runKubex(t, envX, tt.args...)
			if want.Code != 0 || want.Stdout != tt.out {
				t.Fatalf("kubectl %s: %s", strings.Join(tt.args, " "), want)
			}
			if got.Code != want.Code || got.Stdout != want.Stdout || got.Stderr != want.Stderr {
				t.Errorf("kubex differs from kubectl\n=== kubex: %s\n=== kubectl: %s", got, want)
			}
			afterK, afterX := snapshotDir(t, dirK), snapshotDir(t, dirX)
			if diff := changedFiles(afterK, afterX); len(diff) > 0 {
				for _, p := range diff {
					t.Errorf("%s differs from kubectl's copy:\n=== kubex (%v):\n%s\n=== kubectl (%v):\n%s", p, afterX[p].mode, afterX[p].data, afterK[p].mode, afterK[p].data)
				}
			}
			if diff := changedFiles(before, afterX); !slices.Equal(diff, []string{tt.changed}) {
				t.Errorf("changed files: want only %s, got %v", tt.changed, diff)
			}
		})
	}

	t.Run("stale lock file", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		env := []string{writeConfigStack(t, dir)}
		lock := writeConfigFile(t, dir, "one/config.lock", "", 0o600)
		before := snapshotDir(t, dir)
		r := runKubex(t, env, "config", "use-context", "ctx-b")
		// Someone else's lock: kubex waits a little, gives up naming it, and neither writes nor removes it.
		checkErrorLine(t, r, lock, filepath.Join(dir, "one", "config"))
		if diff := changedFiles(before, snapshotDir(t, dir)); len(diff) > 0 {
			t.Errorf("files changed despite the lock: %v", diff)
		}
	})
}

// TestConfigMultiDocument covers what kubectl lacks: every document of a file takes part in the merge, first
// wins across documents and files, and a write rewrites only the document that holds the entry.
func TestConfigMultiDocument(t *testing.T) {
	t.Parallel()
	c := cluster()
	dir := t.TempDir()
	copyConfigFile(t, c.CAFile, dir, "certs/ca.crt", 0o644)
	preamble := "# A kubeconfig in three documents. This comment is no document.\n"
	doc1 := fmt.Sprintf(`---
# doc 1: the cluster and the user, in flow style that a rewrite would not keep.
apiVersion: v1
kind: Config
clusters: [{name: main, cluster: {server: %q, certificate-authority: certs/ca.crt}}]
users:   [{name: admin, user: {token: %q}}]
`, c.Server, c.AdminToken)
	doc2 := `---
# doc 2: a context.
contexts:
- {name: work, context: {cluster: main, user: admin, namespace: work-ns}}
`
	// Names taken by documents 1 and 2 are shadowed here: a refused port, the no-rights token, no cluster.
	doc3 := fmt.Sprintf(`---
# doc 3: another context, current-context, and names the documents above already define.
clusters: [{name: main, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: admin, user: {token: %q}}]
contexts:
- {name: play, context: {cluster: main, user: admin}}
- {name: work, context: {cluster: nowhere, user: nobody}}
current-context: play
`, c.NoRightsToken)
	multi := writeConfigFile(t, dir, "multi", preamble+doc1+doc2+doc3, 0o640)
	second := writeConfigFile(t, dir, "second", `apiVersion: v1
kind: Config
contexts:
- {name: play, context: {cluster: nowhere, user: nobody}}
- {name: extra, context: {cluster: main, user: admin, namespace: extra-ns}}
current-context: extra
`, 0o600)
	env := []string{"KUBECONFIG=" + multi + string(os.PathListSeparator) + second}
	// What the stack merges to, as one document kubectl understands.
	equivalent := writeConfigFile(t, dir, "equivalent", fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: main, cluster: {server: %q, certificate-authority: certs/ca.crt}}]
users: [{name: admin, user: {token: %q}}]
contexts:
- {name: work, context: {cluster: main, user: admin, namespace: work-ns}}
- {name: play, context: {cluster: main, user: admin}}
- {name: extra, context: {cluster: main, user: admin, namespace: extra-ns}}
current-context: play
`, c.Server, c.AdminToken), 0o600)

	// Reads first, then the writes, in sequence since they change the files.
	want := "CURRENT   NAME    CLUSTER   AUTHINFO   NAMESPACE\n" +
		"          extra   main      admin      extra-ns\n" +
		"*         play    main      admin      \n" +
		"          work    main      admin      work-ns\n"
	if r := runKubex(t, env, "config", "get-contexts"); r.Code != 0 || r.Stdout != want || r.Stderr != "" {
		t.Errorf("get-contexts: want\n%s\ngot %s", want, r)
	}
	for _, args := range [][]string{{"config", "view"}, {"config", "view", "--raw"}, {"config", "view", "--minify", "--flatten"}} {
		k := runKubectl(t, []string{"KUBECONFIG=" + equivalent}, args...)
		x := runKubex(t, env, args...)
		if k.Code != 0 || x.Code != k.Code || x.Stdout != k.Stdout || x.Stderr != k.Stderr {
			t.Errorf("kubex %s differs from kubectl's on the equivalent single document\n=== kubex: %s\n=== kubectl: %s", strings.Join(args, " "), x, k)
		}
	}
	// Each context takes its parts from other documents (and, for extra, another file); the shadowed
	// entries of document 3 would fail: refused port, Forbidden, unknown cluster.
	for _, ctx := range []string{"play", "work", "extra"} {
		if r := runKubex(t, env, "--context", ctx, "get", "--raw", podsPath); r.Code != 0 || !strings.Contains(r.Stdout, `"kind":"PodList"`) {
			t.Errorf("get --raw with context %s: %s", ctx, r)
		}
	}

	secondBefore := snapshotDir(t, dir)["second"]
	if r := runKubex(t, env, "config", "use-context", "work"); r.Code != 0 || r.Stdout != "Switched to context \"work\".\n" || r.Stderr != "" {
		t.Fatalf("use-context work: %s", r)
	}
	after := snapshotDir(t, dir)
	got := after["multi"].data
	rest, ok := strings.CutPrefix(got, preamble+doc1+doc2)
	if !ok || !strings.HasPrefix(rest, "---\n") || !strings.Contains(rest, "current-context: work\n") || strings.Contains(rest, "# doc 3") {
		t.Errorf("use-context work: want only document 3 rewritten, with current-context work; got:\n%s", got)
	}
	if after["multi"].mode != 0o640 {
		t.Errorf("use-context work: mode %v, want 0640", after["multi"].mode)
	}
	if after["second"] != secondBefore {
		t.Errorf("use-context work changed the second file:\n%s", after["second"].data)
	}
	if r := runKubex(t, env, "config", "current-context"); r.Stdout != "work\n" {
		t.Errorf("current-context after use-context work: %s", r)
	}
	if r := runKubex(t, env, "get", "--raw", podsPath); r.Code != 0 {
		t.Errorf("get --raw after use-context work: %s", r)
	}

	// work is defined in documents 2 and 3; document 2's entry is the one in use, and the one to change.
	if r := runKubex(t, env, "config", "set-context", "--current", "--namespace=ns2"); r.Code != 0 || r.Stdout != "Context \"work\" modified.\n" {
		t.Fatalf("set-context --current: %s", r)
	}
	got2 := snapshotDir(t, dir)["multi"].data
	mid, ok := strings.CutPrefix(got2, preamble+doc1)
	if !ok || !strings.HasSuffix(mid, rest) || !strings.HasPrefix(mid, "---\n") || strings.Contains(mid, "# doc 2") {
		t.Errorf("set-context --current: want only document 2 rewritten; got:\n%s", got2)
	}
	if r := runKubex(t, env, "config", "get-contexts", "work"); r.Stdout != "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n*         work   main      admin      ns2\n" {
		t.Errorf("get-contexts work after set-context: %s", r)
	}
}

// TestConfigBadInput checks that every broken kubeconfig fails with one clear line naming what is wrong,
// identical to kubectl's where kubectl's line is good.
func TestConfigBadInput(t *testing.T) {
	t.Parallel()
	c := cluster()
	dir := t.TempDir()
	good := func(cluster, user string) string {
		return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
%s
users:
- name: u
  user:
%s
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`, cluster, user)
	}
	ca := fmt.Sprintf("    server: %s\n    certificate-authority: %s", c.Server, c.CAFile)
	certs := fmt.Sprintf("    client-certificate: %s\n    client-key: %s", c.AdminCert, c.AdminKey)
	ok := writeConfigFile(t, dir, "ok", good(ca, certs), 0o600)
	syntax := writeConfigFile(t, dir, "syntax", "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://x\n   bad: indent\n", 0o600)
	multiBroken := writeConfigFile(t, dir, "multi-broken", `apiVersion: v1
kind: Config
clusters:
- name: ok
  cluster:
    server: https://ok.example
---
users:
- name: bad
  user:
    token: a: b
---
current-context: x
`, 0o600)
	wrongType := writeConfigFile(t, dir, "wrong-type", "apiVersion: v1\nkind: Config\nclusters: 5\n", 0o600)
	noCluster := writeConfigFile(t, dir, "no-cluster", strings.Replace(good(ca, certs), "{cluster: c,", "{cluster: gone,", 1), 0o600)
	noCA := writeConfigFile(t, dir, "rel/no-ca", good(fmt.Sprintf("    server: %s\n    certificate-authority: pki/ca.crt", c.Server), certs), 0o600)
	missingKey := filepath.Join(dir, "nowhere", "admin.key")
	noKeyFile := writeConfigFile(t, dir, "no-key-file", good(ca, fmt.Sprintf("    client-certificate: %s\n    client-key: %s", c.AdminCert, missingKey)), 0o600)
	noKey := writeConfigFile(t, dir, "no-key", good(ca, "    client-certificate: "+c.AdminCert), 0o600)
	missing := filepath.Join(dir, "missing")
	sep := string(os.PathListSeparator)

	for _, tt := range []struct {
		name string
		env  []string
		args []string
		want []string // in kubex's line
		// differs says why kubex's line is not kubectl's; empty means they must be identical.
		differs string
		// kubectlOK: kubectl succeeds where kubex fails (differs says why); otherwise both exit with the same code.
		kubectlOK bool
	}{
		{name: "syntax error in the 2nd file of a stack", env: []string{"KUBECONFIG=" + ok + sep + syntax},
			args: []string{"get", "--raw", "/version"}, want: []string{syntax, "yaml: line "}},
		{name: "syntax error in the 2nd file of a stack, config view", env: []string{"KUBECONFIG=" + ok + sep + syntax},
			args: []string{"config", "view"}, want: []string{syntax, "yaml: line "}},
		{name: "malformed 2nd document", env: []string{"KUBECONFIG=" + multiBroken},
			args: []string{"get", "--raw", "/version"}, want: []string{multiBroken, "document 2", "line 11"},
			differs: "kubectl reads only the first document"},
		{name: "valid YAML of the wrong type", env: []string{"KUBECONFIG=" + wrongType},
			args: []string{"get", "--raw", "/version"}, want: []string{wrongType, "clusters"}},
		{name: "--kubeconfig names a missing file",
			args: []string{"--kubeconfig", missing, "get", "--raw", "/version"}, want: []string{missing}},
		{name: "--kubeconfig names a missing file, config view",
			args: []string{"--kubeconfig", missing, "config", "view"}, want: []string{missing, "no such file"},
			differs: "kubectl prints an empty config", kubectlOK: true},
		{name: "--kubeconfig names a missing file, config view -o json",
			args: []string{"--kubeconfig", missing, "config", "view", "-o", "json"}, want: []string{missing, "no such file"},
			differs: "kubectl prints an empty config", kubectlOK: true},
		{name: "--kubeconfig names a missing file, config get-contexts",
			args: []string{"--kubeconfig", missing, "config", "get-contexts"}, want: []string{missing, "no such file"},
			differs: "kubectl prints an empty table", kubectlOK: true},
		{name: "--kubeconfig names a missing file, config get-clusters",
			args: []string{"--kubeconfig", missing, "config", "get-clusters"}, want: []string{missing, "no such file"},
			differs: "kubectl prints an empty list", kubectlOK: true},
		{name: "--kubeconfig names a missing file, config get-users",
			args: []string{"--kubeconfig", missing, "config", "get-users"}, want: []string{missing, "no such file"},
			differs: "kubectl prints an empty list", kubectlOK: true},
		{name: "--kubeconfig names a missing file, config current-context",
			args: []string{"--kubeconfig", missing, "config", "current-context"}, want: []string{missing, "no such file"},
			differs: "kubectl says current-context is not set"},
		{name: "--context names a missing context", env: []string{"KUBECONFIG=" + ok},
			args: []string{"--context", "nope", "get", "--raw", "/version"}, want: []string{`"nope"`, "the kubeconfig has: x"},
			differs: "kubex lists the contexts that exist"},
		{name: "context names a missing cluster", env: []string{"KUBECONFIG=" + noCluster},
			args: []string{"get", "--raw", "/version"}, want: []string{noCluster, "refers to cluster"},
			differs: "kubectl falls back to localhost:8080 without a word about the missing cluster"},
		{name: "certificate-authority file missing", env: []string{"KUBECONFIG=" + noCA},
			args: []string{"get", "--raw", "/version"}, want: []string{filepath.Join(dir, "rel", "pki", "ca.crt")}},
		{name: "client-key file missing", env: []string{"KUBECONFIG=" + noKeyFile},
			args: []string{"get", "--raw", "/version"}, want: []string{missingKey}},
		{name: "client-key not given", env: []string{"KUBECONFIG=" + noKey},
			args: []string{"get", "--raw", "/version"}, want: []string{"client-key", `for u `}},
		{name: "empty KUBECONFIG and no ~/.kube/config", env: []string{"KUBECONFIG=", "HOME=" + t.TempDir()},
			args: []string{"get", "--raw", "/version"}, want: []string{"localhost:8080"}},
		{name: "--request-timeout=abc", env: []string{"KUBECONFIG=" + ok},
			args: []string{"--request-timeout=abc", "get", "--raw", "/version"}, want: []string{"--request-timeout", `"abc"`},
			differs: "kubex names the flag and the value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var r result
			if tt.differs == "" {
				r = sameAsKubectl(t, tt.env, tt.args...)
			} else {
				r = runKubex(t, tt.env, tt.args...)
				want := r.Code
				if tt.kubectlOK {
					want = 0
				}
				if k := runKubectl(t, tt.env, tt.args...); k.Code != want {
					t.Errorf("exit code %d, kubectl's %d (want %d)", r.Code, k.Code, want)
				}
			}
			checkErrorLine(t, r, tt.want...)
		})
	}
}

// TestConfigMissingKubeconfig: a --kubeconfig file that does not exist fails every read with one line
// naming it (ctx and ns too, which kubectl lacks), while a write creates it as kubectl's does.
func TestConfigMissingKubeconfig(t *testing.T) {
	t.Parallel()
	kc := filepath.Join(t.TempDir(), "new", "config")
	for _, args := range [][]string{{"ctx"}, {"ns"}, {"config", "view", "--minify"}} {
		r := runKubex(t, nil, append([]string{"--kubeconfig", kc}, args...)...)
		checkErrorLine(t, r, "error: stat "+kc+": no such file or directory")
	}
	if _, err := os.Stat(kc); err == nil {
		t.Fatalf("a read created %s", kc)
	}
	r := runKubex(t, nil, "--kubeconfig", kc, "config", "set-context", "dev", "--cluster=c", "--user=u")
	if r.Code != 0 || r.Stdout != "Context \"dev\" created.\n" {
		t.Fatalf("set-context on a missing file: %s", r)
	}
	if r := runKubex(t, nil, "--kubeconfig", kc, "ctx"); r.Code != 0 || r.Stdout != "dev\n" {
		t.Errorf("ctx after set-context created the file: %s", r)
	}
	if r := runKubex(t, nil, "--kubeconfig", kc, "config", "get-contexts", "-o", "name"); r.Code != 0 || r.Stdout != "dev\n" {
		t.Errorf("get-contexts after set-context created the file: %s", r)
	}
}

// TestConfigVersionRefused: with no server to answer, version still prints the client line on stdout,
// then kubectl's one-line error.
func TestConfigVersionRefused(t *testing.T) {
	t.Parallel()
	args := []string{"--server", "https://127.0.0.1:1", "version"}
	want := runKubectl(t, nil, args...)
	got := runKubex(t, nil, args...)
	if want.Code != 1 || !strings.HasPrefix(want.Stdout, "Client Version: ") {
		t.Fatalf("kubectl: %s", want)
	}
	if got.Code != 1 || !strings.HasPrefix(got.Stdout, "Client Version: ") || strings.Count(got.Stdout, "\n") != 1 ||
		got.Stderr != want.Stderr || strings.Count(got.Stderr, "\n") != 1 || !strings.Contains(got.Stderr, "127.0.0.1:1") {
		t.Errorf("want the client line, then kubectl's error line %q: %s", want.Stderr, got)
	}
	if r := runKubex(t, nil, append(args, "--client")...); r.Code != 0 || !strings.HasPrefix(r.Stdout, "Client Version: ") || r.Stderr != "" {
		t.Errorf("version --client needs no server: %s", r)
	}
}
