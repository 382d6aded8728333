package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/config"
)

// pluginConfig runs this test binary as the plugin with the given PLUGIN_* settings and a fresh state dir.
func pluginConfig(t *testing.T, apiVersion, mode string, env map[string]string) (*config.ExecConfig, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ec := &config.ExecConfig{
		Command:         self,
		Args:            []string{"-test.run=^$"},
		APIVersion:      apiVersion,
		InteractiveMode: mode,
		Env: []config.ExecEnvVar{{Name: pluginEnv, Value: "1"}, {Name: "PLUGIN_DIR", Value: dir},
			// A -race build of the test binary otherwise sleeps a second on exit.
			{Name: "GORACE", Value: "atexit_sleep_ms=0"}},
	}
	for k, v := range env {
		ec.Env = append(ec.Env, config.ExecEnvVar{Name: k, Value: v})
	}
	return ec, dir
}

func pluginRuns(t *testing.T, dir string) int {
	t.Helper()
	b, _ := os.ReadFile(filepath.Join(dir, "count"))
	return strings.Count(string(b), "\n")
}

func pluginInfo(t *testing.T, dir string, n int) pluginCredential {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "info-"+strconv.Itoa(n)+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var c pluginCredential
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("KUBERNETES_EXEC_INFO %s: %v", b, err)
	}
	return c
}

// authServer accepts the tokens in ok and records every Authorization it sees.
type authServer struct {
	mu     sync.Mutex
	ok     map[string]bool
	seen   []string
	bodies []string
}

func (a *authServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	a.mu.Lock()
	defer a.mu.Unlock()
	auth := r.Header.Get("Authorization")
	a.seen = append(a.seen, auth)
	a.bodies = append(a.bodies, string(b))
	if !a.ok[strings.TrimPrefix(auth, "Bearer ")] {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Write([]byte("ok"))
}

// requests returns the Authorization headers and bodies seen so far.
func (a *authServer) requests() (seen, bodies []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...), append([]string(nil), a.bodies...)
}

func TestCredentialPluginTokenCachedUntilExpiry(t *testing.T) {
	for _, tc := range []struct {
		name      string
		expiresIn string
		wantRuns  int
	}{
		{"no expiry: run once", "", 1},
		{"valid for an hour: run once", "1h", 1},
		{"already expired: run every time", "-1m", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as := &authServer{ok: map[string]bool{"tok-1": true, "tok-2": true, "tok-3": true}}
			srv := tlsServer(t, as)
			env := map[string]string{"PLUGIN_TOKEN": "tok"}
			if tc.expiresIn != "" {
				env["PLUGIN_EXPIRES_IN"] = tc.expiresIn
			}
			r := resolvedFor(srv)
			var dir string
			r.Exec, dir = pluginConfig(t, "client.authentication.k8s.io/v1", "Never", env)
			c := newClient(t, r, Options{})
			for range 3 {
				if code, _ := get(t, c, "/api"); code != 200 {
					t.Fatalf("status %d", code)
				}
			}
			if got := pluginRuns(t, dir); got != tc.wantRuns {
				t.Errorf("plugin ran %d times, want %d", got, tc.wantRuns)
			}
		})
	}
}

