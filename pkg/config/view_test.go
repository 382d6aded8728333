package config

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestViewMatchesKubectl(t *testing.T) {
	dir := testdataDir(t, "stack")
	s := load(t, stackEnv(t, dir), nil)

	tests := []struct {
		name   string
		opts   ViewOptions
		json   bool
		golden string
	}{
		{name: "merged, secrets redacted, paths as written", golden: "stack-view.yaml"},
		{name: "json keeps field order", json: true, golden: "stack-view.json"},
		{name: "raw", opts: ViewOptions{Raw: true}, golden: "stack-view-raw.yaml"},
		{name: "minify keeps the current context", opts: ViewOptions{Minify: true}, golden: "stack-view-minify.yaml"},
		{name: "minify another context and flatten its files", opts: ViewOptions{Minify: true, Flatten: true, Context: "ctx1"}, golden: "stack-view-minify-flatten-ctx1.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := s.View(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			enc := EncodeYAML
			if tt.json {
				enc = EncodeJSON
			}
			got, err := enc(c)
			if err != nil {
				t.Fatal(err)
			}
			if want := golden(t, tt.golden); string(got) != want {
				t.Errorf("got:\n%s\nwant (kubectl):\n%s", got, want)
			}
		})
	}
}

func TestViewEmpty(t *testing.T) {
	s := load(t, env{"HOME": t.TempDir()}, nil)
	c, _ := s.View(ViewOptions{})
	y, _ := EncodeYAML(c)
	j, _ := EncodeJSON(c)
	// kubectl 1.34 prints null lists and no preferences block.
	if want := "apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: \"\"\nkind: Config\nusers: null\n"; string(y) != want {
		t.Errorf("yaml:\n%s\nwant:\n%s", y, want)
	}
	if want := "{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n    \"clusters\": null,\n    \"users\": null,\n    \"contexts\": null,\n    \"current-context\": \"\"\n}\n"; string(j) != want {
		t.Errorf("json:\n%s\nwant:\n%s", j, want)
	}
}

func TestViewErrors(t *testing.T) {
	dir := testdataDir(t, "stack")
	tests := []struct {
		name    string
		env     env
		opts    ViewOptions
		wantErr string
	}{
		{name: "minify without current-context", env: env{"KUBECONFIG": filepath.Join(dir, "a.yaml")}, opts: ViewOptions{Minify: true},
			wantErr: "current-context must exist in order to minify"},
		{name: "minify an unknown context", env: stackEnv(t, dir), opts: ViewOptions{Minify: true, Context: "nope"},
			wantErr: "cannot locate context nope"},
		{name: "minify a context whose user is missing", env: env{"KUBECONFIG": writeFile(t, filepath.Join(t.TempDir(), "c"), "current-context: c\ncontexts:\n- name: c\n  context: {user: ghost}\n")},
			opts: ViewOptions{Minify: true}, wantErr: "cannot locate user ghost"},
		{name: "flatten a file that is not there", env: stackEnv(t, dir), opts: ViewOptions{Flatten: true},
			wantErr: "open /abs/u5.key: no such file or directory"},
		{name: "flatten a path and data together", env: env{"KUBECONFIG": writeFile(t, filepath.Join(t.TempDir(), "c"), "clusters:\n- name: c\n  cluster: {server: s, certificate-authority: x, certificate-authority-data: YQ==}\n")},
			opts: ViewOptions{Flatten: true}, wantErr: "cannot have values for both path and contents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.env, nil).View(tt.opts)
			if errString(err) != tt.wantErr {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestViewDoesNotChangeTheStack(t *testing.T) {
	s := load(t, stackEnv(t, testdataDir(t, "stack")), nil)
	if _, err := s.View(ViewOptions{Minify: true, Context: "ctx1"}); err != nil {
		t.Fatal(err)
	}
	m := s.Merged()
	if u, _ := findUser(m, "u2"); u.Token != "secret-token" || len(m.Contexts) != 4 || m.CurrentContext != "ctx2" {
		t.Errorf("View changed the stack: %+v", m)
	}
}

// kubectl shows these passwords; the README promises them masked everywhere.
func TestViewRedactsURLPasswords(t *testing.T) {
	kc := writeFile(t, filepath.Join(t.TempDir(), "c"), `clusters:
- name: a
  cluster: {server: "https://bob:s3cret@h:6443", proxy-url: "socks5://u:pw@proxy:1080"}
- name: b
  cluster: {server: "https://bob:s3/cret@h:x", proxy-url: "http://proxy:3128"}
- name: c
  cluster: {server: "https://h:6443/p"}
`)
	s := load(t, env{"KUBECONFIG": kc}, nil)
	c, err := s.View(ViewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	y, _ := EncodeYAML(c)
	j, _ := EncodeJSON(c)
	for _, out := range []string{string(y), string(j)} {
		for _, secret := range []string{"s3cret", "s3/cret", "pw@"} {
			if strings.Contains(out, secret) {
				t.Errorf("config view shows %q:\n%s", secret, out)
			}
		}
		for _, kept := range []string{"https://bob:xxxxx@h:6443", "socks5://u:xxxxx@proxy:1080", "https://xxxxx@h:x", "http://proxy:3128", "https://h:6443/p"} {
			if !strings.Contains(out, kept) {
				t.Errorf("config view lacks %q:\n%s", kept, out)
			}
		}
	}
	raw, _ := s.View(ViewOptions{Raw: true})
	if y, _ := EncodeYAML(raw); !strings.Contains(string(y), "s3cret") {
		t.Errorf("--raw hides the password:\n%s", y)
	}
}
