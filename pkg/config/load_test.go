package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadStackFirstWins(t *testing.T) {
	dir := testdataDir(t, "stack")
	s := load(t, stackEnv(t, dir), nil)
	m := s.Merged()
	a, b, c := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml"), filepath.Join(dir, "sub", "c.yaml")

	tests := []struct {
		name       string
		kind       EntryKind
		entry      string
		wantOrigin Origin
		check      func(t *testing.T)
	}{
		{name: "cluster defined in a and b comes whole from a", kind: KindCluster, entry: "shared", wantOrigin: Origin{a, 1},
			check: func(t *testing.T) {
				cl, _ := findCluster(m, "shared")
				if cl.Server != "https://from-a" || cl.InsecureSkipTLSVerify || string(cl.CertificateAuthorityData) != "ca-data" {
					t.Errorf("shared cluster = %+v, want a's entry only", cl)
				}
			}},
		{name: "cluster only in the last file", kind: KindCluster, entry: "c3", wantOrigin: Origin{c, 1}},
		{name: "user defined in a and c comes from a", kind: KindUser, entry: "u1", wantOrigin: Origin{a, 1},
			check: func(t *testing.T) {
				u, _ := findUser(m, "u1")
				if u.Token != "" || u.Exec == nil {
					t.Errorf("u1 = %+v, want a's entry (exec, no token)", u)
				}
			}},
		{name: "context defined in three files comes from a", kind: KindContext, entry: "shared", wantOrigin: Origin{a, 1},
			check: func(t *testing.T) {
				ctx, _ := findContext(m, "shared")
				if ctx.Cluster != "shared" || ctx.AuthInfo != "u2" || ctx.Namespace != "" {
					t.Errorf("shared context = %+v, want a's entry", ctx)
				}
			}},
		{name: "extension defined in a and c comes from a", kind: KindExtension, entry: "ext1", wantOrigin: Origin{a, 1}},
		{name: "current-context from the first file that sets it", kind: KindCurrentContext, wantOrigin: Origin{b, 1},
			check: func(t *testing.T) {
				if m.CurrentContext != "ctx2" {
					t.Errorf("current-context = %q, want ctx2 (b), not fromc (c)", m.CurrentContext)
				}
			}},
		{name: "preferences from the file that sets them", kind: KindCluster, entry: "c2", wantOrigin: Origin{b, 1},
			check: func(t *testing.T) {
				if !m.Preferences.Colors {
					t.Error("preferences.colors = false, want true from b")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Origin(tt.kind, tt.entry)
			if !ok || got != tt.wantOrigin {
				t.Errorf("Origin(%s, %q) = %v, %v; want %v", tt.kind, tt.entry, got, ok, tt.wantOrigin)
			}
			if tt.check != nil {
				tt.check(t)
			}
		})
	}
	if got := len(m.Clusters); got != 4 {
		t.Errorf("merged has %d clusters, want 4", got)
	}
}

func TestLoadWhichFiles(t *testing.T) {
	dir := t.TempDir()
	one := writeFile(t, filepath.Join(dir, "one"), "current-context: one\ncontexts:\n- name: one\n  context: {cluster: c, user: u}\n")
	two := writeFile(t, filepath.Join(dir, "two"), "current-context: two\ncontexts:\n- name: two\n  context: {cluster: c, user: u}\n")
	home := t.TempDir()
	writeFile(t, filepath.Join(home, ".kube", "config"), "current-context: home\n")
	sep := string(os.PathListSeparator)

	tests := []struct {
		name         string
		env          env
		kubeconfig   string
		wantPaths    []string
		wantCurrent  string
		wantContexts int
	}{
		{name: "--kubeconfig beats KUBECONFIG", env: env{"KUBECONFIG": one, "HOME": home}, kubeconfig: two,
			wantPaths: []string{two}, wantCurrent: "two", wantContexts: 1},
		{name: "KUBECONFIG beats home", env: env{"KUBECONFIG": two + sep + one, "HOME": home},
			wantPaths: []string{two, one}, wantCurrent: "two", wantContexts: 2},
		{name: "duplicates and empty entries dropped", env: env{"KUBECONFIG": sep + one + sep + sep + one + sep + two, "HOME": home},
			wantPaths: []string{one, two}, wantCurrent: "one", wantContexts: 2},
		{name: "missing files skipped", env: env{"KUBECONFIG": filepath.Join(dir, "nope") + sep + two, "HOME": home},
			wantPaths: []string{filepath.Join(dir, "nope"), two}, wantCurrent: "two", wantContexts: 1},
		{name: "home file by default", env: env{"HOME": home},
			wantPaths: []string{filepath.Join(home, ".kube", "config")}, wantCurrent: "home"},
		{name: "missing home file is an empty config", env: env{"HOME": t.TempDir()}, wantCurrent: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := load(t, tt.env, &Overrides{Kubeconfig: tt.kubeconfig})
			if tt.wantPaths != nil && strings.Join(s.Paths(), ",") != strings.Join(tt.wantPaths, ",") {
				t.Errorf("Paths() = %v, want %v", s.Paths(), tt.wantPaths)
			}
			m := s.Merged()
			if m.CurrentContext != tt.wantCurrent || len(m.Contexts) != tt.wantContexts {
				t.Errorf("current-context %q with %d contexts, want %q with %d", m.CurrentContext, len(m.Contexts), tt.wantCurrent, tt.wantContexts)
			}
		})
	}
}

func TestLoadMissingExplicitFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	s := load(t, nil, &Overrides{Kubeconfig: missing})
	// Like kubectl's, the writes see an empty config (and create the file)...
	if got := s.Merged(); len(got.Contexts) != 0 || got.CurrentContext != "" {
		t.Errorf("Merged() = %+v, want empty", got)
	}
	// ...and every read fails naming the file: Resolve and Namespace, and the read-only commands through
	// MissingExplicit.
	want := "stat " + missing + ": no such file or directory"
	if err := s.MissingExplicit(); errString(err) != want || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("MissingExplicit() = %v, want %q", err, want)
	}
	if _, err := s.Resolve(&Overrides{Kubeconfig: missing}); errString(err) != want || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Resolve error = %v, want %q", err, want)
	}
	if _, _, err := s.Namespace(&Overrides{Kubeconfig: missing, Namespace: "x"}); errString(err) != want {
		t.Errorf("Namespace error = %v, want %q", err, want)
	}
}

func TestLoadExistingExplicitFile(t *testing.T) {
	p := writeFile(t, filepath.Join(t.TempDir(), "config"), "current-context: x\n")
	if err := load(t, nil, &Overrides{Kubeconfig: p}).MissingExplicit(); err != nil {
		t.Errorf("MissingExplicit() = %v for an existing file", err)
	}
	if err := load(t, env{"HOME": t.TempDir()}, nil).MissingExplicit(); err != nil {
		t.Errorf("MissingExplicit() = %v for a missing home file", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	broken := writeFile(t, filepath.Join(dir, "broken"), "apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster:\n    server: a: b\n")
	typeErr := writeFile(t, filepath.Join(dir, "typeerr"), "clusters: 5\n")
	pod := writeFile(t, filepath.Join(dir, "pod"), "apiVersion: v1\nkind: Pod\n")
	v2 := writeFile(t, filepath.Join(dir, "v2"), "apiVersion: v2\nkind: Config\n")
	dup := writeFile(t, filepath.Join(dir, "dup"), "contexts:\n- name: x\n- name: x\n")
	good := writeFile(t, filepath.Join(dir, "good"), "current-context: x\n")
	badCA := writeFile(t, filepath.Join(dir, "bad-ca"), "clusters:\n- name: a\n  cluster: {certificate-authority-data: Y2E=}\n- name: b\n  cluster: {certificate-authority-data: \"!!\"}\n")
	badKey := writeFile(t, filepath.Join(dir, "bad-key"), "current-context: x\n---\nusers:\n- name: u\n  user: {client-certificate-data: Y2E=, client-key-data: \"Y2E=%\"}\n")
	sep := string(os.PathListSeparator)
	multiBroken := testdataDir(t, "multidoc", "broken")

	tests := []struct {
		name       string
		kubeconfig string
		wantErr    string
		wantUser   string // what the user reads
	}{
		{name: "YAML syntax error names file and line, as kubectl", kubeconfig: broken,
			wantErr: `error loading config file "` + broken + `": yaml: line 6: mapping values are not allowed in this context`},
		{name: "a broken file fails even after a good one", kubeconfig: good + sep + broken,
			wantErr: `error loading config file "` + broken + `": yaml: line 6: mapping values are not allowed in this context`},
		{name: "type mismatch in kubectl's words", kubeconfig: typeErr,
			wantErr: `error loading config file "` + typeErr + `": json: cannot unmarshal number into Go struct field Config.clusters of type []v1.NamedCluster`},
		{name: "wrong kind", kubeconfig: pod,
			wantErr: `error loading config file "` + pod + `": no kind "Pod" is registered for version "v1" in scheme "pkg/runtime/scheme.go:110"`},
		{name: "wrong version", kubeconfig: v2,
			wantErr: `error loading config file "` + v2 + `": no kind "Config" is registered for version "v2" in scheme "pkg/runtime/scheme.go:110"`},
		{name: "a name twice in one document", kubeconfig: dup,
			wantErr: `error loading config file "` + dup + `": duplicate name "x" in contexts list`},
		{name: "malformed document names file, document and file line", kubeconfig: multiBroken,
			wantErr: `error loading config file "` + multiBroken + `": document 2: yaml: line 11: mapping values are not allowed in this context`},
		{name: "bad base64 names the field and the cluster", kubeconfig: badCA,
			wantErr: `error loading config file "` + badCA + `": certificate-authority-data of cluster "b": illegal base64 data at input byte 0`},
		{name: "bad base64 names the document, the field and the user", kubeconfig: badKey,
			wantErr: `error loading config file "` + badKey + `": document 2: client-key-data of user "u": illegal base64 data at input byte 4`},
		{name: "several broken files, one line each without error: prefix", kubeconfig: broken + sep + typeErr,
			wantErr: "error loading config file \"" + broken + "\": yaml: line 6: mapping values are not allowed in this context\n" +
				"error loading config file \"" + typeErr + "\": json: cannot unmarshal number into Go struct field Config.clusters of type []v1.NamedCluster",
			wantUser: "error loading config file \"" + broken + "\": yaml: line 6: mapping values are not allowed in this context\n" +
				"error loading config file \"" + typeErr + "\": json: cannot unmarshal number into Go struct field Config.clusters of type []v1.NamedCluster"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := testLoader(t, env{"KUBECONFIG": tt.kubeconfig}).Load(nil)
			if errString(err) != tt.wantErr {
				t.Errorf("error:\n got %v\nwant %s", err, tt.wantErr)
			}
			if tt.wantUser != "" && userMessage(err) != tt.wantUser {
				t.Errorf("user message:\n got %s\nwant %s", userMessage(err), tt.wantUser)
			}
		})
	}
}

func TestLoadMultiDocument(t *testing.T) {
	path := testdataDir(t, "multidoc", "config")
	s := load(t, env{"KUBECONFIG": path}, nil)

	t.Run("merges like its one-document equivalent", func(t *testing.T) {
		c, err := s.View(ViewOptions{Raw: true})
		if err != nil {
			t.Fatal(err)
		}
		got, _ := EncodeYAML(c)
		if want := golden(t, "multidoc-view-raw.yaml"); string(got) != want {
			t.Errorf("view:\n%s\nwant (kubectl on equivalent.yaml):\n%s", got, want)
		}
	})
	origins := []struct {
		name  string
		kind  EntryKind
		entry string
		want  Origin
	}{
		{"first document wins a repeated cluster", KindCluster, "m1", Origin{path, 1}},
		{"the empty document 2 still counts", KindCluster, "m2", Origin{path, 3}},
		{"current-context from a later document", KindCurrentContext, "", Origin{path, 3}},
		{"context of the first document", KindContext, "mctx", Origin{path, 1}},
	}
	for _, tt := range origins {
		t.Run(tt.name, func(t *testing.T) {
			if got, ok := s.Origin(tt.kind, tt.entry); !ok || got != tt.want {
				t.Errorf("Origin = %v, %v; want %v", got, ok, tt.want)
			}
		})
	}
	t.Run("documents of later files come after all documents of earlier ones", func(t *testing.T) {
		first := writeFile(t, filepath.Join(t.TempDir(), "first"), "clusters:\n- name: m2\n  cluster: {server: https://first}\n")
		s := load(t, env{"KUBECONFIG": first + string(os.PathListSeparator) + path}, nil)
		cl, _ := findCluster(s.merged, "m2")
		if cl.Server != "https://first" {
			t.Errorf("m2 server = %q, want the first file's", cl.Server)
		}
	})
}
