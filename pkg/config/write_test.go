package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/testutil"
)

// edit loads the stack, lets f change the merged config and writes it back.
func edit(t *testing.T, e env, o *Overrides, f func(c *Config)) (*Stack, error) {
	t.Helper()
	s := load(t, e, o)
	c := s.Merged()
	f(c)
	return s, s.Modify(c)
}

func setContext(name string, f func(*Context)) func(*Config) {
	return func(c *Config) {
		for i := range c.Contexts {
			if c.Contexts[i].Name == name {
				f(&c.Contexts[i].Context)
				return
			}
		}
		var ctx Context
		f(&ctx)
		c.Contexts = append(c.Contexts, NamedContext{Name: name, Context: ctx})
	}
}

func TestModifyWritesWhereKubectlWrites(t *testing.T) {
	files := []string{"a.yaml", "b.yaml", "sub/c.yaml"}
	tests := []struct {
		name    string
		edit    func(*Config)
		changed map[string]string // file -> golden of its new content (from kubectl on the same stack)
	}{
		{name: "current-context goes to the first existing file",
			edit:    func(c *Config) { c.CurrentContext = "ctx3" },
			changed: map[string]string{"a.yaml": "stack-a-after-use-context-ctx3.yaml"}},
		{name: "a context is changed in the file that defines it",
			edit:    setContext("ctx2", func(c *Context) { c.Namespace = "nsy" }),
			changed: map[string]string{"b.yaml": "stack-b-after-set-context-ctx2.yaml"}},
		{name: "the first definition is the one changed",
			edit:    setContext("shared", func(c *Context) { c.Namespace, c.AuthInfo = "nsx", "u9" }),
			changed: map[string]string{"a.yaml": "stack-a-after-set-context-shared.yaml"}},
		{name: "no change writes nothing", edit: func(*Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testutil.CopyTree(t, testdataDir(t, "stack"))
			before := map[string]string{}
			for _, f := range files {
				before[f] = readFileT(t, filepath.Join(dir, f))
			}
			if _, err := edit(t, stackEnv(t, dir), nil, tt.edit); err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				got := readFileT(t, filepath.Join(dir, f))
				want := before[f]
				if g, ok := tt.changed[f]; ok {
					want = golden(t, g)
				}
				if got != want {
					t.Errorf("%s:\n%s\nwant:\n%s", f, got, want)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "missing.yaml")); err == nil {
				t.Error("missing.yaml was created")
			}
			assertNoLeftovers(t, dir)
		})
	}
}

func TestModifyNewEntries(t *testing.T) {
	sep := string(os.PathListSeparator)
	tests := []struct {
		name     string
		existing []string // files that exist, empty
		list     []string // KUBECONFIG
		explicit string
		home     bool
		want     string // the file that gets the new context and current-context
	}{
		{name: "first existing file of the list", existing: []string{"two"}, list: []string{"one", "two", "three"}, want: "two"},
		{name: "last file of the list when none exists", list: []string{"one", "two"}, want: "two"},
		{name: "the only file of the list", list: []string{"one"}, want: "one"},
		{name: "--kubeconfig, created", explicit: "new/config", want: "new/config"},
		{name: "home file, created", home: true, want: "home/.kube/config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			abs := func(n string) string { return filepath.Join(dir, n) }
			for _, f := range tt.existing {
				writeFile(t, abs(f), "")
			}
			e := env{"HOME": abs("home")}
			if tt.list != nil {
				var l []string
				for _, f := range tt.list {
					l = append(l, abs(f))
				}
				e["KUBECONFIG"] = strings.Join(l, sep)
			}
			o := &Overrides{}
			if tt.explicit != "" {
				o.Kubeconfig = abs(tt.explicit)
			}
			s, err := edit(t, e, o, func(c *Config) {
				setContext("fresh", func(c *Context) { c.Namespace = "team" })(c)
				c.CurrentContext = "fresh"
			})
			if err != nil {
				t.Fatal(err)
			}
			want := "apiVersion: v1\nclusters: null\ncontexts:\n- context:\n    cluster: \"\"\n    namespace: team\n    user: \"\"\n  name: fresh\ncurrent-context: fresh\nkind: Config\nusers: null\n"
			if got := readFileT(t, abs(tt.want)); got != want {
				t.Errorf("%s:\n%s\nwant:\n%s", tt.want, got, want)
			}
			if st, _ := os.Stat(abs(tt.want)); len(tt.existing) == 0 && st.Mode().Perm() != 0o600 {
				t.Errorf("new file mode %v, want 0600", st.Mode().Perm())
			}
			if s.Merged().CurrentContext != "fresh" {
				t.Error("stack not reloaded after Modify")
			}
			if _, err := s.Resolve(o); err != nil && tt.explicit != "" {
				t.Errorf("the created --kubeconfig file is still missing for Resolve: %v", err)
			}
		})
	}
}

func TestModifyKeepsModeAndSymlink(t *testing.T) {
	dir := t.TempDir()
	real := writeFile(t, filepath.Join(dir, "real", "config"), "current-context: a\ncontexts:\n- name: a\n  context: {cluster: c, user: u}\n- name: b\n  context: {cluster: c, user: u}\n")
	if err := os.Chmod(real, 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if _, err := edit(t, env{"KUBECONFIG": link}, nil, func(c *Config) { c.CurrentContext = "b" }); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", st.Mode(), err)
	}
	st, _ := os.Stat(real)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	if !strings.Contains(readFileT(t, real), "current-context: b\n") {
		t.Errorf("target not written:\n%s", readFileT(t, real))
	}
	assertNoLeftovers(t, filepath.Join(dir, "real"))
}

