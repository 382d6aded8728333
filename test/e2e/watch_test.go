package e2e

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// watchProcess is a kubex watch running in the background, its stdout read line by line through a pipe.
type watchProcess struct {
	cmd    *exec.Cmd
	lines  chan string
	stderr *syncWriter
	done   chan struct{}
}

func startWatch(t *testing.T, env []string, args ...string) *watchProcess {
	t.Helper()
	if h.kubexErr != nil {
		t.Fatal(h.kubexErr)
	}
	cmd := exec.Command(h.kubex, args...)
	cmd.Env = append(append(os.Environ(), "HOME="+h.home, "KUBECONFIG="+h.cluster.AdminKubeconfig), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := &watchProcess{cmd: cmd, lines: make(chan string, 1000), stderr: &syncWriter{}, done: make(chan struct{})}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			w.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return w
}

// next returns the next line, failing the test after timeout.
func (w *watchProcess) next(t *testing.T, timeout time.Duration) string {
	t.Helper()
	select {
	case l := <-w.lines:
		return l
	case <-w.done:
		select {
		case l := <-w.lines:
			return l
		default:
		}
		t.Fatalf("the watch ended; stderr: %s", w.stderr)
	case <-time.After(timeout):
		t.Fatalf("no line from the watch in %v; stderr: %s", timeout, w.stderr)
	}
	return ""
}

// quiet fails if the watch prints anything within d.
func (w *watchProcess) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case l := <-w.lines:
		t.Errorf("unexpected line: %s", l)
	case <-time.After(d):
	}
}

// interrupt sends Ctrl-C and returns the exit code.
func (w *watchProcess) interrupt(t *testing.T) int {
	t.Helper()
	if err := w.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-w.done
	err := w.cmd.Wait()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	return w.cmd.ProcessState.ExitCode()
}

// syncWriter is a buffer a process writes while the test reads it.
type syncWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// event is a line of `watch -o json --output-watch-events`, as "TYPE name data.v".
func event(t *testing.T, line string) string {
	t.Helper()
	var ev struct {
		Type   string
		Object struct {
			Metadata struct{ Name string }
			Data     map[string]string
		}
	}
	if err := json.Unmarshal([]byte(line), &ev); err != nil {
		t.Fatalf("not a JSON event: %v: %s", err, line)
	}
	return fmt.Sprintf("%s %s %s", ev.Type, ev.Object.Metadata.Name, ev.Object.Data["v"])
}

func kubectlOK(t *testing.T, env []string, args ...string) {
	t.Helper()
	if r := runKubectl(t, env, args...); r.Code != 0 {
		t.Fatalf("kubectl %s: %s", strings.Join(args, " "), r)
	}
}

// pausableProxy forwards TCP connections to target; paused, it cuts them and refuses new ones, so that
// changes can be made that a watch behind it misses.
type pausableProxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	paused bool
	conns  map[net.Conn]bool
}

func newPausableProxy(t *testing.T, target string) *pausableProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pausableProxy{l: l, target: target, conns: map[net.Conn]bool{}}
	t.Cleanup(func() { l.Close(); p.pause(true) })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *pausableProxy) serve(c net.Conn) {
	p.mu.Lock()
	if p.paused {
		p.mu.Unlock()
		c.Close()
		return
	}
	p.conns[c] = true
	p.mu.Unlock()
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[up] = true
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
}

func (p *pausableProxy) pause(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.paused = on
	if on {
		for c := range p.conns {
			c.Close()
		}
		p.conns = map[net.Conn]bool{}
	}
}

// TestWatchNeverLosesAnEvent restarts the API server under a running watch, then makes changes the watch
// cannot see and compacts etcd so that its resourceVersion is gone (410): the events printed must be
// exactly the changes made, none lost, none twice. It does not run in parallel: the other tests would
// see the API server go away. The watch's stdout is a pipe, as in `kubex watch ... | jq`.
func TestWatchNeverLosesAnEvent(t *testing.T) {
	c := cluster()
	ns := newNamespace(t)
	u, err := url.Parse(c.Server)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newPausableProxy(t, u.Host)
	viaProxy := writeKubeconfig(t, testcluster.KubeconfigOptions{
		Server: "https://" + proxy.l.Addr().String(), ClientCert: c.AdminCert, ClientKey: c.AdminKey})
	cm := func(verb, name, v string) {
		t.Helper()
		switch verb {
		case "create":
			kubectlOK(t, nil, "create", "configmap", "-n", ns, name, "--from-literal=v="+v)
			kubectlOK(t, nil, "label", "configmap", "-n", ns, name, "w=1")
		case "set":
			kubectlOK(t, nil, "patch", "configmap", "-n", ns, name, "-p", `{"data":{"v":"`+v+`"}}`)
		case "delete":
			kubectlOK(t, nil, "delete", "configmap", "-n", ns, name)
		}
	}
	w := startWatch(t, []string{viaProxy}, "watch", "configmaps", "-n", ns, "-l", "w=1", "-o", "json", "--output-watch-events", "-v", "6")
	expect := func(what string, want ...string) {
		t.Helper()
		var got []string
		for range want {
			got = append(got, event(t, w.next(t, 45*time.Second)))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("%s: events\n%s\nwant\n%s\nstderr: %s", what, strings.Join(got, "\n"), strings.Join(want, "\n"), w.stderr)
		}
	}

	cm("create", "a", "1") // created without the label, then labelled: the watch sees it as ADDED
	cm("set", "a", "2")
	expect("before the restart", "ADDED a 1", "MODIFIED a 2")

	if err := c.RestartAPIServer(t.Context()); err != nil {
		t.Fatal(err)
	}
	cm("create", "b", "1")
	cm("set", "a", "3")
	expect("after the restart", "ADDED b 1", "MODIFIED a 3")

	// Changes the watch cannot see, then compaction: its resourceVersion is too old when it comes back.
	proxy.pause(true)
	cm("create", "c", "1")
	cm("set", "b", "2")
	cm("delete", "a", "")
	if err := c.Compact(t.Context()); err != nil {
		t.Fatal(err)
	}
	proxy.pause(false)
	var got []string
	for range 3 {
		got = append(got, event(t, w.next(t, 60*time.Second)))
	}
	sort.Strings(got)
	if want := []string{"ADDED c 1", "DELETED a 3", "MODIFIED b 2"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("after 410: events %q, want %q (in any order); stderr: %s", got, want, w.stderr)
	}
	cm("set", "c", "2")
	expect("after the relist", "MODIFIED c 2")
	w.quiet(t, 2*time.Second)
	// -v 6 shows the requests: the list, watches resumed across the restart, and after 410 a second list.
	if lists := strings.Count(w.stderr.String(), "configmaps?labelSelector=w%3D1&limit=500"); lists != 2 {
		t.Errorf("want 2 lists (the first and the relist after 410), got %d; stderr: %s", lists, w.stderr)
	}
	if code := w.interrupt(t); code != 0 {
		t.Errorf("Ctrl-C: exit code %d, want 0; stderr: %s", code, w.stderr)
	}
}

