package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/testutil"
)

// The expected messages and file changes below were checked against kubectl v1.34.4 on the same stack.

func TestEntryCommands(t *testing.T) {
	caFile := testdata(t, "stack", "ca.crt")
	tests := []struct {
		name     string
		args     []string
		wantOut  string
		wantErr  string // what the user reads on stderr besides the error, e.g. a warning
		wantUser string
		// changed maps a file of the stack to strings it must (or, prefixed with "!", must not) contain;
		// files not named must keep their bytes.
		changed map[string][]string
	}{
		{name: "get-clusters", args: []string{"config", "get-clusters"}, wantOut: "NAME\nc1\nc2\nc3\nshared\n"},
		{name: "get-users ignores arguments, as kubectl does", args: []string{"config", "get-users", "x"}, wantOut: "NAME\nu1\nu2\nu3\nu4\nu5\n"},

		{name: "delete-context names the first existing file", args: []string{"config", "delete-context", "ctx3"},
			wantOut: "deleted context ctx3 from {dir}/a.yaml\n", changed: map[string][]string{"sub/c.yaml": {"!name: ctx3", "name: shared"}}},
		{name: "delete-context of the current context warns", args: []string{"config", "delete-context", "ctx2"},
			wantOut: "deleted context ctx2 from {dir}/a.yaml\n",
			wantErr: "warning: this removed your active context, use \"kubex config use-context\" to select a different one\n",
			changed: map[string][]string{"b.yaml": {"!name: ctx2", "current-context: ctx2"}}},
		{name: "delete-context removes only the definition in use", args: []string{"config", "delete-context", "shared"},
			wantOut: "deleted context shared from {dir}/a.yaml\n", changed: map[string][]string{"a.yaml": {"name: ctx1", "!  name: shared\nextensions"}}},
		{name: "delete-context unknown", args: []string{"config", "delete-context", "nope"},
			wantUser: "error: cannot delete context nope, not in {dir}/a.yaml"},
		{name: "delete-context without a name prints the help and succeeds", args: []string{"config", "delete-context"},
			wantOut: "{help}"},
		{name: "delete-cluster", args: []string{"config", "delete-cluster", "c2"},
			wantOut: "deleted cluster c2 from {dir}/a.yaml\n", changed: map[string][]string{"b.yaml": {"!name: c2", "name: shared"}}},
		{name: "delete-cluster unknown", args: []string{"config", "delete-cluster", "nope"},
			wantUser: "error: cannot delete cluster nope, not in {dir}/a.yaml"},
		{name: "delete-user", args: []string{"config", "delete-user", "u5"},
			wantOut: "deleted user u5 from {dir}/a.yaml\n", changed: map[string][]string{"sub/c.yaml": {"!name: u5", "name: u1"}}},
		{name: "delete-user unknown", args: []string{"config", "delete-user", "nope"},
			wantUser: "error: cannot delete user nope, not in {dir}/a.yaml"},
		{name: "delete-user without a name", args: []string{"config", "delete-user"},
			wantUser: "error: user to delete is required\nSee 'kubex config delete-user -h' for help and examples"},

		{name: "rename-context stays in its file", args: []string{"config", "rename-context", "ctx3", "renamed"},
			wantOut: "Context \"ctx3\" renamed to \"renamed\".\n", changed: map[string][]string{"sub/c.yaml": {"name: renamed", "!name: ctx3"}}},
		{name: "rename-context of the current context moves current-context", args: []string{"config", "rename-context", "ctx2", "two"},
			wantOut: "Context \"ctx2\" renamed to \"two\".\n", changed: map[string][]string{
				"a.yaml": {"current-context: two"}, "b.yaml": {"name: two", "!name: ctx2", "current-context: ctx2"}}},
		{name: "rename-context to an existing name", args: []string{"config", "rename-context", "ctx3", "ctx1"},
			wantUser: `error: cannot rename the context "ctx3", the context "ctx1" already exists in {dir}/a.yaml`},
		{name: "rename-context unknown", args: []string{"config", "rename-context", "nope", "x"},
			wantUser: `error: cannot rename the context "nope", it's not in {dir}/a.yaml`},
		{name: "rename-context to nothing", args: []string{"config", "rename-context", "ctx1", ""},
			wantUser: "error: You must specify a new non-empty context name"},
		{name: "rename-context with one name", args: []string{"config", "rename-context", "ctx1"},
			wantOut: "{help}", wantUser: "error: Unexpected args: [ctx1]"},

		{name: "set-cluster --server drops tls-server-name", args: []string{"config", "set-cluster", "shared", "--server=https://new", "--proxy-url=http://p"},
			wantOut: "Cluster \"shared\" set.\n", changed: map[string][]string{"a.yaml": {"server: https://new\n", "proxy-url: http://p", "certificate-authority-data: Y2EtZGF0YQ=="}}},
		{name: "set-cluster --insecure-skip-tls-verify drops the CA", args: []string{"config", "set-cluster", "c3", "--insecure-skip-tls-verify"},
			wantOut: "Cluster \"c3\" set.\n", changed: map[string][]string{"sub/c.yaml": {"insecure-skip-tls-verify: true", "!certificate-authority"}}},
		{name: "set-cluster new with a CA in the file's directory writes it relative", args: []string{"config", "set-cluster", "new", "--server=https://n", "--certificate-authority={dir}/ca.crt"},
			wantOut: "Cluster \"new\" set.\n", changed: map[string][]string{"a.yaml": {"    certificate-authority: ca.crt\n    server: https://n\n  name: new\n"}}},
		{name: "set-cluster --embed-certs", args: []string{"config", "set-cluster", "c1", "--embed-certs", "--certificate-authority=" + caFile},
			wantOut: "Cluster \"c1\" set.\n", changed: map[string][]string{"a.yaml": {"certificate-authority-data: ", "!certificate-authority: ca.crt"}}},
		{name: "set-cluster without a change writes nothing", args: []string{"config", "set-cluster", "c1"}, wantOut: "Cluster \"c1\" set.\n"},
		{name: "set-cluster --embed-certs without a CA", args: []string{"config", "set-cluster", "c1", "--embed-certs"},
			wantUser: "error: you must specify a --certificate-authority to embed"},
		{name: "set-cluster --embed-certs with a missing CA", args: []string{"config", "set-cluster", "c1", "--embed-certs", "--certificate-authority=/nope"},
			wantUser: "error: could not stat certificate-authority file /nope: stat /nope: no such file or directory"},
		{name: "set-cluster insecure and a CA", args: []string{"config", "set-cluster", "c1", "--insecure-skip-tls-verify", "--certificate-authority=/a"},
			wantUser: "error: you cannot specify a certificate authority and insecure mode at the same time"},
		{name: "set-cluster empty name", args: []string{"config", "set-cluster", ""}, wantUser: "error: you must specify a non-empty cluster name"},
		{name: "set-cluster without a name", args: []string{"config", "set-cluster"}, wantOut: "{help}", wantUser: "error: Unexpected args: []"},

		{name: "set-credentials --token drops basic auth", args: []string{"config", "set-credentials", "u2", "--token=t2"},
			wantOut: "User \"u2\" set.\n", changed: map[string][]string{"a.yaml": {"token: t2", "!username: bob", "!password: pw", "client-key-data: a2V5"}}},
		{name: "set-credentials --username drops the token", args: []string{"config", "set-credentials", "u2", "--username=al"},
			wantOut: "User \"u2\" set.\n", changed: map[string][]string{"a.yaml": {"username: al", "!secret-token", "password: pw"}}},
		{name: "set-credentials writes a path that needs ../ absolute", args: []string{"config", "set-credentials", "u5", "--token=x"},
			wantOut: "User \"u5\" set.\n", changed: map[string][]string{"sub/c.yaml": {"client-certificate: {dir}/certs/u1.crt", "token: x"}}},
		{name: "set-credentials new with embedded certificate", args: []string{"config", "set-credentials", "nu", "--client-certificate=" + caFile, "--embed-certs"},
			wantOut: "User \"nu\" set.\n", changed: map[string][]string{"a.yaml": {"client-certificate-data: ", "name: nu"}}},
		{name: "set-credentials with two methods", args: []string{"config", "set-credentials", "u1", "--token=a", "--password=b"},
			wantUser: "error: you cannot specify more than one authentication method at the same time: --token, --username/--password"},
		{name: "set-credentials --embed-certs alone", args: []string{"config", "set-credentials", "u1", "--embed-certs"},
			wantUser: "error: you must specify a --client-certificate or --client-key to embed"},
		{name: "set-credentials empty name", args: []string{"config", "set-credentials", ""}, wantUser: "error: you must specify a non-empty user name"},
		{name: "set-credentials without a name", args: []string{"config", "set-credentials"}, wantOut: "{help}", wantUser: "error: unexpected args: []"},
	}
	files := []string{"a.yaml", "b.yaml", "sub/c.yaml"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testutil.CopyTree(t, testdata(t, "stack"))
			expand := func(s string) string { return strings.ReplaceAll(s, "{dir}", dir) }
			before := map[string]string{}
			for _, f := range files {
				before[f] = read(t, filepath.Join(dir, f))
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = expand(a)
			}
			r := run(t, stackEnv(dir), args...)
			if tt.wantOut == "{help}" {
				if !strings.Contains(r.out, "Usage:\n  kubex config "+tt.args[1]) {
					t.Errorf("want the help on stdout, got %q", r.out)
				}
			} else if r.out != expand(tt.wantOut) {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.out, expand(tt.wantOut))
			}
			if r.errOut != tt.wantErr {
				t.Errorf("stderr = %q, want %q", r.errOut, tt.wantErr)
			}
			if r.userSees() != expand(tt.wantUser) {
				t.Errorf("error:\n%s\nwant:\n%s", r.userSees(), expand(tt.wantUser))
			}
			for _, f := range files {
				got := read(t, filepath.Join(dir, f))
				wants, ok := tt.changed[f]
				if !ok {
					if got != before[f] {
						t.Errorf("%s changed:\n%s", f, got)
					}
					continue
				}
				if got == before[f] {
					t.Errorf("%s unchanged", f)
				}
				for _, w := range wants {
					w = expand(w)
					if absent, ok := strings.CutPrefix(w, "!"); ok {
						if strings.Contains(got, absent) {
							t.Errorf("%s has %q:\n%s", f, absent, got)
						}
					} else if !strings.Contains(got, w) {
						t.Errorf("%s lacks %q:\n%s", f, w, got)
					}
				}
			}
		})
	}
}

