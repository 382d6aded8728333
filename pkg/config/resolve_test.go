package config

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// baseConfig is a kubeconfig with a token user, a certificate user and an exec user, all files present.
const baseConfig = `apiVersion: v1
kind: Config
current-context: main
clusters:
- name: main
  cluster:
    server: https://main.example:6443
    certificate-authority: pki/ca.crt
    tls-server-name: main-name
    extensions:
    - name: other
      extension: {x: 1}
    - name: client.authentication.k8s.io/exec
      extension: {audience: main}
- name: data
  cluster:
    server: https://data.example
    certificate-authority-data: Y2E=
    proxy-url: socks5://proxy:1080
users:
- name: tok
  user:
    tokenFile: secrets/token
- name: cert
  user:
    client-certificate: pki/client.crt
    client-key: pki/client.key
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./bin/get-token
      interactiveMode: Never
      installHint: "install it \x1b[1mnow\x1b[0m"
- name: basic
  user:
    username: ann
    password: secret
contexts:
- name: main
  context:
    cluster: main
    user: tok
    namespace: team
- name: certs
  context:
    cluster: data
    user: cert
- name: exec
  context:
    cluster: main
    user: plugin
`

// writeBase lays out baseConfig in dir/kube/config with its files, and returns the config's path.
func writeBase(t *testing.T, dir string) string {
	t.Helper()
	for _, f := range []string{"pki/ca.crt", "pki/client.crt", "pki/client.key", "secrets/token", "other.crt", "other.key"} {
		writeFile(t, filepath.Join(dir, "kube", f), f)
	}
	return writeFile(t, filepath.Join(dir, "kube", "config"), baseConfig)
}

