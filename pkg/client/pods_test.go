package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kubex-cli/kubex/pkg/client/stream"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/exec"
)

func TestSelectorString(t *testing.T) {
	cases := []struct {
		kind, raw, want string
	}{
		{"Deployment", `{"matchLabels":{"b":"2","a":"1"}}`, "a=1,b=2"},
		{"StatefulSet", `{"matchLabels":{"a":"1"},"matchExpressions":[{"key":"t","operator":"In","values":["y","x"]},{"key":"e","operator":"Exists"},{"key":"n","operator":"DoesNotExist"},{"key":"o","operator":"NotIn","values":["z"]}]}`, "a=1,t in (x,y),e,!n,o notin (z)"},
		{"Service", `{"app":"web"}`, "app=web"},
	}
	for _, c := range cases {
		got, err := selectorString(c.kind, json.RawMessage(c.raw))
		if err != nil || got != c.want {
			t.Errorf("%s %s: %q, %v; want %q", c.kind, c.raw, got, err, c.want)
		}
	}
	if _, err := selectorString("ConfigMap", nil); err == nil {
		t.Error("a ConfigMap has no selector")
	}
	if _, err := selectorString("Service", json.RawMessage(`{}`)); err == nil {
		t.Error("an empty service selector must fail")
	}
}

func TestDefaultContainer(t *testing.T) {
	var p Pod
	p.Metadata.Name = "p"
	p.Spec.Containers = []Container{{Name: "a"}, {Name: "b"}}
	p.Spec.InitContainers = []Container{{Name: "i"}}
	c, others, err := p.Container("")
	if err != nil || c.Name != "a" || !others || p.AllContainerNames() != "a, b, i (init)" {
		t.Errorf("%v %v %v %q", c, others, err, p.AllContainerNames())
	}
	p.Metadata.Annotations = map[string]string{DefaultContainerAnnotation: "b"}
	if c, others, _ := p.Container(""); c.Name != "b" || others {
		t.Errorf("annotation: %v %v", c, others)
	}
	if c, others, _ := p.Container("i"); c.Name != "i" || others {
		t.Errorf("by name: %v %v", c, others)
	}
	if _, _, err := p.Container("nope"); err == nil || err.Error() != "container nope not found in pod p" {
		t.Errorf("%v", err)
	}
	var single Pod
	single.Spec.Containers = []Container{{Name: "only"}}
	if c, others, _ := single.Container(""); c.Name != "only" || others {
		t.Errorf("single: %v %v", c, others)
	}
}

// podServer is an API server with pods a (pending, newer) and b (running) in ns, labelled app=web, whose
// exec, attach and portforward requests are upgraded and recorded.
func podServer(t *testing.T) (*Client, chan *http.Request) {
	t.Helper()
	seen := make(chan *http.Request, 16)
	up := websocket.Upgrader{Subprotocols: []string{stream.ProtocolV5, stream.ProtocolV4}}
	pod := func(name, phase, created string) string {
		return fmt.Sprintf(`{"metadata":{"name":%q,"namespace":"ns","creationTimestamp":%q},"spec":{"nodeName":"n","containers":[{"name":"c"}]},"status":{"phase":%q}}`, name, created, phase)
	}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/namespaces/ns/pods":
			if r.URL.Query().Get("labelSelector") != "app=web" {
				fmt.Fprint(w, `{"kind":"PodList","items":[]}`)
				return
			}
			fmt.Fprintf(w, `{"kind":"PodList","items":[%s,%s]}`, pod("a", "Pending", "2024-01-02T00:00:00Z"), pod("b", "Running", "2024-01-01T00:00:00Z"))
		case "/api/v1/namespaces/ns/pods/b":
			fmt.Fprint(w, pod("b", "Running", "2024-01-01T00:00:00Z"))
		case "/api/v1/namespaces/ns/pods/b/exec", "/api/v1/namespaces/ns/pods/b/attach":
			seen <- r
			ws, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer ws.Close()
			_ = ws.WriteMessage(websocket.BinaryMessage, append([]byte{stream.ChannelStdout}, "hi\n"...))
			_ = ws.WriteMessage(websocket.BinaryMessage, append([]byte{stream.ChannelError}, `{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"7"}]}}`...))
		case "/api/v1/namespaces/ns/pods/b/portforward":
			seen <- r
			ws, err := (&websocket.Upgrader{Subprotocols: []string{stream.PortForwardProtocol}}).Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer ws.Close()
			p := []byte{0x90, 0x1f} // 8080
			_ = ws.WriteMessage(websocket.BinaryMessage, append([]byte{0}, p...))
			_ = ws.WriteMessage(websocket.BinaryMessage, append([]byte{1}, p...))
			_, msg, err := ws.ReadMessage()
			if err == nil {
				_ = ws.WriteMessage(websocket.BinaryMessage, append([]byte{0}, bytes.ToUpper(msg[1:])...))
			}
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods %q not found","reason":"NotFound","code":404}`, path.Base(r.URL.Path))
		}
	}))
	t.Cleanup(srv.Close)
	c, err := New(&config.Resolved{Server: srv.URL, InsecureSkipTLSVerify: true, Namespace: "ns"}, WithCacheDir(""),
		WithTransportOptions(transport.Options{Environ: []string{}}))
	if err != nil {
		t.Fatal(err)
	}
	return c, seen
}

