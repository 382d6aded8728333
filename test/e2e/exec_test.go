package e2e

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kubex-cli/kubex/internal/testcluster"
	"github.com/kubex-cli/kubex/internal/testutil"
)

// newPod creates a Running pod with the given containers (names) in ns and waits until it is Ready.
func newPod(t *testing.T, ns, name string, containers ...string) {
	t.Helper()
	if len(containers) == 0 {
		containers = []string{"c"}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v1\nkind: Pod\nmetadata: {name: %s, namespace: %s}\nspec:\n  containers:\n", name, ns)
	for _, c := range containers {
		fmt.Fprintf(&b, "  - {name: %s, image: busybox, stdin: true, tty: true}\n", c)
	}
	if err := cluster().Apply(t.Context(), b.String()); err != nil {
		t.Fatal(err)
	}
	kubectlOK(t, nil, "wait", "-n", ns, "--for=condition=Ready", "pod/"+name, "--timeout=180s")
}

// newDeployment creates a Deployment whose pods carry app=name and waits until it is available.
func newDeployment(t *testing.T, ns, name string, replicas int) {
	t.Helper()
	manifest := fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: %[1]s, namespace: %[2]s}
spec:
  replicas: %[3]d
  selector: {matchLabels: {app: %[1]s}}
  template:
    metadata: {labels: {app: %[1]s}}
    spec:
      containers: [{name: c, image: busybox}]
`, name, ns, replicas)
	if err := cluster().Apply(t.Context(), manifest); err != nil {
		t.Fatal(err)
	}
	kubectlOK(t, nil, "wait", "-n", ns, "--for=condition=Available", "deploy/"+name, "--timeout=180s")
}

func TestExec(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newPod(t, ns, "p")
	newPod(t, ns, "two", "first", "second")
	newDeployment(t, ns, "web", 1)

	t.Run("stdout and stderr apart", func(t *testing.T) {
		r := runKubex(t, nil, "exec", "-n", ns, "p", "--", "sh", "-c", "echo out; echo err >&2")
		if r.Code != 0 || r.Stdout != "out\n" || r.Stderr != "err\n" {
			t.Fatalf("%s", r)
		}
	})
	t.Run("runs in the exec dir", func(t *testing.T) {
		r := runKubex(t, nil, "exec", "-n", ns, "p", "--", "pwd")
		if r.Code != 0 || strings.TrimSpace(r.Stdout) != cluster().ExecDir {
			t.Fatalf("%s", r)
		}
	})
	t.Run("failing command", func(t *testing.T) {
		// kwok reports a non-zero exit as an Internal error (exit codes themselves are tested against a
		// fake server in pkg/client/stream): kubex must fail, as kubectl does.
		r := runKubex(t, nil, "exec", "-n", ns, "p", "--", "sh", "-c", "echo before; exit 3")
		k := runKubectl(t, nil, "exec", "-n", ns, "p", "--", "sh", "-c", "echo before; exit 3")
		if r.Code == 0 || r.Stdout != "before\n" {
			t.Fatalf("%s", r)
		}
		if r.Code != k.Code || r.Stderr != k.Stderr {
			t.Errorf("kubex:\n%s\nkubectl:\n%s", r, k)
		}
	})
	t.Run("default container note", func(t *testing.T) {
		r := runKubex(t, nil, "exec", "-n", ns, "two", "--", "echo", "hi")
		k := runKubectl(t, nil, "exec", "-n", ns, "two", "--", "echo", "hi")
		if r.Code != 0 || r.Stdout != "hi\n" || r.Stderr != `Defaulted container "first" out of: first, second`+"\n" || r.Stderr != k.Stderr {
			t.Fatalf("kubex:\n%s\nkubectl:\n%s", r, k)
		}
		if r := runKubex(t, nil, "exec", "-n", ns, "two", "-c", "second", "--", "echo", "hi"); r.Code != 0 || r.Stderr != "" {
			t.Fatalf("-c: %s", r)
		}
	})
	t.Run("deployment", func(t *testing.T) {
		r := runKubex(t, nil, "exec", "-n", ns, "deploy/web", "--", "echo", "hi")
		if r.Code != 0 || r.Stdout != "hi\n" {
			t.Fatalf("%s", r)
		}
	})
	t.Run("errors as kubectl", func(t *testing.T) {
		for _, args := range [][]string{
			{"exec", "-n", ns, "nope", "--", "true"},
			{"exec", "-n", ns, "p"},
			{"exec", "-n", ns, "p", "-c", "nope", "--", "true"},
			{"exec", "-n", ns, "-t", "p", "--", "echo", "x"},
			{"exec", "-n", ns, "-it", "p", "--", "echo", "x"},
		} {
			r, k := runKubex(t, nil, args...), runKubectl(t, nil, args...)
			if r.Code != k.Code || r.Stdout != k.Stdout || strings.ReplaceAll(r.Stderr, "kubex", "kubectl") != k.Stderr {
				t.Errorf("%v:\nkubex:\n%s\nkubectl:\n%s", args, r, k)
			}
		}
	})
	t.Run("forbidden", func(t *testing.T) {
		env := []string{writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().NoRightsToken})}
		r := runKubex(t, env, "exec", "-n", ns, "p", "--", "true")
		k := runKubectl(t, env, "exec", "-n", ns, "p", "--", "true")
		if r.Code != 1 || r.Stderr != k.Stderr {
			t.Errorf("kubex:\n%s\nkubectl:\n%s", r, k)
		}
	})
}

// TestExecStdinUpload sends 100 MB through exec -i and checks what arrived (head -c: kwok never delivers
// the end of stdin).
func TestExecStdinUpload(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newPod(t, ns, "p")
	const size = 100_000_000
	data := make([]byte, size)
	_, _ = rand.Read(data)
	sum := md5.Sum(data)
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, h.kubex, "exec", "-i", "-n", ns, "p", "--", "sh", "-c", fmt.Sprintf("head -c %d | md5sum", size))
	cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+cluster().AdminKubeconfig)
	cmd.Stdin = f
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %s %s", err, out.String(), errOut.String())
	}
	t.Logf("100 MB uploaded in %v", time.Since(start))
	if got := strings.Fields(out.String()); len(got) == 0 || got[0] != hex.EncodeToString(sum[:]) {
		t.Fatalf("md5 %q, want %x", out.String(), sum)
	}
}

// ptyRun starts kubex on a new terminal of rows x cols as its controlling terminal; the test types into
// and reads from the returned master.
type ptyProc struct {
	cmd    *exec.Cmd
	ptm    *os.File
	screen *syncWriter
	done   chan struct{}
	before unix.Termios // the terminal's settings before kubex started
}

func startOnTerminal(t *testing.T, rows, cols uint16, args ...string) *ptyProc {
	t.Helper()
	ptm, pts, err := testutil.OpenPTY()
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetWinsize(int(ptm.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(pts.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(h.kubex, args...)
	cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+cluster().AdminKubeconfig, "TERM=xterm")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()
	p := &ptyProc{cmd: cmd, ptm: ptm, screen: &syncWriter{}, done: make(chan struct{}), before: *before}
	go func() {
		defer close(p.done)
		_, _ = io.Copy(p.screen, ptm)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); ptm.Close() })
	return p
}

// await waits until the screen matches re.
func (p *ptyProc) await(t *testing.T, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(30 * time.Second)
	for !rx.MatchString(p.screen.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q on the terminal: %q", re, p.screen.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (p *ptyProc) termios(t *testing.T) *unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(p.ptm.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

func TestExecTerminal(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newPod(t, ns, "p")
	p := startOnTerminal(t, 30, 120, "exec", "-it", "-n", ns, "p", "--", "sh", "-c",
		// The initial size travels with the session: wait (briefly) for it instead of racing it.
		`i=0; while [ "$(stty size)" = "0 0" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; stty size; printf 'say> '; read x; echo "got $x"; `+
			// and the resize, which may arrive after the line on a busy machine.
			`i=0; while [ "$(stty size)" != "25 100" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; stty size`)
	p.await(t, `30 120\r?\n`)
	p.await(t, `say> `)
	if tio := p.termios(t); tio.Lflag&unix.ECHO != 0 || tio.Lflag&unix.ICANON != 0 {
		t.Errorf("the local terminal is not raw during the session: lflag %#x", tio.Lflag)
	}
	if err := unix.IoctlSetWinsize(int(p.ptm.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 25, Col: 100}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the resize travels before the line
	if _, err := p.ptm.WriteString("hello\r"); err != nil {
		t.Fatal(err)
	}
	p.await(t, `got hello\r?\n`)
	p.await(t, `25 100\r?\n`)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("kubex did not end: %q", p.screen.String())
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("%v: %q", err, p.screen.String())
	}
	after := *p.termios(t)
	if p.before != after {
		t.Errorf("the terminal was not restored:\nbefore %+v\nafter  %+v", p.before, after)
	}
}

// TestAttach follows the container's output as it grows (kwok: lines appended to its attach file).
func TestAttach(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	newPod(t, ns, "p")
	w := startWatch(t, nil, "attach", "-n", ns, "p")
	mark := "attach-" + ns
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := testcluster.AppendLog(cluster().AttachFile, "stdout", mark); err != nil {
			t.Fatal(err)
		}
		select {
		case l := <-w.lines:
			if l == mark {
				if !strings.Contains(w.stderr.String(), "If you don't see a command prompt, try pressing enter.") {
					t.Errorf("no hint: %s", w.stderr)
				}
				return
			}
		case <-time.After(500 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the appended line never arrived; stderr %s", w.stderr)
		}
	}
}

// TestExecThroughputFigures measures kubex against kubectl (KUBEX_MEASURE=1 only): exec's output of
// 200 MB and a 100 MB upload through exec -i, wall time, best of three. (Peak RSS needs hack/bench's
// spawner: a child of this large test process reports the parent's RSS as its own.)
func TestExecThroughputFigures(t *testing.T) {
	if os.Getenv("KUBEX_MEASURE") == "" {
		t.Skip("set KUBEX_MEASURE=1")
	}
	ns := newNamespace(t)
	newPod(t, ns, "p")
	file := filepath.Join(t.TempDir(), "data")
	if err := os.WriteFile(file, make([]byte, 100_000_000), 0o644); err != nil {
		t.Fatal(err)
	}
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	measure := func(bin string, stdin string, args ...string) time.Duration {
		best := time.Duration(1 << 62)
		for range 3 {
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+cluster().AdminKubeconfig)
			if stdin != "" {
				f, _ := os.Open(stdin)
				defer f.Close()
				cmd.Stdin = f
			}
			var errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = devNull, &errOut
			start := time.Now()
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %s", err, errOut.String())
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	for _, row := range []struct {
		name, stdin string
		args        []string
	}{
		{"exec head -c 200000000 /dev/zero", "", []string{"exec", "-n", ns, "p", "--", "head", "-c", "200000000", "/dev/zero"}},
		{"exec -i upload 100 MB", file, []string{"exec", "-i", "-n", ns, "p", "--", "sh", "-c", "head -c 100000000 >/dev/null"}},
	} {
		xd := measure(h.kubex, row.stdin, row.args...)
		kd := measure(cluster().Kubectl, row.stdin, row.args...)
		t.Logf("| %s | %v | %v | %.2f× |", row.name, xd.Round(time.Millisecond), kd.Round(time.Millisecond), float64(xd)/float64(kd))
	}
}