func TestCredentialPluginExpiryClock(t *testing.T) {
	// The cache honours expirationTimestamp against the authenticator's clock.
	ec, dir := pluginConfig(t, "client.authentication.k8s.io/v1beta1", "", map[string]string{
		"PLUGIN_TOKEN": "tok", "PLUGIN_EXPIRES_IN": "10m"})
	a, err := newCredentialPlugin(&config.Resolved{Exec: ec}, Options{}, &secretSet{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a.now = func() time.Time { return now }
	first, err := a.get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(9 * time.Minute)
	if c, _ := a.get(t.Context()); c != first {
		t.Error("credentials refreshed before they expired")
	}
	now = now.Add(2 * time.Minute)
	c, err := a.get(t.Context())
	if err != nil || c == first || c.token != "tok-2" {
		t.Errorf("after expiry got %+v, %v; want a fresh tok-2", c, err)
	}
	if n := pluginRuns(t, dir); n != 2 {
		t.Errorf("plugin ran %d times, want 2", n)
	}
}

func TestCredentialPluginInfo(t *testing.T) {
	srv := tlsServer(t, &authServer{ok: map[string]bool{"tok-1": true}})
	r := resolvedFor(srv)
	r.TLSServerName = "example.com"
	r.ProxyURL = ""
	var dir string
	r.Exec, dir = pluginConfig(t, "client.authentication.k8s.io/v1", "Never", map[string]string{"PLUGIN_TOKEN": "tok"})
	r.Exec.ProvideClusterInfo = true
	r.ExecClusterConfig = map[string]any{"audience": "kubex-test"}
	c := newClient(t, r, Options{})
	if code, _ := get(t, c, "/api"); code != 200 {
		t.Fatalf("status %d", code)
	}
	info := pluginInfo(t, dir, 1)
	if info.APIVersion != "client.authentication.k8s.io/v1" || info.Kind != "ExecCredential" {
		t.Errorf("info type = %s %s", info.APIVersion, info.Kind)
	}
	if info.Spec.Interactive {
		t.Error("interactive with mode Never")
	}
	cl := info.Spec.Cluster
	if cl == nil {
		t.Fatal("no spec.cluster with provideClusterInfo")
	}
	if cl.Server != srv.URL || cl.TLSServerName != "example.com" || !bytes.Equal(cl.CertificateAuthorityData, r.CertificateAuthorityData) {
		t.Errorf("spec.cluster = %+v", cl)
	}
	if string(cl.Config) != `{"audience":"kubex-test"}` {
		t.Errorf("spec.cluster.config = %s", cl.Config)
	}

	// Without provideClusterInfo there is no cluster.
	r.Exec, dir = pluginConfig(t, "client.authentication.k8s.io/v1", "Never", map[string]string{"PLUGIN_TOKEN": "tok"})
	c = newClient(t, r, Options{})
	get(t, c, "/api")
	if info := pluginInfo(t, dir, 1); info.Spec.Cluster != nil {
		t.Errorf("spec.cluster without provideClusterInfo: %+v", info.Spec.Cluster)
	}
}

func TestCredentialPluginRerunOn401(t *testing.T) {
	tests := []struct {
		name       string
		body       func() io.Reader
		wantStatus int
		wantSeen   []string
	}{
		{name: "GET is resent", wantStatus: 200, wantSeen: []string{"Bearer tok-1", "Bearer tok-2"}},
		{name: "replayable POST is resent with its body",
			body:       func() io.Reader { return strings.NewReader(`{"kind":"Pod"}`) },
			wantStatus: 200, wantSeen: []string{"Bearer tok-1", "Bearer tok-2"}},
		{name: "unreplayable body is not resent",
			body:       func() io.Reader { return io.MultiReader(strings.NewReader(`{}`)) },
			wantStatus: 401, wantSeen: []string{"Bearer tok-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as := &authServer{ok: map[string]bool{"tok-2": true}} // the first token has been revoked
			srv := tlsServer(t, as)
			r := resolvedFor(srv)
			var dir string
			r.Exec, dir = pluginConfig(t, "client.authentication.k8s.io/v1", "Never", map[string]string{"PLUGIN_TOKEN": "tok"})
			c := newClient(t, r, Options{})
			method, body := http.MethodGet, io.Reader(nil)
			if tc.body != nil {
				method, body = http.MethodPost, tc.body()
			}
			req, _ := c.NewRequest(t.Context(), method, "/api/v1/namespaces/default/pods", body)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.wantStatus)
			}
			seen, bodies := as.requests()
			if strings.Join(seen, ",") != strings.Join(tc.wantSeen, ",") {
				t.Errorf("server saw %q, want %q", seen, tc.wantSeen)
			}
			if tc.body != nil && tc.wantStatus == 200 && bodies[1] != `{"kind":"Pod"}` {
				t.Errorf("resent body = %q", bodies[1])
			}
			if n := pluginRuns(t, dir); n != 2 {
				t.Errorf("plugin ran %d times, want 2 (once more after the 401)", n)
			}
		})
	}
}