func TestPickPodMostActive(t *testing.T) {
	c, _ := podServer(t)
	p, err := c.PickPod(t.Context(), &PodTarget{Typed: "deployment/web", Namespace: "ns", Selector: "app=web"}, time.Second)
	if err != nil || p.Metadata.Name != "b" {
		t.Fatalf("%v %v", p, err)
	}
	_, err = c.PickPod(t.Context(), &PodTarget{Typed: "deployment/none", Namespace: "ns", Selector: "app=none"}, 0)
	if err == nil || err.Error() != "timed out waiting for a pod of deployment/none (selector app=none)" {
		t.Fatalf("%v", err)
	}
	if _, err := c.Pods("ns").GetPod(t.Context(), "gone"); !IsNotFound(err) {
		t.Fatalf("want NotFound, got %v", err)
	}
	if tg, err := c.ResolvePod(t.Context(), "ns", "b"); err != nil || tg.Pod == nil || tg.Typed != "pod/b" {
		t.Fatalf("%+v %v", tg, err)
	}
}

func TestExecAndAttachRequests(t *testing.T) {
	c, seen := podServer(t)
	pods := c.Pods("ns")
	cases := []struct {
		name  string
		start func(exec.Options) (*exec.Process, error)
		o     exec.Options
		want  string
	}{
		{"exec", func(o exec.Options) (*exec.Process, error) { return pods.Exec(t.Context(), "b", o) },
			exec.Options{Command: []string{"sh", "-c", "exit 7"}, Container: "c", Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}},
			"command=sh&command=-c&command=exit+7&container=c&stderr=true&stdout=true"},
		{"exec with a terminal", func(o exec.Options) (*exec.Process, error) { return pods.Exec(t.Context(), "b", o) },
			exec.Options{Command: []string{"sh"}, Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, TTY: true},
			"command=sh&stdin=true&stdout=true&tty=true"},
		{"attach", func(o exec.Options) (*exec.Process, error) { return pods.Attach(t.Context(), "b", o) },
			exec.Options{Command: []string{"ignored"}, Container: "c", Stdout: &bytes.Buffer{}},
			"container=c&stdout=true"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.start(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			r := <-seen
			if r.URL.RawQuery != tc.want {
				t.Errorf("query %s\nwant  %s", r.URL.RawQuery, tc.want)
			}
			var ee *exec.ExitError
			if err := p.Wait(); !errors.As(err, &ee) || ee.Code() != 7 || p.ExitCode() != 7 {
				t.Errorf("Wait: %v", err)
			}
			if got := tc.o.Stdout.(*bytes.Buffer).String(); got != "hi\n" {
				t.Errorf("stdout %q", got)
			}
		})
	}
}

func TestPortForward(t *testing.T) {
	c, seen := podServer(t)
	a, b := net.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- c.Pods("ns").PortForward(t.Context(), "b", 8080, b) }()
	if _, err := a.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	if _, err := io.ReadFull(a, got); err != nil || string(got) != "PING" {
		t.Fatalf("%q %v", got, err)
	}
	if r := <-seen; r.URL.RawQuery != "ports=8080" {
		t.Errorf("query %s", r.URL.RawQuery)
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("PortForward did not end")
	}
}
