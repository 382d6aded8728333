package transport

// Credential plugins (kubeconfig users[].user.exec): a local program run to get a token or a client
// certificate, speaking client.authentication.k8s.io ExecCredential on stdin/stdout. They are called
// credential plugins here so that "exec" means remote exec (pkg/exec) only; the messages users read keep
// kubectl's words ("exec plugin: ...").

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kubex-cli/kubex/pkg/config"
)

const (
	pluginInfoEnv = "KUBERNETES_EXEC_INFO"
	// pluginWaitDelay is how long a finished plugin's stdin/stdout copying may take before it is cut off.
	pluginWaitDelay = time.Second

	// installHintHelp is client-go's text after "executable X not found", so users recognise it.
	installHintHelp = `

It looks like you are trying to use a client-go credential plugin that is not installed.

To learn more about this feature, consult the documentation available at:
      https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins`
)

// pluginCredential is client.authentication.k8s.io ExecCredential; v1 and v1beta1 share this shape.
type pluginCredential struct {
	APIVersion string                  `json:"apiVersion"`
	Kind       string                  `json:"kind"`
	Spec       pluginCredentialSpec    `json:"spec"`
	Status     *pluginCredentialStatus `json:"status,omitempty"`
}

type pluginCredentialSpec struct {
	Cluster     *pluginCluster `json:"cluster,omitempty"`
	Interactive bool           `json:"interactive"`
}

type pluginCredentialStatus struct {
	ExpirationTimestamp   *time.Time `json:"expirationTimestamp,omitempty"`
	Token                 string     `json:"token,omitempty"`
	ClientCertificateData string     `json:"clientCertificateData,omitempty"`
	ClientKeyData         string     `json:"clientKeyData,omitempty"`
}

type pluginCluster struct {
	Server                   string          `json:"server"`
	TLSServerName            string          `json:"tls-server-name,omitempty"`
	InsecureSkipTLSVerify    bool            `json:"insecure-skip-tls-verify,omitempty"`
	CertificateAuthorityData []byte          `json:"certificate-authority-data,omitempty"`
	ProxyURL                 string          `json:"proxy-url,omitempty"`
	DisableCompression       bool            `json:"disable-compression,omitempty"`
	Config                   json.RawMessage `json:"config,omitempty"`
}

// pluginCreds is what one plugin run produced.
type pluginCreds struct {
	token string
	cert  *tls.Certificate // nil when the plugin returned only a token
}

// credentialPlugin runs a credential plugin and caches its answer until status.expirationTimestamp.
type credentialPlugin struct {
	command     string
	args        []string
	env         []string
	apiVersion  string
	installHint string // control characters already made harmless by config.Resolve
	mode        string // Never, IfAvailable, Always
	cluster     *pluginCluster

	stdin                   io.Reader
	stderr                  io.Writer
	stdinIsTerminal         bool
	stdinUnavailable        bool
	stdinUnavailableMessage string
	baseEnv                 []string // Options.Environ; the plugin's env adds to it
	now                     func() time.Time
	waitDelay               time.Duration
	secrets                 *secretSet
	onCertRotate            func() // closes connections that carry the previous certificate

	// mu also serialises plugin runs: an interactive plugin must prompt once, not once per request.
	mu    sync.Mutex
	creds *pluginCreds
	exp   time.Time
}

func newCredentialPlugin(r *config.Resolved, opts Options, secrets *secretSet) (*credentialPlugin, error) {
	ec := r.Exec
	switch ec.APIVersion {
	case "client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1":
	default:
		return nil, fmt.Errorf("exec plugin: invalid apiVersion %q", ec.APIVersion)
	}
	if ec.Command == "" {
		return nil, fmt.Errorf("command must be specified for %s to use exec authentication plugin", userName(r))
	}
	mode := ec.InteractiveMode
	if mode == "" {
		if ec.APIVersion != "client.authentication.k8s.io/v1beta1" {
			// v1 makes plugins declare whether they want stdin; v1beta1 defaulted to IfAvailable.
			return nil, fmt.Errorf("interactiveMode must be specified for %s to use exec authentication plugin", userName(r))
		}
		mode = "IfAvailable"
	}
	switch mode {
	case "Never", "IfAvailable", "Always":
	default:
		return nil, fmt.Errorf("invalid interactiveMode for %s: %q", userName(r), mode)
	}
	a := &credentialPlugin{
		command:                 ec.Command,
		args:                    ec.Args,
		apiVersion:              ec.APIVersion,
		installHint:             ec.InstallHint,
		mode:                    mode,
		stdin:                   opts.Stdin,
		stderr:                  opts.Stderr,
		stdinIsTerminal:         opts.StdinIsTerminal && opts.Stdin != nil,
		stdinUnavailable:        opts.StdinUnavailable,
		stdinUnavailableMessage: opts.StdinUnavailableMessage,
		baseEnv:                 opts.Environ,
		now:                     time.Now,
		waitDelay:               pluginWaitDelay,
		secrets:                 secrets,
	}
	for _, e := range ec.Env {
		a.env = append(a.env, e.Name+"="+e.Value)
	}
	if ec.ProvideClusterInfo {
		c, err := pluginClusterInfo(r)
		if err != nil {
			return nil, err
		}
		a.cluster = c
	}
	return a, nil
}

