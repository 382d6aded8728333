package testcluster

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// buildTools runs hack/tools.sh, which builds the binaries on first use, and returns their paths.
func buildTools(ctx context.Context, log io.Writer) (map[string]string, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "hack", "tools.sh"))
	cmd.Stdout, cmd.Stderr = &out, log
	// Cancelling must also stop the `go build` that the script runs.
	cmd.SysProcAttr = sysProcAttr(false)
	cmd.Cancel = func() error { return killGroup(cmd.Process.Pid) }
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("testcluster: hack/tools.sh: %w", err)
	}
	tools := map[string]string{}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if name, path, ok := strings.Cut(sc.Text(), "="); ok {
			tools[name] = path
		}
	}
	for _, name := range append([]string{"kubectl"}, procNames...) {
		if tools[name] == "" {
			return nil, fmt.Errorf("testcluster: hack/tools.sh did not report %s", name)
		}
	}
	return tools, nil
}

// repoRoot finds the kubex checkout: up from the working directory (tests run in their
// package directory), else from this source file (for binaries run from elsewhere).
func repoRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if _, err := os.Stat(filepath.Join(dir, "hack", "tools.sh")); err == nil {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", errors.New("testcluster: hack/tools.sh not found above the working directory")
}

// writeCredentials writes the CA, the serving and admin certificates, the service-account
// key pair, tokens.csv and the kwok log files.
func (c *Cluster) writeCredentials() error {
	c.CAFile = c.path("ca.crt")
	c.AdminCert, c.AdminKey = c.path("admin.crt"), c.path("admin.key")
	if err := writePKI(c.Dir); err != nil {
		return fmt.Errorf("writing the cluster's certificates: %w", err)
	}

	c.AdminTokenUser, c.AdminToken = "admin-token", randomHex(16)
	c.NoRightsUser, c.NoRightsToken = "no-rights", randomHex(16)
	// token,user,uid,"groups"; the no-rights user is only in system:authenticated.
	tokens := fmt.Sprintf("%s,%s,uid-admin-token,\"system:masters\"\n%s,%s,uid-no-rights\n",
		c.AdminToken, c.AdminTokenUser, c.NoRightsToken, c.NoRightsUser)
	if err := os.WriteFile(c.path("tokens.csv"), []byte(tokens), 0o600); err != nil {
		return err
	}

	c.ExecDir = c.path("exec")
	c.LogsFile, c.PreviousLogsFile, c.AttachFile = c.path("pod.log"), c.path("pod-previous.log"), c.path("pod-attach.log")
	if err := os.MkdirAll(c.ExecDir, 0o755); err != nil {
		return err
	}
	for file, text := range map[string]string{
		c.LogsFile:         "hello from kwok",
		c.PreviousLogsFile: "hello from the previous container",
		c.AttachFile:       "attached",
	} {
		if err := os.WriteFile(file, []byte("2026-01-01T00:00:00.000000000Z stdout F "+text+"\n"), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// writeKwokConfig writes kwok.yaml: real exec, logs, attach and port-forward for every pod.
func (c *Cluster) writeKwokConfig() error {
	_, port, err := net.SplitHostPort(c.PortForwardAddr)
	if err != nil {
		return err
	}
	fwdPort, err := strconv.Atoi(port)
	if err != nil {
		return err
	}
	cfg := fmt.Sprintf(`apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  enableDebuggingHandlers: true
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterExec
metadata:
  name: local-exec
spec:
  execs:
  - local:
      workDir: %q
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: logs
spec:
  logs:
  - logsFile: %q
    previousLogsFile: %q
    follow: true
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterAttach
metadata:
  name: attach
spec:
  attaches:
  - logsFile: %q
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata:
  name: port-forward
spec:
  forwards:
  - ports: [%d]
    target:
      port: %d
      address: 127.0.0.1
`, c.ExecDir, c.LogsFile, c.PreviousLogsFile, c.AttachFile, PortForwardPodPort, fwdPort)
	return os.WriteFile(c.path("kwok.yaml"), []byte(cfg), 0o644)
}

// KubeconfigOptions describes the user of a kubeconfig written by WriteKubeconfig.
type KubeconfigOptions struct {
	Server     string // default: the cluster's (set it to put e.g. a delaying proxy in between)
	Token      string // bearer token (e.g. AdminToken or NoRightsToken), or:
	ClientCert string // client certificate and key files
	ClientKey  string
	Namespace  string // the context's namespace, if any
	Embed      bool   // embed the CA and client files as *-data instead of referring to them
}

// WriteKubeconfig writes a kubeconfig for this cluster with one context, "kubex-test".
func (c *Cluster) WriteKubeconfig(path string, o KubeconfigOptions) error {
	if o.Server == "" {
		o.Server = c.Server
	}
	var b strings.Builder
	q := strconv.Quote // a Go-quoted ASCII string is a valid YAML double-quoted string
	fileOrData := func(key, file string) error {
		if file == "" {
			return nil
		}
		if !o.Embed {
			fmt.Fprintf(&b, "    %s: %s\n", key, q(file))
			return nil
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "    %s-data: %s\n", key, base64.StdEncoding.EncodeToString(data))
		return nil
	}
	b.WriteString("apiVersion: v1\nkind: Config\nclusters:\n- name: kubex-test\n  cluster:\n")
	fmt.Fprintf(&b, "    server: %s\n", q(o.Server))
	if err := fileOrData("certificate-authority", c.CAFile); err != nil {
		return err
	}
	if o.Token == "" && o.ClientCert == "" {
		b.WriteString("users:\n- name: kubex-test\n  user: {}\n")
	} else {
		b.WriteString("users:\n- name: kubex-test\n  user:\n")
	}
	if o.Token != "" {
		fmt.Fprintf(&b, "    token: %s\n", q(o.Token))
	}
	if err := fileOrData("client-certificate", o.ClientCert); err != nil {
		return err
	}
	if err := fileOrData("client-key", o.ClientKey); err != nil {
		return err
	}
	b.WriteString("contexts:\n- name: kubex-test\n  context:\n    cluster: kubex-test\n    user: kubex-test\n")
	if o.Namespace != "" {
		fmt.Fprintf(&b, "    namespace: %s\n", q(o.Namespace))
	}
	b.WriteString("current-context: kubex-test\n")
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
