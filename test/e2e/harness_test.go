package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// commandTimeout bounds every command a test runs, so that a hang fails instead of
// blocking the suite (e.g. kwok never sends EOF on exec stdin).
const commandTimeout = 2 * time.Minute

// result is what a command printed and how it exited.
type result struct {
	Stdout, Stderr string
	Code           int // exit code; -1 if killed by a signal
}

func (r result) String() string {
	return fmt.Sprintf("exit code %d\n--- stdout:\n%s\n--- stderr:\n%s", r.Code, r.Stdout, r.Stderr)
}

// cluster returns the shared test cluster: Server, AdminKubeconfig, AdminToken,
// NoRightsToken, NodeName (the kwok node the scheduler binds pods to), kwok's files, etc.
func cluster() *testcluster.Cluster { return h.cluster }

// runKubex runs the kubex built from ./cmd/kubex as admin (KUBECONFIG = admin kubeconfig,
// private HOME); env entries (KEY=VALUE) are added last and so override those.
func runKubex(t *testing.T, env []string, args ...string) result {
	t.Helper()
	if h.kubexErr != nil {
		t.Fatal(h.kubexErr)
	}
	return runCmd(t, "", env, h.kubex, args...)
}

// runKubectl runs the reference kubectl (same version as the apiserver) like runKubex.
func runKubectl(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runCmd(t, "", env, h.cluster.Kubectl, args...)
}

// runCmd runs bin with the harness environment plus env, feeding it stdin. It fails the
// test if bin can't be started or runs longer than commandTimeout.
func runCmd(t *testing.T, stdin string, env []string, bin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+h.cluster.AdminKubeconfig)
	cmd.Env = append(cmd.Env, env...) // later entries win
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{Stdout: stdout.String(), Stderr: stderr.String(), Code: cmd.ProcessState.ExitCode()}
	if ctx.Err() != nil {
		t.Fatalf("%s %s: %v after %v\n%s", filepath.Base(bin), strings.Join(args, " "), ctx.Err(), commandTimeout, r)
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("running %s: %v", bin, err)
	}
	return r
}

// writeKubeconfig writes a kubeconfig for the test cluster into the test's temp dir, e.g.
// writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().NoRightsToken}), and
// returns the KUBECONFIG=... entry for runKubex/runKubectl.
func writeKubeconfig(t *testing.T, o testcluster.KubeconfigOptions) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := h.cluster.WriteKubeconfig(path, o); err != nil {
		t.Fatal(err)
	}
	return "KUBECONFIG=" + path
}

// newNamespace creates a namespace for this test alone, deleted when the test ends, so
// that tests can run in parallel without seeing each other's objects.
func newNamespace(t *testing.T) string {
	t.Helper()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	name := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(t.Name()), "-"), "-")
	name = fmt.Sprintf("%.50s-%s", name, hex.EncodeToString(b))
	if r := runKubectl(t, nil, "create", "namespace", name); r.Code != 0 {
		t.Fatalf("creating namespace %s: %s", name, r)
	}
	cleanupKubectl(t, "delete", "namespace", name, "--wait=false")
	return name
}

// cleanupKubectl runs a reference kubectl command as admin when the test ends, without failing it.
func cleanupKubectl(t *testing.T, args ...string) {
	t.Cleanup(func() {
		// t.Context is done by now: a fresh one.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = h.cluster.KubectlCommand(ctx, args...).Run()
	})
}

// TestHarness checks the harness itself: the apiserver is ready, the kwok node is Ready,
// the token users authenticate as expected, and kwok serves exec and logs.
func TestHarness(t *testing.T) {
	t.Parallel()
	c := cluster()
	if r := runKubectl(t, nil, "get", "--raw", "/readyz"); r.Code != 0 || strings.TrimSpace(r.Stdout) != "ok" {
		t.Fatalf("get --raw /readyz: %s", r)
	}
	r := runKubectl(t, nil, "get", "nodes", "--no-headers")
	if f := strings.Fields(r.Stdout); r.Code != 0 || len(f) < 2 || f[0] != c.NodeName || f[1] != "Ready" {
		t.Fatalf("get nodes: want %s Ready: %s", c.NodeName, r)
	}

	admin := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: c.AdminToken, Embed: true})
	r = runKubectl(t, []string{admin}, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
	if r.Code != 0 || r.Stdout != c.AdminTokenUser {
		t.Errorf("admin token: want user %s: %s", c.AdminTokenUser, r)
	}
	noRights := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: c.NoRightsToken})
	if r := runKubectl(t, []string{noRights}, "get", "pods"); r.Code == 0 || !strings.Contains(r.Stderr, "Forbidden") {
		t.Errorf("no-rights token: want Forbidden: %s", r)
	}

	ns := newNamespace(t)
	pod := fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: %s}
spec:
  nodeName: %s
  containers: [{name: c, image: busybox}]
`, ns, c.NodeName)
	if err := c.Apply(t.Context(), pod); err != nil {
		t.Fatal(err)
	}
	if r := runKubectl(t, nil, "wait", "-n", ns, "--for=condition=Ready", "pod/p", "--timeout=30s"); r.Code != 0 {
		t.Fatalf("pod not Ready: %s", r)
	}
	if r := runKubectl(t, nil, "exec", "-n", ns, "p", "--", "pwd"); r.Code != 0 || strings.TrimSpace(r.Stdout) != c.ExecDir {
		t.Errorf("exec pwd: want %s: %s", c.ExecDir, r)
	}
	if r := runKubectl(t, nil, "logs", "-n", ns, "p"); r.Code != 0 || r.Stdout != "hello from kwok\n" {
		t.Errorf("logs: %s", r)
	}
}