func TestResolveRelativePaths(t *testing.T) {
	dir := t.TempDir()
	writeBase(t, dir)
	kube := filepath.Join(dir, "kube")
	// A relative KUBECONFIG entry: paths resolve against the file's directory, not the working directory.
	t.Chdir(dir)
	s := load(t, env{"KUBECONFIG": filepath.Join("kube", "config")}, nil)

	tests := []struct {
		name    string
		context string
		check   func(t *testing.T, r *Resolved)
	}{
		{name: "certificate-authority and tokenFile", context: "main", check: func(t *testing.T, r *Resolved) {
			if r.CertificateAuthority != filepath.Join(kube, "pki/ca.crt") || r.TokenFile != filepath.Join(kube, "secrets/token") || r.Token != "" {
				t.Errorf("CA %q tokenFile %q token %q", r.CertificateAuthority, r.TokenFile, r.Token)
			}
		}},
		{name: "client certificate and key", context: "certs", check: func(t *testing.T, r *Resolved) {
			if r.ClientCertificate != filepath.Join(kube, "pki/client.crt") || r.ClientKey != filepath.Join(kube, "pki/client.key") {
				t.Errorf("cert %q key %q", r.ClientCertificate, r.ClientKey)
			}
		}},
		{name: "exec command with a path separator", context: "exec", check: func(t *testing.T, r *Resolved) {
			if r.Exec == nil || r.Exec.Command != filepath.Join(kube, "bin/get-token") {
				t.Fatalf("exec = %+v", r.Exec)
			}
			if r.Exec.InstallHint != "install it U+001B[1mnowU+001B[0m" {
				t.Errorf("install hint not cleaned: %q", r.Exec.InstallHint)
			}
			// Only the exec extension: the plugin gets the server and TLS settings from r's own fields.
			if want := map[string]any{"audience": "main"}; !reflect.DeepEqual(r.ExecClusterConfig, want) {
				t.Errorf("exec cluster config = %+v, want %+v", r.ExecClusterConfig, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.Resolve(&Overrides{Context: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, r)
		})
	}
	t.Run("the stack's documents keep the paths as written", func(t *testing.T) {
		cl, _ := findCluster(s.Merged(), "main")
		if cl.CertificateAuthority != "pki/ca.crt" {
			t.Errorf("merged CA = %q, want it as written", cl.CertificateAuthority)
		}
		if at, _ := s.Origin(KindCluster, "main"); at.File != filepath.Join("kube", "config") {
			t.Errorf("origin = %q, want the path as named", at.File)
		}
	})
}

func TestResolveOverrides(t *testing.T) {
	dir := t.TempDir()
	path := writeBase(t, dir)
	kube := filepath.Join(dir, "kube")
	t.Chdir(dir)
	other := func(n string) string { return filepath.Join(dir, "kube", n) }

	tests := []struct {
		name string
		o    Overrides
		want func(r *Resolved) // edits the expectation built from the plain "main" context
	}{
		{name: "no flags", want: func(r *Resolved) {}},
		{name: "--server replaces the server and the file's tls-server-name", o: Overrides{Server: "https://other:443"},
			want: func(r *Resolved) { r.Server, r.TLSServerName = "https://other:443", "" }},
		{name: "--server and --tls-server-name", o: Overrides{Server: "https://other:443", TLSServerName: "n"},
			want: func(r *Resolved) { r.Server, r.TLSServerName = "https://other:443", "n" }},
		{name: "--tls-server-name", o: Overrides{TLSServerName: "n"}, want: func(r *Resolved) { r.TLSServerName = "n" }},
		{name: "--insecure-skip-tls-verify clears the CA", o: Overrides{InsecureSkipTLSVerify: true},
			want: func(r *Resolved) { r.InsecureSkipTLSVerify, r.CertificateAuthority = true, "" }},
		{name: "--certificate-authority replaces the file's CA, relative to the working directory", o: Overrides{CertificateAuthority: "kube/other.crt"},
			want: func(r *Resolved) { r.CertificateAuthority = other("other.crt") }},
		{name: "--certificate-authority clears CA data", o: Overrides{Context: "certs", CertificateAuthority: "kube/other.crt"},
			want: func(r *Resolved) {
				*r = Resolved{ContextName: "certs", ClusterName: "data", UserName: "cert", Namespace: "default",
					Server: "https://data.example", ProxyURL: "socks5://proxy:1080", CertificateAuthority: other("other.crt"),
					ClientCertificate: filepath.Join(kube, "pki/client.crt"), ClientKey: filepath.Join(kube, "pki/client.key")}
			}},
		{name: "--token replaces the token file", o: Overrides{Token: "T"}, want: func(r *Resolved) { r.Token, r.TokenFile = "T", "" }},
		{name: "--token replaces an exec plugin", o: Overrides{Context: "exec", Token: "T"}, want: func(r *Resolved) {
			r.ContextName, r.UserName, r.Namespace, r.TokenFile, r.Token = "exec", "plugin", "default", "", "T"
		}},
		{name: "--token replaces basic auth", o: Overrides{User: "basic", Token: "T"}, want: func(r *Resolved) {
			r.UserName, r.TokenFile, r.Token = "basic", "", "T"
		}},
		{name: "--token keeps client certificates, which kubectl presents too", o: Overrides{Context: "certs", Token: "T"}, want: func(r *Resolved) {
			*r = Resolved{ContextName: "certs", ClusterName: "data", UserName: "cert", Namespace: "default",
				Server: "https://data.example", ProxyURL: "socks5://proxy:1080", CertificateAuthorityData: []byte("ca"), Token: "T",
				ClientCertificate: filepath.Join(kube, "pki/client.crt"), ClientKey: filepath.Join(kube, "pki/client.key")}
		}},
		{name: "--client-certificate and --client-key", o: Overrides{ClientCertificate: "kube/other.crt", ClientKey: "kube/other.key"},
			want: func(r *Resolved) { r.ClientCertificate, r.ClientKey = other("other.crt"), other("other.key") }},
		{name: "--username and --password", o: Overrides{User: "cert", Username: "u", Password: "p"}, want: func(r *Resolved) {
			r.UserName, r.TokenFile = "cert", ""
			r.ClientCertificate, r.ClientKey = filepath.Join(kube, "pki/client.crt"), filepath.Join(kube, "pki/client.key")
			r.Username, r.Password = "u", "p"
		}},
		{name: "--as, repeated --as-group, --as-uid", o: Overrides{Impersonate: "jane", ImpersonateGroups: []string{"a", "b"}, ImpersonateUID: "42"},
			want: func(r *Resolved) {
				r.Impersonate, r.ImpersonateGroups, r.ImpersonateUID = "jane", []string{"a", "b"}, "42"
			}},
		{name: "--disable-compression", o: Overrides{DisableCompression: true}, want: func(r *Resolved) { r.DisableCompression = true }},
		{name: "--request-timeout", o: Overrides{RequestTimeout: "2m"}, want: func(r *Resolved) { r.RequestTimeout = 2 * time.Minute }},
		{name: "-n", o: Overrides{Namespace: "ns"}, want: func(r *Resolved) { r.Namespace, r.NamespaceExplicit = "ns", true }},
		{name: "--context", o: Overrides{Context: "certs"}, want: func(r *Resolved) {
			*r = Resolved{ContextName: "certs", ClusterName: "data", UserName: "cert", Namespace: "default",
				Server: "https://data.example", ProxyURL: "socks5://proxy:1080", CertificateAuthorityData: []byte("ca"),
				ClientCertificate: filepath.Join(kube, "pki/client.crt"), ClientKey: filepath.Join(kube, "pki/client.key")}
		}},
		{name: "--cluster", o: Overrides{Cluster: "data"}, want: func(r *Resolved) {
			r.ClusterName, r.Server, r.TLSServerName, r.ProxyURL = "data", "https://data.example", "", "socks5://proxy:1080"
			r.CertificateAuthority, r.CertificateAuthorityData = "", []byte("ca")
		}},
		{name: "--user", o: Overrides{User: "basic"}, want: func(r *Resolved) {
			r.UserName, r.TokenFile, r.Username, r.Password = "basic", "", "ann", "secret"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := load(t, env{"KUBECONFIG": path}, &tt.o)
			got, err := s.Resolve(&tt.o)
			if err != nil {
				t.Fatal(err)
			}
			want := &Resolved{ContextName: "main", ClusterName: "main", UserName: "tok", Namespace: "team",
				Server: "https://main.example:6443", TLSServerName: "main-name",
				CertificateAuthority: filepath.Join(kube, "pki/ca.crt"), TokenFile: filepath.Join(kube, "secrets/token")}
			tt.want(want)
			if got.Exec != nil {
				t.Errorf("exec plugin kept: %+v", got.Exec)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	dir := t.TempDir()
	path := writeBase(t, dir)
	invalid := writeFile(t, filepath.Join(dir, "inv.yaml"), `apiVersion: v1
kind: Config
current-context: c
contexts:
- name: c
  context: {cluster: cl, user: u}
clusters:
- name: cl
  cluster: {server: "https://127.0.0.1:1", certificate-authority: nofile.crt, certificate-authority-data: YQ==}
users:
- name: u
  user: {token: t, username: x, client-certificate: nocert}
`)
	groups := writeFile(t, filepath.Join(dir, "groups.yaml"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: cl\n  cluster: {server: \"https://x\"}\nusers:\n- name: u\n  user: {as-groups: [a]}\n")
	dangling := writeFile(t, filepath.Join(dir, "dangling.yaml"), "current-context: nope\n")

	tests := []struct {
		name     string
		file     string
		o        Overrides
		wantErr  string
		wantUser string // kubectl's stderr, when it differs from "error: " + wantErr
	}{
		{name: "--context that does not exist", file: path, o: Overrides{Context: "x"}, wantErr: `context "x" does not exist; the kubeconfig has: certs, exec, main`},
		{name: "--cluster that does not exist", file: path, o: Overrides{Cluster: "x"}, wantErr: `cluster "x" does not exist; the kubeconfig has: data, main`},
		{name: "--user that does not exist, checked first", file: path, o: Overrides{User: "u", Context: "x"}, wantErr: `auth info "u" does not exist; the kubeconfig has: basic, cert, plugin, tok`},
		{name: "current-context names a missing context", file: dangling,
			wantErr: "invalid configuration: context was not found for specified context: nope", wantUser: "Error in configuration: context was not found for specified context: nope"},
		{name: "one problem reads like any error", file: groups,
			wantErr: "invalid configuration: requesting uid, groups or user-extra for u without impersonating a user", wantUser: "error: requesting uid, groups or user-extra for u without impersonating a user"},
		{name: "several problems, listed as kubectl does", file: invalid,
			wantErr: "invalid configuration: [client-key-data or client-key must be specified for u to use the clientCert authentication method., unable to read client-cert " + filepath.Join(dir, "nocert") + " for u due to open " + filepath.Join(dir, "nocert") + ": no such file or directory, more than one authentication method found for u; found [token basicAuth], only one is allowed, certificate-authority-data and certificate-authority are both specified for cl. certificate-authority-data will override., unable to read certificate-authority " + filepath.Join(dir, "nofile.crt") + " for cl due to open " + filepath.Join(dir, "nofile.crt") + ": no such file or directory]",
			wantUser: "Error in configuration: \n" +
				"* client-key-data or client-key must be specified for u to use the clientCert authentication method.\n" +
				"* unable to read client-cert " + filepath.Join(dir, "nocert") + " for u due to open " + filepath.Join(dir, "nocert") + ": no such file or directory\n" +
				"* more than one authentication method found for u; found [token basicAuth], only one is allowed\n" +
				"* certificate-authority-data and certificate-authority are both specified for cl. certificate-authority-data will override.\n" +
				"* unable to read certificate-authority " + filepath.Join(dir, "nofile.crt") + " for cl due to open " + filepath.Join(dir, "nofile.crt") + ": no such file or directory"},
		{name: "bad --request-timeout names the flag", file: path, o: Overrides{RequestTimeout: "abc"},
			wantErr: `invalid value "abc" for --request-timeout: the timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)`},
		{name: "unreadable token file names the user and the kubeconfig", file: writeFile(t, filepath.Join(dir, "tf.yaml"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: cl\n  cluster: {server: \"https://x\"}\nusers:\n- name: u\n  user: {tokenFile: /nonexistent/token}\n"),
			wantErr: `tokenFile of user "u" in "` + filepath.Join(dir, "tf.yaml") + `": open /nonexistent/token: no such file or directory`},
		{name: "unparsable proxy-url without its password", file: writeFile(t, filepath.Join(dir, "proxy.yaml"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: cl\n  cluster: {server: \"https://x\", proxy-url: \"socks5://u:pw@[::1\"}\nusers:\n- name: u\n  user: {token: t}\n"),
			wantErr:  `invalid configuration: invalid 'proxy-url' "socks5://xxxxx@[::1" for cluster "cl": could not parse: socks5://xxxxx@[::1`,
			wantUser: `error: invalid 'proxy-url' "socks5://xxxxx@[::1" for cluster "cl": could not parse: socks5://xxxxx@[::1`},
		{name: "proxy-url of the wrong scheme without its password", file: writeFile(t, filepath.Join(dir, "proxy2.yaml"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: cl\n  cluster: {server: \"https://x\", proxy-url: \"ftp://u:pw@proxy:1\"}\nusers:\n- name: u\n  user: {token: t}\n"),
			wantErr:  `invalid configuration: invalid 'proxy-url' "ftp://u:xxxxx@proxy:1" for cluster "cl": unsupported scheme "ftp", must be http, https, or socks5`,
			wantUser: `error: invalid 'proxy-url' "ftp://u:xxxxx@proxy:1" for cluster "cl": unsupported scheme "ftp", must be http, https, or socks5`},
		{name: "auth-provider alone", file: writeFile(t, filepath.Join(dir, "ap.yaml"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: cl, user: u}\nclusters:\n- name: cl\n  cluster: {server: \"https://x\"}\nusers:\n- name: u\n  user: {auth-provider: {name: oidc}}\n"),
			wantErr: `user "u" uses the "oidc" auth-provider, which kubex does not support: use an exec credential plugin instead`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := load(t, env{"KUBECONFIG": tt.file}, &tt.o)
			_, err := s.Resolve(&tt.o)
			if errString(err) != tt.wantErr {
				t.Errorf("error:\n got %v\nwant %s", err, tt.wantErr)
			}
			wantUser := tt.wantUser
			if wantUser == "" {
				wantUser = "error: " + tt.wantErr
			}
			if got := userMessage(err); got != wantUser {
				t.Errorf("user message:\n got %s\nwant %s", got, wantUser)
			}
		})
	}
}

// TestNamespaceErrorsComeFirst: kubectl's namespaced commands ask for the namespace before the server, so
// a missing --context reads differently there, and -n skips the check.
func TestNamespaceErrorsComeFirst(t *testing.T) {
	path := writeBase(t, t.TempDir())
	s := load(t, env{"KUBECONFIG": path}, nil)
	_, _, err := s.Namespace(&Overrides{Context: "x"})
	if got := userMessage(err); got != "Error in configuration: context was not found for specified context: x" {
		t.Errorf("Namespace(--context x) = %q", got)
	}
	_, _, err = s.Namespace(&Overrides{Cluster: "nocl"})
	if got := userMessage(err); got != `error: no server found for cluster "nocl"` {
		t.Errorf("Namespace(--cluster nocl) = %q", got)
	}
	if ns, explicit, err := s.Namespace(&Overrides{Context: "x", Namespace: "n"}); ns != "n" || !explicit || err != nil {
		t.Errorf("Namespace(-n n --context x) = %q, %v, %v", ns, explicit, err)
	}
}

func TestNamespacePrecedence(t *testing.T) {
	dir := t.TempDir()
	kc := writeFile(t, filepath.Join(dir, "config"), `current-context: with-ns
contexts:
- name: with-ns
  context: {cluster: c, user: u, namespace: ctx-ns}
- name: no-ns
  context: {cluster: c, user: u}
- name: says-default
  context: {cluster: c, user: u, namespace: default}
clusters:
- name: c
  cluster: {server: "https://c"}
users:
- name: u
  user: {}
`)
	sa := filepath.Join(dir, "sa")
	writeFile(t, filepath.Join(sa, "token"), "tok")
	writeFile(t, filepath.Join(sa, "namespace"), "pod-ns\n")
	inCluster := env{"KUBECONFIG": kc, "KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"}

	tests := []struct {
		name    string
		env     env
		o       Overrides
		want    string
		wantExp bool
	}{
		{name: "-n wins", env: inCluster, o: Overrides{Namespace: "flag-ns"}, want: "flag-ns", wantExp: true},
		{name: "then the context's", env: inCluster, want: "ctx-ns"},
		{name: "then POD_NAMESPACE in a pod", env: mergeEnv(inCluster, env{"POD_NAMESPACE": "env-ns"}), o: Overrides{Context: "no-ns"}, want: "env-ns"},
		{name: "then the service account's namespace file", env: inCluster, o: Overrides{Context: "no-ns"}, want: "pod-ns"},
		{name: "a context that says default keeps it in a pod", env: inCluster, o: Overrides{Context: "says-default"}, want: "default"},
		{name: "default outside a pod", env: env{"KUBECONFIG": kc}, o: Overrides{Context: "no-ns"}, want: "default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLoader(t, tt.env)
			l.InClusterDir = sa
			s, err := l.Load(&tt.o)
			if err != nil {
				t.Fatal(err)
			}
			ns, explicit, err := s.Namespace(&tt.o)
			if err != nil || ns != tt.want || explicit != tt.wantExp {
				t.Errorf("Namespace() = %q, %v, %v; want %q, %v", ns, explicit, err, tt.want, tt.wantExp)
			}
			r, err := s.Resolve(&tt.o)
			if err != nil || r.Namespace != tt.want || r.NamespaceExplicit != tt.wantExp {
				t.Errorf("Resolve() namespace = %+v, %v; want %q", r, err, tt.want)
			}
		})
	}
}

func mergeEnv(a, b env) env {
	out := env{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func TestResolveInCluster(t *testing.T) {
	dir := t.TempDir()
	sa := filepath.Join(dir, "sa")
	writeFile(t, filepath.Join(sa, "token"), "tok")
	writeFile(t, filepath.Join(sa, "ca.crt"), "ca")
	writeFile(t, filepath.Join(sa, "namespace"), "pod-ns")
	pod := env{"KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"}
	writeFile(t, filepath.Join(dir, "my.crt"), "mine")
	withServer := writeFile(t, filepath.Join(dir, "kc"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: \"https://real\"}\nusers:\n- name: u\n  user: {token: kt}\n")
	t.Chdir(dir)

	base := Resolved{InCluster: true, Server: "https://10.96.0.1:443", TokenFile: filepath.Join(sa, "token"),
		CertificateAuthority: filepath.Join(sa, "ca.crt"), Namespace: "pod-ns"}
	tests := []struct {
		name  string
		env   env
		saDir string
		o     Overrides
		want  func(r *Resolved)
	}{
		{name: "service account: token file, CA, namespace", env: pod, want: func(r *Resolved) {}},
		{name: "IPv6 host is bracketed", env: mergeEnv(pod, env{"KUBERNETES_SERVICE_HOST": "fd00::1"}),
			want: func(r *Resolved) { r.Server = "https://[fd00::1]:443" }},
		{name: "--token replaces the token file", env: pod, o: Overrides{Token: "T"}, want: func(r *Resolved) { r.Token, r.TokenFile = "T", "" }},
		{name: "--certificate-authority", env: pod, o: Overrides{CertificateAuthority: "my.crt"},
			want: func(r *Resolved) { r.CertificateAuthority = filepath.Join(dir, "my.crt") }},
		{name: "--as and -n", env: pod, o: Overrides{Impersonate: "jane", Namespace: "x"},
			want: func(r *Resolved) { r.Impersonate, r.Namespace, r.NamespaceExplicit = "jane", "x", true }},
		{name: "--server means no in-cluster config", env: pod, o: Overrides{Server: "https://elsewhere"}, want: func(r *Resolved) {
			*r = Resolved{Server: "https://elsewhere", Namespace: "pod-ns"}
		}},
		{name: "a kubeconfig with a server wins, the pod's namespace still applies", env: mergeEnv(pod, env{"KUBECONFIG": withServer}), want: func(r *Resolved) {
			*r = Resolved{ContextName: "c", ClusterName: "c", UserName: "u", Server: "https://real", Token: "kt", Namespace: "pod-ns"}
		}},
		{name: "without a token file there is no in-cluster config", env: pod, saDir: filepath.Join(dir, "none"), want: func(r *Resolved) {
			*r = Resolved{Server: "http://localhost:8080", Namespace: "default"}
		}},
		{name: "without the environment there is no in-cluster config", env: env{}, want: func(r *Resolved) {
			*r = Resolved{Server: "http://localhost:8080", Namespace: "default"}
		}},
		{name: "KUBERNETES_MASTER replaces localhost:8080", env: env{"KUBERNETES_MASTER": "https://master:6443"}, want: func(r *Resolved) {
			*r = Resolved{Server: "https://master:6443", Namespace: "default"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLoader(t, tt.env)
			l.InClusterDir = sa
			if tt.saDir != "" {
				l.InClusterDir = tt.saDir
			}
			s, err := l.Load(&tt.o)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Resolve(&tt.o)
			if err != nil {
				t.Fatal(err)
			}
			want := base
			tt.want(&want)
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("got  %+v\nwant %+v", got, &want)
			}
		})
	}
}

func TestResolveServerScheme(t *testing.T) {
	dir := t.TempDir()
	kc := func(server string) string {
		return writeFile(t, filepath.Join(dir, "kc"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: \""+server+"\", insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t, as: jane}\n")
	}
	tests := []struct {
		name, server, want string
		creds              bool
	}{
		{name: "https keeps credentials and TLS settings", server: "https://h:6443", want: "https://h:6443", creds: true},
		{name: "plain http never gets credentials", server: "http://h:8080", want: "http://h:8080"},
		{name: "no scheme is plain http, as in kubectl", server: "h:6443", want: "http://h:6443"},
		{name: "a path prefix drops query and fragment", server: "https://h/k8s/c1?x=1#f", want: "https://h/k8s/c1", creds: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := load(t, env{"KUBECONFIG": kc(tt.server)}, nil).Resolve(nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.Server != tt.want || (r.Token != "") != tt.creds || r.InsecureSkipTLSVerify != tt.creds || r.Impersonate != "jane" {
				t.Errorf("got server %q token %q insecure %v as %q", r.Server, r.Token, r.InsecureSkipTLSVerify, r.Impersonate)
			}
		})
	}
}

// TestResolveBadServer: a server that is no URL fails with kubectl's error, saying where it was set, instead
// of becoming "http://https://..." and a request to a host named "https".
func TestResolveBadServer(t *testing.T) {
	dir := t.TempDir()
	kc := func(name, server string) string {
		return writeFile(t, filepath.Join(dir, name), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nclusters:\n- name: c\n  cluster: {server: \""+server+"\"}\nusers:\n- name: u\n  user: {token: t}\n")
	}
	good := kc("good", "https://h:6443")
	// The cluster is in the 2nd document.
	multi := writeFile(t, filepath.Join(dir, "multi"), "current-context: c\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\n---\nclusters:\n- name: c\n  cluster: {server: \"https://[::1\"}\n")
	tests := []struct {
		name    string
		env     env
		o       Overrides
		wantErr string
	}{
		{name: "unparsable", env: env{"KUBECONFIG": kc("bracket", "https://[::1")},
			wantErr: `server of cluster "c" in "` + filepath.Join(dir, "bracket") + `": host must be a URL or a host:port pair: "https://[::1"`},
		{name: "a scheme and no host", env: env{"KUBECONFIG": kc("nohost", "https://")},
			wantErr: `server of cluster "c" in "` + filepath.Join(dir, "nohost") + `": host must be a URL or a host:port pair: "https://"`},
		{name: "a scheme, no host, a path", env: env{"KUBECONFIG": kc("nohost-path", "https:///api")},
			wantErr: `server of cluster "c" in "` + filepath.Join(dir, "nohost-path") + `": host must be a URL or a host:port pair: "https:///api"`},
		{name: "no scheme and a path", env: env{"KUBECONFIG": kc("path", "h:1/path")},
			wantErr: `server of cluster "c" in "` + filepath.Join(dir, "path") + `": host must be a URL or a host:port pair: "h:1/path"`},
		{name: "in a later document", env: env{"KUBECONFIG": multi},
			wantErr: `server of cluster "c" in "` + multi + `" (document 2): host must be a URL or a host:port pair: "https://[::1"`},
		{name: "unparsable, with a password", env: env{"KUBECONFIG": kc("password", "https://bob:s3cret@[::1")},
			wantErr: `server of cluster "c" in "` + filepath.Join(dir, "password") + `": host must be a URL or a host:port pair: "https://xxxxx@[::1"`},
		{name: "--server with a password", env: env{"KUBECONFIG": good}, o: Overrides{Server: "https://bob:s3/cret@h:x"},
			wantErr: `--server: host must be a URL or a host:port pair: "https://xxxxx@h:x"`},
		{name: "--server", env: env{"KUBECONFIG": good}, o: Overrides{Server: "https://[::1"},
			wantErr: `--server: host must be a URL or a host:port pair: "https://[::1"`},
		{name: "$KUBERNETES_MASTER", env: env{"KUBERNETES_MASTER": "https://"},
			wantErr: `$KUBERNETES_MASTER: host must be a URL or a host:port pair: "https://"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := load(t, tt.env, &tt.o).Resolve(&tt.o)
			if errString(err) != tt.wantErr {
				t.Errorf("error:\n got %v\nwant %s", err, tt.wantErr)
			}
		})
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://proxy:3128":            "http://proxy:3128",
		"socks5://u:pw@proxy:1080":     "socks5://u:xxxxx@proxy:1080",
		"socks5://u@proxy:1080":        "socks5://u@proxy:1080",
		"socks5://u:pw@[::1":           "socks5://xxxxx@[::1",
		"socks5://u:p@ss@proxy:bad":    "socks5://xxxxx@proxy:bad",
		"u:pw@proxy:1080":              "xxxxx@proxy:1080",
		"http://u:pw@proxy:1080/p":     "http://u:xxxxx@proxy:1080/p",
		"http://u:p@ss@proxy:x/path@x": "http://xxxxx@x",       // '@' in the password and the path: all hidden
		"https://bob:s3/cret@host:x":   "https://xxxxx@host:x", // a '/' in the password
		"https://bob:s3cret@[::1":      "https://xxxxx@[::1",
		"https://h:6443/p?x=1":         "https://h:6443/p?x=1", // no password: as written
		"https://u@h:6443":             "https://u@h:6443",
		"%zz":                          "%zz",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseTimeout(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "0"}, {in: ""}, {in: "1s", want: time.Second}, {in: "2m", want: 2 * time.Minute}, {in: "3h", want: 3 * time.Hour},
		{in: "10", want: 10 * time.Second}, {in: "1m30s", want: 90 * time.Second},
		{in: "abc", wantErr: true}, {in: "-1", wantErr: true}, {in: "-1s", wantErr: true}, {in: "1.5", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTimeout(tt.in)
			if got != tt.want || (err != nil) != tt.wantErr {
				t.Errorf("ParseTimeout(%q) = %v, %v", tt.in, got, err)
			}
		})
	}
}

func TestNothingConfigured(t *testing.T) {
	s := load(t, env{"HOME": t.TempDir()}, nil)
	r, err := s.Resolve(&Overrides{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (&Resolved{Server: "http://localhost:8080", Namespace: "default"}); !reflect.DeepEqual(r, want) {
		t.Errorf("got %+v, want %+v", r, want)
	}
}