func TestEntryCommandsMultiDocument(t *testing.T) {
	dir := t.TempDir()
	doc1 := "# doc 1\nclusters: [{name: c, cluster: {server: https://c}}]\n"
	doc2 := "---\n# doc 2\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {token: t}}]\n"
	doc3 := "---\n# doc 3\ncurrent-context: x\n"
	kc := filepath.Join(dir, "config")
	if err := os.WriteFile(kc, []byte(doc1+doc2+doc3), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"KUBECONFIG": kc}

	r := run(t, env, "config", "rename-context", "x", "w")
	got := read(t, kc)
	if r.err != nil || !strings.HasPrefix(got, doc1+"---\n") || !strings.Contains(got, "name: w\n") || strings.Contains(got, "# doc 2") ||
		!strings.Contains(got, "current-context: w\n") || strings.Contains(got, "# doc 3") {
		t.Errorf("rename-context: want documents 2 and 3 rewritten, document 1 kept: %v\n%s", r.err, got)
	}
	r = run(t, env, "config", "delete-cluster", "c")
	got2 := read(t, kc)
	if r.err != nil || r.out != "deleted cluster c from "+kc+"\n" || strings.Contains(got2, "# doc 1") || !strings.HasSuffix(got2, got[len(doc1):]) {
		t.Errorf("delete-cluster: want only document 1 rewritten: %v %q\n%s", r.err, r.out, got2)
	}
}