func TestModifyLockHeld(t *testing.T) {
	dir := testutil.CopyTree(t, testdataDir(t, "stack"))
	lock := filepath.Join(dir, "a.yaml") + ".lock"
	writeFile(t, lock, "")
	before := readFileT(t, filepath.Join(dir, "a.yaml"))
	_, err := edit(t, stackEnv(t, dir), nil, func(c *Config) { c.CurrentContext = "ctx1" })
	want := `cannot write "` + filepath.Join(dir, "a.yaml") + `": its lock file "` + lock + `" is held by another process; if no kubectl or kubex is running, remove the lock file`
	if errString(err) != want {
		t.Errorf("error = %v\nwant %s", err, want)
	}
	if readFileT(t, filepath.Join(dir, "a.yaml")) != before {
		t.Error("file written despite the lock")
	}
	if _, err := os.Stat(lock); err != nil {
		t.Error("someone else's lock file was removed")
	}

	// Once released, the write goes through and leaves no lock behind.
	os.Remove(lock)
	if _, err := edit(t, stackEnv(t, dir), nil, func(c *Config) { c.CurrentContext = "ctx1" }); err != nil {
		t.Fatal(err)
	}
	assertNoLeftovers(t, dir)
}

func TestModifyMultiDocument(t *testing.T) {
	src := readFileT(t, testdataDir(t, "multidoc", "config"))
	docs := strings.SplitAfter(src, "---\n") // preamble+doc1 marker, doc1, doc2 (empty), doc3
	tests := []struct {
		name      string
		edit      func(*Config)
		keep      string // the unchanged start of the file
		wantTail  string // what follows it
		wantMerge func(t *testing.T, s *Stack)
	}{
		{name: "an entry of document 3 rewrites only document 3",
			edit: setContext("other", func(c *Context) { c.Namespace = "changed" }),
			keep: docs[0] + docs[1] + docs[2],
			wantTail: "apiVersion: v1\nclusters:\n- cluster:\n    server: https://shadowed.example\n  name: m1\n- cluster:\n    certificate-authority: m2-ca.crt\n    server: https://m2.example\n  name: m2\n" +
				"contexts:\n- context:\n    cluster: m2\n    namespace: changed\n    user: mu\n  name: other\ncurrent-context: mctx\nkind: Config\nusers:\n- name: mu\n  user:\n    token: mtoken\n"},
		{name: "current-context is changed in the document that sets it",
			edit:     func(c *Config) { c.CurrentContext = "other" },
			keep:     docs[0] + docs[1] + docs[2],
			wantTail: "apiVersion: v1\nclusters:\n- cluster:\n    server: https://shadowed.example\n  name: m1\n- cluster:\n    certificate-authority: m2-ca.crt\n    server: https://m2.example\n  name: m2\ncontexts:\n- context:\n    cluster: m2\n    namespace: other-ns\n    user: mu\n  name: other\ncurrent-context: other\nkind: Config\nusers:\n- name: mu\n  user:\n    token: mtoken\n"},
		{name: "an entry of document 1 leaves documents 2 and 3 alone",
			edit: setContext("mctx", func(c *Context) { c.Namespace = "n1" }),
			keep: "# A kubeconfig split into documents. This comment is no document.\n---\n",
			wantTail: "apiVersion: v1\nclusters:\n- cluster:\n    server: https://m1.example\n  name: m1\ncontexts:\n- context:\n    cluster: m1\n    namespace: n1\n    user: mu\n  name: mctx\ncurrent-context: \"\"\nkind: Config\nusers: null\n---\n" +
				docs[2] + docs[3]},
		{name: "a new entry goes to the first non-empty document",
			edit: func(c *Config) {
				c.Clusters = append(c.Clusters, NamedCluster{Name: "new", Cluster: Cluster{Server: "https://new"}})
			},
			keep:     "# A kubeconfig split into documents. This comment is no document.\n---\n",
			wantTail: "apiVersion: v1\nclusters:\n- cluster:\n    server: https://m1.example\n  name: m1\n- cluster:\n    server: https://new\n  name: new\ncontexts:\n- context:\n    cluster: m1\n    user: mu\n  name: mctx\ncurrent-context: \"\"\nkind: Config\nusers: null\n---\n" + docs[2] + docs[3],
			wantMerge: func(t *testing.T, s *Stack) {
				if at, _ := s.Origin(KindCluster, "new"); at.Doc != 1 {
					t.Errorf("new cluster in document %d", at.Doc)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, filepath.Join(t.TempDir(), "config"), src)
			s, err := edit(t, env{"KUBECONFIG": path}, nil, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			got := readFileT(t, path)
			if !strings.HasPrefix(got, tt.keep) {
				t.Fatalf("the documents before the change were not kept:\n%s", got)
			}
			if tail := got[len(tt.keep):]; tail != tt.wantTail {
				t.Errorf("after the kept part:\n%s\nwant:\n%s", tail, tt.wantTail)
			}
			if tt.wantMerge != nil {
				tt.wantMerge(t, s)
			}
		})
	}
}

// assertNoLeftovers fails if a temporary or lock file stayed behind in dir.
func assertNoLeftovers(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.Contains(d.Name(), ".tmp-") || strings.HasSuffix(d.Name(), ".lock")) {
			t.Errorf("left behind: %s", p)
		}
		return nil
	})
}
