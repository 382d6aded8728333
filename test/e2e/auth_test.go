package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
	"github.com/kubex-cli/kubex/internal/testutil"
)

// podsPath is a path only authorized users may read: the way to see who the server thinks we are.
const podsPath = "/api/v1/namespaces/default/pods"

// userKubeconfig writes a kubeconfig for the test cluster whose user block is userYAML (indented four
// spaces), next to any files the test put in dir, and returns the KUBECONFIG=... entry.
func userKubeconfig(t *testing.T, dir, userYAML string) string {
	t.Helper()
	return testKubeconfig(t, dir, cluster().Server, nil, userYAML)
}

// testKubeconfig writes dir/kubeconfig with one context for server (trusting the cluster's CA): clusterLines
// are added to the cluster block, userYAML (indented four spaces) is the user block. It returns the
// KUBECONFIG=... entry.
func testKubeconfig(t *testing.T, dir, server string, clusterLines []string, userYAML string) string {
	t.Helper()
	var extra strings.Builder
	for _, l := range clusterLines {
		fmt.Fprintf(&extra, "    %s\n", l)
	}
	path := filepath.Join(dir, "kubeconfig")
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: test
  cluster:
    server: %s
    certificate-authority: %s
%susers:
- name: u
  user:
%s
contexts:
- name: test
  context: {cluster: test, user: u}
current-context: test
`, server, cluster().CAFile, extra.String(), userYAML)
	if err := os.WriteFile(path, []byte(kc), 0o600); err != nil {
		t.Fatal(err)
	}
	return "KUBECONFIG=" + path
}

// sameAsKubectl runs args with both tools and fails unless exit code, stdout and stderr match. kubectl's
// klog lines ("E1125 12:00:00.000000 123 memcache.go:265] ...") are left out: kubex prints the error once.
// Ages and pod states may move on between the two runs, so a difference must last three tries to count.
// Names of the binaries in messages are the only other difference allowed.
func sameAsKubectl(t *testing.T, env []string, args ...string) result {
	t.Helper()
	var want, got result
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Second)
		}
		want = runKubectl(t, env, args...)
		want.Stderr = strings.ReplaceAll(withoutKlogLines(want.Stderr), filepath.Base(cluster().Kubectl), "kubex")
		got = runKubex(t, env, args...)
		if got == want {
			return got
		}
	}
	t.Errorf("kubex %s differs from kubectl\n=== kubex: %s\n=== kubectl: %s", strings.Join(args, " "), got, want)
	return got
}

func withoutKlogLines(s string) string {
	lines := strings.SplitAfter(s, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if len(l) > 5 && strings.ContainsRune("IWE", rune(l[0])) && strings.Trim(l[1:5], "0123456789") == "" && l[5] == ' ' {
			continue
		}
		kept = append(kept, l)
	}
	return strings.Join(kept, "")
}

func TestAuthClientCertificate(t *testing.T) {
	t.Parallel()
	c := cluster()
	for _, embed := range []bool{false, true} {
		env := []string{writeKubeconfig(t, testcluster.KubeconfigOptions{ClientCert: c.AdminCert, ClientKey: c.AdminKey, Embed: embed})}
		if r := runKubex(t, env, "get", "--raw", podsPath); r.Code != 0 || !strings.Contains(r.Stdout, `"kind":"PodList"`) {
			t.Errorf("embed=%v: %s", embed, r)
		}
	}
}

func TestAuthToken(t *testing.T) {
	t.Parallel()
	c := cluster()
	admin := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: c.AdminToken})
	if r := runKubex(t, []string{admin}, "get", "--raw", podsPath); r.Code != 0 {
		t.Errorf("admin token: %s", r)
	}
	noRights := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: c.NoRightsToken})
	if r := sameAsKubectl(t, []string{noRights}, "get", "--raw", podsPath); r.Code != 1 || !strings.HasPrefix(r.Stderr, "Error from server (Forbidden): ") {
		t.Errorf("no-rights token: want Forbidden: %s", r)
	}
	// --token on the command line replaces the kubeconfig's credentials.
	if r := runKubex(t, []string{noRights}, "--token", c.AdminToken, "get", "--raw", podsPath); r.Code != 0 {
		t.Errorf("--token: %s", r)
	}
	bad := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: "not-a-token"})
	sameAsKubectl(t, []string{bad}, "get", "--raw", podsPath)
	sameAsKubectl(t, []string{bad}, "api-resources")
	sameAsKubectl(t, []string{bad}, "api-versions")
}

func TestAuthTokenFile(t *testing.T) {
	t.Parallel()
	c := cluster()
	dir := t.TempDir()
	// A relative tokenFile is resolved against the kubeconfig's directory, not the working directory.
	env := []string{userKubeconfig(t, dir, "    tokenFile: token")}
	write := func(token string) {
		if err := os.WriteFile(filepath.Join(dir, "token"), []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(c.AdminToken)
	if r := runKubex(t, env, "get", "--raw", podsPath); r.Code != 0 {
		t.Fatalf("tokenFile with the admin token: %s", r)
	}
	write(c.NoRightsToken) // rotated
	if r := runKubex(t, env, "get", "--raw", podsPath); r.Code != 1 || !strings.Contains(r.Stderr, c.NoRightsUser) {
		t.Errorf("tokenFile rotated to the no-rights token: want Forbidden for %s: %s", c.NoRightsUser, r)
	}
	os.Remove(filepath.Join(dir, "token"))
	if r := runKubex(t, env, "get", "--raw", podsPath); r.Code != 1 || !strings.Contains(r.Stderr, "token") {
		t.Errorf("missing tokenFile: want an error naming it: %s", r)
	}
}

func TestAuthExecPlugin(t *testing.T) {
	t.Parallel()
	c := cluster()
	for _, apiVersion := range []string{"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"} {
		t.Run(filepath.Base(apiVersion), func(t *testing.T) {
			dir := t.TempDir()
			// The plugin records what it was given, then answers with the admin token.
			plugin := fmt.Sprintf(`#!/bin/sh
printf '%%s\n' "$KUBERNETES_EXEC_INFO" > "$(dirname "$0")/exec-info"
printf '%%s %%s\n' "$1" "$PLUGIN_ENV" > "$(dirname "$0")/args"
echo '{"apiVersion":"%s","kind":"ExecCredential","status":{"token":"%s"}}'
`, apiVersion, c.AdminToken)
			if err := os.WriteFile(filepath.Join(dir, "plugin.sh"), []byte(plugin), 0o755); err != nil {
				t.Fatal(err)
			}
			user := fmt.Sprintf(`    exec:
      apiVersion: %s
      command: ./plugin.sh
      args: [hello]
      env: [{name: PLUGIN_ENV, value: world}]
      interactiveMode: Never
      provideClusterInfo: true`, apiVersion)
			env := []string{userKubeconfig(t, dir, user)}
			if r := runKubex(t, env, "get", "--raw", podsPath); r.Code != 0 {
				t.Fatalf("exec plugin: %s", r)
			}
			info, _ := os.ReadFile(filepath.Join(dir, "exec-info"))
			for _, want := range []string{`"kind":"ExecCredential"`, apiVersion, `"interactive":false`, `"server":"` + c.Server} {
				if !strings.Contains(string(info), want) {
					t.Errorf("KUBERNETES_EXEC_INFO lacks %s: %s", want, info)
				}
			}
			if args, _ := os.ReadFile(filepath.Join(dir, "args")); string(args) != "hello world\n" {
				t.Errorf("plugin args and env: got %q", args)
			}
		})
	}

	t.Run("client certificate", func(t *testing.T) {
		// The plugin answers with the admin certificate and key instead of a token.
		dir := t.TempDir()
		cert, err := os.ReadFile(c.AdminCert)
		if err != nil {
			t.Fatal(err)
		}
		key, err := os.ReadFile(c.AdminKey)
		if err != nil {
			t.Fatal(err)
		}
		cred, _ := json.Marshal(map[string]any{
			"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
			"status": map[string]string{"clientCertificateData": string(cert), "clientKeyData": string(key)},
		})
		if err := os.WriteFile(filepath.Join(dir, "credential.json"), cred, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "plugin.sh"), []byte("#!/bin/sh\ncat \"$(dirname \"$0\")/credential.json\"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		env := []string{userKubeconfig(t, dir, `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plugin.sh
      interactiveMode: Never`)}
		r := runKubex(t, env, "-v", "10", "get", "--raw", podsPath)
		if r.Code != 0 || !strings.Contains(r.Stdout, `"kind":"PodList"`) {
			t.Fatalf("exec plugin with a client certificate: %s", r)
		}
		if strings.Contains(r.Stderr, "PRIVATE KEY") {
			t.Errorf("-v 10 shows the plugin's key: %s", r.Stderr)
		}
	})

	t.Run("missing", func(t *testing.T) {
		env := []string{userKubeconfig(t, t.TempDir(), `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: kubex-no-such-plugin
      installHint: install it with 'make plugin'
      interactiveMode: Never`)}
		r := runKubex(t, env, "get", "--raw", podsPath)
		if r.Code != 1 || !strings.Contains(r.Stderr, "kubex-no-such-plugin") || !strings.Contains(r.Stderr, "install it with 'make plugin'") {
			t.Errorf("missing plugin: want an error naming it with the install hint: %s", r)
		}
		if strings.Contains(r.Stderr, "goroutine") {
			t.Errorf("stack trace printed: %s", r)
		}
	})
}

func TestAuthImpersonation(t *testing.T) {
	t.Parallel()
	c := cluster()
	// Admin acting as a user without rights: the answer names the impersonated user.
	r := sameAsKubectl(t, nil, "--as", "alice", "get", "--raw", podsPath)
	if r.Code != 1 || !strings.Contains(r.Stderr, `User "alice" cannot list resource "pods"`) {
		t.Errorf("--as alice: %s", r)
	}
	if r := runKubex(t, nil, "--as", "alice", "--as-group", "system:masters", "get", "--raw", podsPath); r.Code != 0 {
		t.Errorf("--as alice --as-group system:masters: %s", r)
	}
	// A user without the right to impersonate is refused.
	noRights := writeKubeconfig(t, testcluster.KubeconfigOptions{Token: c.NoRightsToken})
	r = sameAsKubectl(t, []string{noRights}, "--as", "admin", "get", "--raw", podsPath)
	if r.Code != 1 || !strings.Contains(r.Stderr, "cannot impersonate") {
		t.Errorf("impersonation without rights: %s", r)
	}
}

func TestConnectionErrors(t *testing.T) {
	t.Parallel()
	c := cluster()
	// Nothing listens on port 1.
	r := sameAsKubectl(t, nil, "--server", "https://127.0.0.1:1", "get", "--raw", "/version")
	if r.Code != 1 || !strings.Contains(r.Stderr, "127.0.0.1:1 was refused") {
		t.Errorf("refused: %s", r)
	}
	// No CA: the serving certificate can't be verified.
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	os.WriteFile(kc, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: %s}}]
users: [{name: u, user: {token: %s}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`, c.Server, c.AdminToken)), 0o600)
	r = runKubex(t, []string{"KUBECONFIG=" + kc}, "get", "--raw", "/version")
	if r.Code != 1 || !strings.Contains(r.Stderr, "certificate signed by unknown authority") || !strings.Contains(r.Stderr, c.Server[len("https://"):]) {
		t.Errorf("unknown CA: want an error naming the server and the cause: %s", r)
	}
	if r := runKubex(t, []string{"KUBECONFIG=" + kc}, "--insecure-skip-tls-verify", "get", "--raw", "/version"); r.Code != 0 {
		t.Errorf("--insecure-skip-tls-verify: %s", r)
	}
}