// pluginClusterInfo is spec.cluster, built from the resolved (overridden) settings as client-go's
// ConfigToExecCluster builds it from rest.Config; only the extension comes from the kubeconfig cluster.
func pluginClusterInfo(r *config.Resolved) (*pluginCluster, error) {
	ca := r.CertificateAuthorityData
	if len(ca) == 0 && r.CertificateAuthority != "" {
		b, err := os.ReadFile(r.CertificateAuthority)
		if err != nil {
			return nil, fmt.Errorf("failed to load CA bundle for execProvider: %v", err)
		}
		ca = b
	}
	c := &pluginCluster{
		Server:                   r.Server,
		TLSServerName:            r.TLSServerName,
		InsecureSkipTLSVerify:    r.InsecureSkipTLSVerify,
		CertificateAuthorityData: ca,
		ProxyURL:                 r.ProxyURL,
		DisableCompression:       r.DisableCompression,
	}
	if r.ExecClusterConfig != nil {
		b, err := json.Marshal(r.ExecClusterConfig)
		if err != nil {
			return nil, fmt.Errorf("encoding the cluster's exec extension: %w", err)
		}
		c.Config = b
	}
	return c, nil
}

// get returns the cached credentials, running the plugin when there are none or they expired. The plugin
// runs under ctx, the request's: cancelled (Ctrl-C) or past its deadline (--request-timeout), the plugin
// is killed and the error names it.
func (a *credentialPlugin) get(ctx context.Context) (*pluginCreds, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.creds != nil && (a.exp.IsZero() || !a.now().After(a.exp)) {
		return a.creds, nil
	}
	if err := a.runLocked(ctx); err != nil {
		return nil, err
	}
	return a.creds, nil
}

// refresh re-runs the plugin after a 401, unless another request already replaced the creds that failed.
func (a *credentialPlugin) refresh(ctx context.Context, failed *pluginCreds) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.creds != failed {
		return nil
	}
	return a.runLocked(ctx)
}

// handshakeCert is tls.Config.GetClientCertificate's source. It runs the plugin only when nothing is cached:
// pluginAuth refreshes expired credentials before each request dials, and a second run here would both
// double the plugin runs for credentials that arrive already expired (clock skew) and rotate the
// certificate under the very connection being handshaken. pluginAuth has run the plugin under the
// request's context before the dial, so this run, without one, happens only for a request that went
// around pluginAuth.
func (a *credentialPlugin) handshakeCert() (*tls.Certificate, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.creds == nil {
		if err := a.runLocked(context.Background()); err != nil {
			return nil, err
		}
	}
	return a.creds.cert, nil
}

func (a *credentialPlugin) interactive() (bool, error) {
	switch a.mode {
	case "Never":
		return false, nil
	case "IfAvailable":
		return a.stdinIsTerminal && !a.stdinUnavailable, nil
	default: // Always
		if !a.stdinIsTerminal {
			return false, errors.New("standard input is not a terminal")
		}
		if a.stdinUnavailable {
			suffix := ""
			if a.stdinUnavailableMessage != "" {
				suffix = ": " + a.stdinUnavailableMessage
			}
			return false, fmt.Errorf("standard input is unavailable%s", suffix)
		}
		return true, nil
	}
}