// TestWatch checks the ways a watch starts and ends.
func TestWatch(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "configmap", "-n", ns, "one", "--from-literal=a=b")

	t.Run("table, header once, Ctrl-C ends with 0", func(t *testing.T) {
		w := startWatch(t, nil, "get", "configmaps", "-n", ns, "--watch")
		if l := w.next(t, 30*time.Second); !strings.HasPrefix(l, "NAME ") {
			t.Fatalf("want the header first: %q", l)
		}
		var names []string
		for range 2 {
			names = append(names, strings.Fields(w.next(t, 30*time.Second))[0])
		}
		sort.Strings(names)
		if strings.Join(names, ",") != "kube-root-ca.crt,one" {
			t.Fatalf("initial rows: %v", names)
		}
		kubectlOK(t, nil, "create", "configmap", "-n", ns, "two")
		if l := w.next(t, 30*time.Second); !strings.HasPrefix(l, "two ") {
			t.Errorf("want a row for two: %q", l)
		}
		if code := w.interrupt(t); code != 0 {
			t.Errorf("exit code %d; stderr: %s", code, w.stderr)
		}
	})
	t.Run("--watch-only and event column", func(t *testing.T) {
		w := startWatch(t, nil, "watch", "configmaps", "-n", ns, "--watch-only", "--output-watch-events", "--field-selector", "metadata.name=three")
		time.Sleep(time.Second) // the watch is open
		kubectlOK(t, nil, "create", "configmap", "-n", ns, "three")
		if l := w.next(t, 30*time.Second); !strings.HasPrefix(l, "EVENT ") {
			t.Fatalf("want the header: %q", l)
		}
		if f := strings.Fields(w.next(t, 30*time.Second)); len(f) < 2 || f[0] != "ADDED" || f[1] != "three" {
			t.Errorf("want ADDED three: %v", f)
		}
		w.interrupt(t)
	})
	t.Run("-o json is one object per line", func(t *testing.T) {
		w := startWatch(t, nil, "watch", "configmap", "one", "-n", ns, "-o", "json")
		var obj struct{ Kind, APIVersion string }
		if err := json.Unmarshal([]byte(w.next(t, 30*time.Second)), &obj); err != nil || obj.Kind != "ConfigMap" || obj.APIVersion != "v1" {
			t.Errorf("want a ConfigMap on one line: %v %+v", err, obj)
		}
		w.interrupt(t)
	})
	t.Run("--request-timeout ends it with 0", func(t *testing.T) {
		start := time.Now()
		r := runKubex(t, nil, "watch", "configmaps", "one", "-n", ns, "--request-timeout=2s", "--no-headers")
		if d := time.Since(start); r.Code != 0 || d < 2*time.Second || d > 20*time.Second || !strings.HasPrefix(r.Stdout, "one ") {
			t.Errorf("after %v: %s", d, r)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			env  []string
			want string
		}{
			{args: []string{"watch", "configmap", "nope", "-n", ns}, want: `Error from server (NotFound): configmaps "nope" not found` + "\n"},
			{args: []string{"watch", "foos"}, want: `error: the server doesn't have a resource type "foos"` + "\n"},
			{args: []string{"watch", "cm,secrets", "-n", ns}, want: "error: watch is only supported on individual resources and resource collections - more than 1 resource was found\n"},
			{args: []string{"watch", "pods", "-A"}, env: []string{writeKubeconfig(t, testcluster.KubeconfigOptions{Token: cluster().NoRightsToken})},
				want: `Error from server (Forbidden): pods is forbidden: User "` + cluster().NoRightsUser + `" cannot list resource "pods" in API group "" at the cluster scope` + "\n"},
		} {
			if r := runKubex(t, tc.env, tc.args...); r.Code != 1 || r.Stderr != tc.want || r.Stdout != "" {
				t.Errorf("%v: %s\nwant stderr %q", tc.args, r, tc.want)
			}
		}
	})
}