// TestAuthExecPluginInteractive runs kubex on a real terminal (a pty): a plugin in interactiveMode Always
// prompts on it and reads the answer the user types; without a terminal kubex refuses clearly.
func TestAuthExecPluginInteractive(t *testing.T) {
	t.Parallel()
	c := cluster()
	dir := t.TempDir()
	plugin := fmt.Sprintf(`#!/bin/sh
printf 'password: ' >&2
read pw
tok=wrong
[ "$pw" = sesame ] && tok=%s
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"'$tok'"}}'
`, c.AdminToken)
	if err := os.WriteFile(filepath.Join(dir, "plugin.sh"), []byte(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	env := userKubeconfig(t, dir, `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ./plugin.sh
      interactiveMode: Always`)

	if r := runKubex(t, []string{env}, "get", "--raw", podsPath); r.Code != 1 || !strings.Contains(r.Stderr, "standard input is not a terminal") {
		t.Errorf("no terminal: want a clear refusal: %s", r)
	}

	ptm, pts, err := testutil.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	defer ptm.Close()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.kubex, "get", "--raw", podsPath)
	cmd.Env = append(os.Environ(), "HOME="+h.home, env)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close() // the child holds it now; the parent's copy would keep the terminal open after it exits

	var screen bytes.Buffer
	buf := make([]byte, 4096)
	for !strings.Contains(screen.String(), "password: ") {
		n, err := ptm.Read(buf)
		if err != nil {
			t.Fatalf("waiting for the prompt: %v; the terminal shows %q", err, screen.String())
		}
		screen.Write(buf[:n])
	}
	if _, err := ptm.Write([]byte("sesame\n")); err != nil {
		t.Fatal(err)
	}
	for { // until the child has exited and the terminal reports EIO
		n, err := ptm.Read(buf)
		screen.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if err := cmd.Wait(); err != nil || !strings.Contains(screen.String(), `"kind":"PodList"`) {
		t.Errorf("interactive plugin: %v; the terminal shows %q", err, screen.String())
	}
}