// runLocked runs the plugin and stores what it returned. Its stdout is credentials: it never reaches an
// error message or a log.
func (a *credentialPlugin) runLocked(ctx context.Context) error {
	interactive, err := a.interactive()
	if err != nil {
		return fmt.Errorf("exec plugin cannot support interactive mode: %w", err)
	}
	info, err := json.Marshal(pluginCredential{
		APIVersion: a.apiVersion,
		Kind:       "ExecCredential",
		Spec:       pluginCredentialSpec{Cluster: a.cluster, Interactive: interactive},
	})
	if err != nil {
		return fmt.Errorf("encode ExecCredentials: %v", err)
	}

	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, a.command, a.args...)
	cmd.Env = slices.Concat(a.baseEnv, a.env, []string{pluginInfoEnv + "=" + string(info)})
	cmd.Stdout = &stdout
	cmd.Stderr = a.stderr
	if interactive {
		stdin, done, err := pluginStdin(a.stdin)
		if err != nil {
			return fmt.Errorf("exec: %v", err)
		}
		defer done()
		cmd.Stdin = stdin
	}
	// A plugin's background child may keep stdout open; do not wait for it forever.
	cmd.WaitDelay = a.waitDelay
	if err := cmd.Run(); err != nil && !errors.Is(err, exec.ErrWaitDelay) || ctx.Err() != nil {
		if ctx.Err() != nil {
			// Killed: the request was cancelled or timed out while the plugin ran.
			return fmt.Errorf("exec: executable %s did not return credentials in time: %w", a.command, context.Cause(ctx))
		}
		return a.runError(err)
	}

	var cred pluginCredential
	if err := json.Unmarshal(stdout.Bytes(), &cred); err != nil {
		// Only the decoder's complaint, never the output itself.
		return fmt.Errorf("decoding stdout: %v", jsonErrorWithoutInput(err))
	}
	if cred.Kind != "ExecCredential" {
		return errors.New("decoding stdout: the plugin did not return an ExecCredential")
	}
	if cred.APIVersion != a.apiVersion {
		return fmt.Errorf("exec plugin is configured to use API version %s, plugin returned version %s", a.apiVersion, cred.APIVersion)
	}
	st := cred.Status
	if st == nil {
		return errors.New("exec plugin didn't return a status field")
	}
	if st.Token == "" && st.ClientCertificateData == "" && st.ClientKeyData == "" {
		return errors.New("exec plugin didn't return a token or cert/key pair")
	}
	if (st.ClientCertificateData == "") != (st.ClientKeyData == "") {
		return errors.New("exec plugin returned only certificate or key, not both")
	}
	creds := &pluginCreds{token: st.Token}
	if st.ClientCertificateData != "" {
		cert, err := tls.X509KeyPair([]byte(st.ClientCertificateData), []byte(st.ClientKeyData))
		if err != nil {
			return fmt.Errorf("failed parsing client key/certificate: %v", err)
		}
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return fmt.Errorf("failed parsing client leaf certificate: %v", err)
		}
		creds.cert = &cert
	}
	a.secrets.add(st.Token)
	a.secrets.add(st.ClientKeyData)

	old := a.creds
	a.creds = creds
	a.exp = time.Time{}
	if st.ExpirationTimestamp != nil {
		a.exp = *st.ExpirationTimestamp
	}
	if old != nil && !sameCert(old.cert, creds.cert) && a.onCertRotate != nil {
		a.onCertRotate()
	}
	return nil
}

// pluginStdin hands the plugin a terminal's file directly. Any other reader is fed through a pipe by a
// goroutine that is not waited for: os/exec would wait for its own copier until the reader ends, and a
// wrapped terminal never ends.
func pluginStdin(in io.Reader) (*os.File, func(), error) {
	if f, ok := in.(*os.File); ok {
		return f, func() {}, nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, nil, err
	}
	go func() {
		_, _ = io.Copy(pw, in)
		pw.Close()
	}()
	return pr, func() { pr.Close(); pw.Close() }, nil
}

// runError says what went wrong with the plugin binary in client-go's words.
func (a *credentialPlugin) runError(err error) error {
	var execErr *exec.Error
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &execErr), errors.Is(err, fs.ErrNotExist):
		// exec.Error is a bare name not found in PATH; ErrNotExist is a path that does not exist.
		var b strings.Builder
		fmt.Fprintf(&b, "exec: executable %s not found", a.command)
		b.WriteString(installHintHelp)
		if a.installHint != "" {
			fmt.Fprintf(&b, "\n\n%s", a.installHint)
		}
		return errors.New(b.String())
	case errors.As(err, &exitErr):
		return fmt.Errorf("exec: executable %s failed with exit code %d", a.command, exitErr.ExitCode())
	default:
		return fmt.Errorf("exec: %v", err)
	}
}

func sameCert(a, b *tls.Certificate) bool {
	if a == nil || b == nil {
		return a == b
	}
	if len(a.Certificate) != len(b.Certificate) {
		return false
	}
	for i := range a.Certificate {
		if !bytes.Equal(a.Certificate[i], b.Certificate[i]) {
			return false
		}
	}
	return true
}

// jsonErrorWithoutInput drops what a JSON error might quote of the input.
func jsonErrorWithoutInput(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("invalid JSON at offset %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("field %q has the wrong type", typ.Field)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("unexpected end of JSON input")
	}
	return errors.New("invalid ExecCredential")
}

// pluginAuth puts the plugin's token on requests and gives the plugin one more chance after a 401.
type pluginAuth struct {
	a    *credentialPlugin
	next http.RoundTripper
}

func (e *pluginAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Authorization") != "" {
		return e.next.RoundTrip(req)
	}
	creds, err := e.a.get(req.Context())
	if err != nil {
		return nil, fmt.Errorf("getting credentials: %w", err)
	}
	resp, err := e.send(req, creds)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// The server no longer accepts what the plugin gave us (revoked or rotated early): run it again, and
	// if that produced something new and the request can be replayed, send it once more.
	if err := e.a.refresh(req.Context(), creds); err != nil || !replayable(req) {
		return resp, nil
	}
	fresh, err := e.a.get(req.Context())
	if err != nil || fresh == creds {
		return resp, nil
	}
	again, err := rewind(req)
	if err != nil {
		return resp, nil
	}
	DrainAndClose(resp)
	return e.send(again, fresh)
}

func (e *pluginAuth) send(req *http.Request, creds *pluginCreds) (*http.Response, error) {
	req = req.Clone(req.Context())
	if creds.token != "" {
		req.Header.Set("Authorization", "Bearer "+creds.token)
	}
	return e.next.RoundTrip(req)
}
