package transport

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/config"
)

// The test binary doubles as an credential plugin: the client runs os.Executable() with
// KUBEX_TEST_EXEC_PLUGIN=1 in the plugin's env, and TestMain then behaves as the plugin.
const pluginEnv = "KUBEX_TEST_EXEC_PLUGIN"

func TestMain(m *testing.M) {
	if os.Getenv(pluginEnv) == "1" {
		os.Exit(testPlugin())
	}
	os.Exit(m.Run())
}

// testPlugin is a credential plugin steered by PLUGIN_* variables:
//
//	PLUGIN_DIR         run N appends to DIR/count and saves KUBERNETES_EXEC_INFO as DIR/info-N.json
//	PLUGIN_TOKEN       the token is "<PLUGIN_TOKEN>-N"
//	PLUGIN_EXPIRES_IN  expirationTimestamp = now + this Go duration
//	PLUGIN_CERT        "1": also return a fresh client certificate with CommonName "exec-N"
//	PLUGIN_STDERR      written to stderr
//	PLUGIN_EXIT        exit with this code before answering
//	PLUGIN_API_VERSION answer with this apiVersion instead of the one asked for
//	PLUGIN_STDIN       "1": when interactive, the token is the first line of stdin
//	PLUGIN_HANG        "1": never answer
func testPlugin() int {
	info := os.Getenv("KUBERNETES_EXEC_INFO")
	n := 1
	if dir := os.Getenv("PLUGIN_DIR"); dir != "" {
		b, _ := os.ReadFile(filepath.Join(dir, "count"))
		n = strings.Count(string(b), "\n") + 1
		f, err := os.OpenFile(filepath.Join(dir, "count"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return 90
		}
		fmt.Fprintln(f, n)
		f.Close()
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("info-%d.json", n)), []byte(info), 0o600); err != nil {
			return 91
		}
	}
	if s := os.Getenv("PLUGIN_STDERR"); s != "" {
		fmt.Fprintln(os.Stderr, s)
	}
	if os.Getenv("PLUGIN_HANG") == "1" {
		time.Sleep(time.Hour)
	}
	if s := os.Getenv("PLUGIN_EXIT"); s != "" {
		code, _ := strconv.Atoi(s)
		return code
	}
	var in pluginCredential
	if err := json.Unmarshal([]byte(info), &in); err != nil {
		return 92
	}
	out := pluginCredential{APIVersion: in.APIVersion, Kind: "ExecCredential", Status: &pluginCredentialStatus{}}
	if v := os.Getenv("PLUGIN_API_VERSION"); v != "" {
		out.APIVersion = v
	}
	if p := os.Getenv("PLUGIN_TOKEN"); p != "" {
		out.Status.Token = fmt.Sprintf("%s-%d", p, n)
	}
	if os.Getenv("PLUGIN_STDIN") == "1" && in.Spec.Interactive {
		line, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		out.Status.Token = strings.TrimSpace(line)
	}
	if d := os.Getenv("PLUGIN_EXPIRES_IN"); d != "" {
		dur, _ := time.ParseDuration(d)
		exp := time.Now().Add(dur).UTC().Truncate(time.Second)
		out.Status.ExpirationTimestamp = &exp
	}
	if os.Getenv("PLUGIN_CERT") == "1" {
		c, k := selfSigned(fmt.Sprintf("exec-%d", n))
		out.Status.ClientCertificateData, out.Status.ClientKeyData = string(c), string(k)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		return 93
	}
	return 0
}

// selfSigned makes a throwaway client certificate and key (PEM) with the given CommonName.
func selfSigned(cn string) (certPEM, keyPEM []byte) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// tlsServer is an httptest TLS server that asks for (but does not verify) client certificates.
func tlsServer(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	// Handshakes that tests make fail on purpose are not news.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// resolvedFor trusts srv's certificate.
func resolvedFor(srv *httptest.Server) *config.Resolved {
	r := &config.Resolved{Server: srv.URL, Namespace: "default"}
	if srv.TLS != nil {
		r.CertificateAuthorityData = certPEM(srv.Certificate())
	}
	return r
}

func newClient(t *testing.T, r *config.Resolved, opts Options) *Client {
	t.Helper()
	c, err := New(r, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// get sends GET path through c and returns the status code and body.
func get(t *testing.T, c *Client, path string) (int, string) {
	t.Helper()
	req, err := c.NewRequest(t.Context(), http.MethodGet, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
	return resp.StatusCode, b.String()
}