func TestCredentialPluginErrors(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(ec *config.ExecConfig)
		newErr  string   // error from New
		doErr   []string // all in the request's error
		stderr  string   // in Options.Stderr
		noToken bool
	}{
		{name: "missing binary with install hint",
			mutate: func(ec *config.ExecConfig) {
				ec.Command = "kubex-test-no-such-plugin"
				// config.Resolve has already written control characters as U+XXXX; the client shows the
				// hint as it came.
				ec.InstallHint = "Install it with:\n  brew install no-such-pluginU+001B[31m"
			},
			doErr: []string{
				"getting credentials: exec: executable kubex-test-no-such-plugin not found",
				"It looks like you are trying to use a client-go credential plugin that is not installed.",
				"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins",
				"\n\nInstall it with:\n  brew install no-such-pluginU+001B[31m",
			}},
		{name: "missing binary by path",
			mutate: func(ec *config.ExecConfig) { ec.Command = "/nonexistent/kubex-plugin" },
			doErr:  []string{"exec: executable /nonexistent/kubex-plugin not found"}},
		{name: "exit code and stderr",
			mutate: func(ec *config.ExecConfig) {
				ec.Env = append(ec.Env, config.ExecEnvVar{Name: "PLUGIN_EXIT", Value: "3"},
					config.ExecEnvVar{Name: "PLUGIN_STDERR", Value: "login expired, run sso login"})
			},
			doErr:  []string{"exec: executable ", " failed with exit code 3"},
			stderr: "login expired, run sso login"},
		{name: "wrong apiVersion returned",
			mutate: func(ec *config.ExecConfig) {
				ec.Env = append(ec.Env, config.ExecEnvVar{Name: "PLUGIN_API_VERSION", Value: "client.authentication.k8s.io/v1beta1"})
			},
			doErr: []string{"exec plugin is configured to use API version client.authentication.k8s.io/v1, plugin returned version client.authentication.k8s.io/v1beta1"}},
		{name: "no credentials returned", noToken: true,
			doErr: []string{"exec plugin didn't return a token or cert/key pair"}},
		{name: "bad apiVersion configured",
			mutate: func(ec *config.ExecConfig) { ec.APIVersion = "client.authentication.k8s.io/v1alpha1" },
			newErr: `exec plugin: invalid apiVersion "client.authentication.k8s.io/v1alpha1"`},
		{name: "v1 needs interactiveMode",
			mutate: func(ec *config.ExecConfig) { ec.InteractiveMode = "" },
			newErr: "interactiveMode must be specified for alice to use exec authentication plugin"},
		{name: "unknown interactiveMode",
			mutate: func(ec *config.ExecConfig) { ec.InteractiveMode = "Sometimes" },
			newErr: `invalid interactiveMode for alice: "Sometimes"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := tlsServer(t, &authServer{})
			r := resolvedFor(srv)
			r.UserName = "alice"
			env := map[string]string{"PLUGIN_TOKEN": "tok"}
			if tc.noToken {
				env = nil
			}
			r.Exec, _ = pluginConfig(t, "client.authentication.k8s.io/v1", "Never", env)
			if tc.mutate != nil {
				tc.mutate(r.Exec)
			}
			var stderr bytes.Buffer
			c, err := New(r, Options{Stderr: &stderr})
			if tc.newErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.newErr) {
					t.Fatalf("New err = %v, want %q", err, tc.newErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			req, _ := c.NewRequest(t.Context(), http.MethodGet, "/api", nil)
			_, err = c.Do(req)
			if err == nil {
				t.Fatal("request succeeded")
			}
			for _, want := range tc.doErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q\ndoes not contain %q", err, want)
				}
			}
			var ce *ConnectionError
			if !errors.As(err, &ce) || ce.Cause != CauseCredentials {
				t.Errorf("error %T %+v is not a ConnectionError with cause credentials", err, ce)
			} else if !strings.HasPrefix(ce.UserMessage(), "Unable to connect to the server "+ce.Server+": getting credentials: ") {
				t.Errorf("UserMessage = %q", ce.UserMessage())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("plugin stderr = %q, want %q", stderr.String(), tc.stderr)
			}
		})
	}
}

func TestCredentialPluginInteractiveMode(t *testing.T) {
	tests := []struct {
		name            string
		mode            string
		terminal        bool
		unavailable     bool
		wantInteractive bool
		wantErr         string
	}{
		{name: "Never on a terminal", mode: "Never", terminal: true},
		{name: "IfAvailable on a terminal", mode: "IfAvailable", terminal: true, wantInteractive: true},
		{name: "IfAvailable without a terminal", mode: "IfAvailable"},
		{name: "IfAvailable with stdin in use", mode: "IfAvailable", terminal: true, unavailable: true},
		{name: "Always on a terminal", mode: "Always", terminal: true, wantInteractive: true},
		{name: "Always without a terminal", mode: "Always",
			wantErr: "exec plugin cannot support interactive mode: standard input is not a terminal"},
		{name: "Always with stdin in use", mode: "Always", terminal: true, unavailable: true,
			wantErr: "exec plugin cannot support interactive mode: standard input is unavailable: stdin is the manifest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			as := &authServer{ok: map[string]bool{"typed-token": true, "tok-1": true}}
			srv := tlsServer(t, as)
			r := resolvedFor(srv)
			var dir string
			r.Exec, dir = pluginConfig(t, "client.authentication.k8s.io/v1", tc.mode,
				map[string]string{"PLUGIN_TOKEN": "tok", "PLUGIN_STDIN": "1"})
			c := newClient(t, r, Options{
				Stdin:                   strings.NewReader("typed-token\n"),
				StdinIsTerminal:         tc.terminal,
				StdinUnavailable:        tc.unavailable,
				StdinUnavailableMessage: "stdin is the manifest",
			})
			req, _ := c.NewRequest(t.Context(), http.MethodGet, "/api", nil)
			resp, err := c.Do(req)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := pluginInfo(t, dir, 1).Spec.Interactive; got != tc.wantInteractive {
				t.Errorf("spec.interactive = %v, want %v", got, tc.wantInteractive)
			}
			want := "Bearer tok-1"
			if tc.wantInteractive {
				want = "Bearer typed-token" // the plugin read the terminal
			}
			if seen, _ := as.requests(); seen[0] != want {
				t.Errorf("Authorization = %q, want %q", seen[0], want)
			}
		})
	}
}

func TestCredentialPluginClientCertificateRotates(t *testing.T) {
	var mu sync.Mutex
	var cns []string
	srv := tlsServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		cn := "<none>"
		if len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		cns = append(cns, cn)
	}))
	r := resolvedFor(srv)
	var dir string
	// Expired on arrival, so every request runs the plugin and gets a new certificate.
	r.Exec, dir = pluginConfig(t, "client.authentication.k8s.io/v1", "Never",
		map[string]string{"PLUGIN_CERT": "1", "PLUGIN_EXPIRES_IN": "-1m"})
	c := newClient(t, r, Options{})
	for range 3 {
		if code, _ := get(t, c, "/api"); code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if got := strings.Join(cns, ","); got != "exec-1,exec-2,exec-3" {
		t.Errorf("server saw client certificates %s; want each new one used at once (exec-1,exec-2,exec-3)", got)
	}
	if n := pluginRuns(t, dir); n != 3 {
		t.Errorf("plugin ran %d times, want 3", n)
	}
}

func TestCredentialPluginSkippedForOtherCredentials(t *testing.T) {
	// client-go ignores the credential plugin when the user also has a token, basic auth or a client certificate.
	as := &authServer{ok: map[string]bool{"static": true}}
	srv := tlsServer(t, as)
	r := resolvedFor(srv)
	var dir string
	r.Exec, dir = pluginConfig(t, "client.authentication.k8s.io/v1", "Never", map[string]string{"PLUGIN_TOKEN": "tok"})
	r.Token = "static"
	c := newClient(t, r, Options{})
	if code, _ := get(t, c, "/api"); code != 200 {
		t.Fatalf("status %d", code)
	}
	if n := pluginRuns(t, dir); n != 0 {
		t.Errorf("plugin ran %d times although a token was configured", n)
	}
}

func TestCredentialPluginStdinThatNeverEnds(t *testing.T) {
	// An interactive plugin that does not read stdin must not hang the client on a reader without EOF.
	ec, _ := pluginConfig(t, "client.authentication.k8s.io/v1", "IfAvailable", map[string]string{"PLUGIN_TOKEN": "tok"})
	pr, pw := io.Pipe()
	defer pw.Close()
	a, err := newCredentialPlugin(&config.Resolved{Exec: ec}, Options{Stdin: pr, StdinIsTerminal: true}, &secretSet{})
	if err != nil {
		t.Fatal(err)
	}
	a.waitDelay = 50 * time.Millisecond
	done := make(chan error, 1)
	go func() {
		_, err := a.get(t.Context())
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("plugin run hung on stdin")
	}
}

// TestCredentialPluginEnviron: the plugin's environment is Options.Environ plus the kubeconfig's env, which wins.
func TestCredentialPluginEnviron(t *testing.T) {
	t.Setenv("PLUGIN_TOKEN", "from-process") // not in Options.Environ: must not reach the plugin
	for _, tc := range []struct {
		name      string
		environ   []string
		pluginEnv map[string]string
		want      string
	}{
		{name: "Environ is the base", environ: []string{"PLUGIN_TOKEN=from-environ"}, want: "Bearer from-environ-1"},
		{name: "kubeconfig env wins", environ: []string{"PLUGIN_TOKEN=from-environ"},
			pluginEnv: map[string]string{"PLUGIN_TOKEN": "from-kubeconfig"}, want: "Bearer from-kubeconfig-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as := &authServer{}
			r := resolvedFor(tlsServer(t, as))
			r.Exec, _ = pluginConfig(t, "client.authentication.k8s.io/v1", "Never", tc.pluginEnv)
			environ := slices.Clip(tc.environ)
			c := newClient(t, r, Options{Environ: environ})
			get(t, c, "/api")
			if seen, _ := as.requests(); len(seen) == 0 || seen[0] != tc.want {
				t.Errorf("server saw Authorization %q, want %q", seen, tc.want)
			}
			if !slices.Equal(environ, tc.environ) {
				t.Errorf("Options.Environ was modified: %q", environ)
			}
		})
	}
}

// A plugin that hangs is killed when the request's context ends (Ctrl-C cancels it, --request-timeout is
// its deadline), and the error names it.
func TestCredentialPluginHangs(t *testing.T) {
	ec, _ := pluginConfig(t, "client.authentication.k8s.io/v1", "Never", map[string]string{"PLUGIN_HANG": "1", "PLUGIN_TOKEN": "tok"})
	for _, tc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want string
	}{
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(t.Context(), 300*time.Millisecond)
		},
			"context deadline exceeded"},
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(t.Context())
			time.AfterFunc(300*time.Millisecond, cancel)
			return ctx, cancel
		}, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := newCredentialPlugin(&config.Resolved{Exec: ec}, Options{}, &secretSet{})
			if err != nil {
				t.Fatal(err)
			}
			a.waitDelay = 100 * time.Millisecond
			ctx, cancel := tc.ctx()
			defer cancel()
			start := time.Now()
			done := make(chan error, 1)
			go func() {
				_, err := a.get(ctx)
				done <- err
			}()
			select {
			case err := <-done:
				want := "exec: executable " + ec.Command + " did not return credentials in time: " + tc.want
				if err == nil || err.Error() != want {
					t.Errorf("error %v, want %q", err, want)
				}
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("took %v", d)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the plugin outlived its request")
			}
		})
	}
}
