package exec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kubex-cli/kubex/pkg/client/stream"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

// kubelet is a fake server speaking v5.channel.k8s.io (and v4): every request is upgraded and handed to
// session. It returns the Dialer of one exec request.
func kubelet(t *testing.T, session func(*websocket.Conn, *http.Request)) Dialer {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: []string{stream.ProtocolV5, stream.ProtocolV4}}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		session(ws, r)
	}))
	t.Cleanup(srv.Close)
	c, err := transport.New(&config.Resolved{Server: srv.URL, InsecureSkipTLSVerify: true}, transport.Options{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return DialFunc(func(ctx context.Context, protocols ...string) (*stream.Conn, error) {
		return stream.Dial(ctx, c, "/api/v1/namespaces/ns/pods/p/exec?command=sh&stdout=true&stderr=true", protocols...)
	})
}

func send(ws *websocket.Conn, ch byte, data string) {
	_ = ws.WriteMessage(websocket.BinaryMessage, append([]byte{ch}, data...))
}

func exitStatus(code int) string {
	if code == 0 {
		return `{"metadata":{},"status":"Success"}`
	}
	return fmt.Sprintf(`{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status %d","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"%d"}]}}`, code, code)
}

func start(t *testing.T, d Dialer, o Options) *Process {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	p, err := Start(ctx, d, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodesAndDemux(t *testing.T) {
	for _, code := range []int{0, 1, 42, 255} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			d := kubelet(t, func(ws *websocket.Conn, _ *http.Request) {
				send(ws, stream.ChannelStdout, "out 1\n")
				send(ws, stream.ChannelStderr, "err 1\n")
				send(ws, stream.ChannelStdout, "out 2\n")
				send(ws, stream.ChannelError, exitStatus(code))
			})
			var out, errOut bytes.Buffer
			p := start(t, d, Options{Stdout: &out, Stderr: &errOut})
			if p.Protocol() != stream.ProtocolV5 {
				t.Errorf("protocol %q", p.Protocol())
			}
			err := p.Wait()
			if out.String() != "out 1\nout 2\n" || errOut.String() != "err 1\n" {
				t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
			}
			if p.ExitCode() != code {
				t.Errorf("ExitCode() = %d, want %d", p.ExitCode(), code)
			}
			var ee *ExitError
			switch {
			case code == 0 && err != nil:
				t.Fatalf("want success, got %v", err)
			case code != 0 && (!errors.As(err, &ee) || ee.Code() != code):
				t.Fatalf("want an *ExitError with code %d, got %#v", code, err)
			case code != 0 && ee.UserMessage() != fmt.Sprintf("command terminated with exit code %d", code):
				t.Errorf("message %q", ee.UserMessage())
			}
		})
	}
}

func TestResizeFrames(t *testing.T) {
	var mu sync.Mutex
	var sizes []Size
	d := kubelet(t, func(ws *websocket.Conn, _ *http.Request) {
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if msg[0] != stream.ChannelResize {
				continue
			}
			var s Size
			if err := json.Unmarshal(msg[1:], &s); err != nil {
				t.Errorf("resize frame %q: %v", msg, err)
			}
			mu.Lock()
			sizes = append(sizes, s)
			n := len(sizes)
			mu.Unlock()
			if n == 2 {
				send(ws, stream.ChannelError, exitStatus(0))
				return
			}
		}
	})
	p := start(t, d, Options{Stdout: &bytes.Buffer{}, TTY: true})
	p.Resize(81, 25)
	p.Resize(80, 24)
	if err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) != 2 || sizes[0] != (Size{Width: 81, Height: 25}) || sizes[1] != (Size{Width: 80, Height: 24}) {
		t.Errorf("sizes %v, want [{81 25} {80 24}] in order", sizes)
	}
	p.Resize(1, 1) // after the end: no effect, no block
}

func TestResizeNeverBlocks(t *testing.T) {
	d := kubelet(t, func(ws *websocket.Conn, _ *http.Request) {
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return // until the client goes away
			}
		}
	})
	p := start(t, d, Options{Stdout: &bytes.Buffer{}, TTY: true})
	done := make(chan struct{})
	go func() {
		for i := range 10 * resizeQueue {
			p.Resize(uint16(i), 1)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Resize blocked")
	}
	p.Close()
	if err := p.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("after Close: %v", err)
	}
	if p.ExitCode() != -1 {
		t.Errorf("ExitCode() after Close = %d", p.ExitCode())
	}
}

func TestStdinReachesTheProcess(t *testing.T) {
	var got bytes.Buffer
	d := kubelet(t, func(ws *websocket.Conn, _ *http.Request) {
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			switch msg[0] {
			case stream.ChannelStdin:
				got.Write(msg[1:])
			case stream.ChannelClose:
				send(ws, stream.ChannelStdout, strings.ToUpper(got.String()))
				send(ws, stream.ChannelError, exitStatus(0))
				return
			}
		}
	})
	var out bytes.Buffer
	p := start(t, d, Options{Stdin: strings.NewReader("hello"), Stdout: &out})
	if err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "HELLO" {
		t.Errorf("stdout %q", out.String())
	}
}

func TestLostConnectionIsNotSuccess(t *testing.T) {
	cases := map[string]func(*websocket.Conn){
		"dropped": func(ws *websocket.Conn) {
			send(ws, stream.ChannelStdout, "partial")
			ws.NetConn().Close()
		},
		"closed without a status": func(ws *websocket.Conn) {
			send(ws, stream.ChannelStdout, "partial")
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		},
	}
	for name, drop := range cases {
		t.Run(name, func(t *testing.T) {
			d := kubelet(t, func(ws *websocket.Conn, _ *http.Request) { drop(ws) })
			var out bytes.Buffer
			p := start(t, d, Options{Stdout: &out})
			err := p.Wait()
			var lost *LostError
			if !errors.As(err, &lost) {
				t.Fatalf("want a *LostError, got %v", err)
			}
			if p.ExitCode() == 0 {
				t.Error("a lost connection reported exit code 0")
			}
			if out.String() != "partial" {
				t.Errorf("stdout %q", out.String())
			}
		})
	}
}

func TestServerFailure(t *testing.T) {
	d := kubelet(t, func(ws *websocket.Conn, _ *http.Request) {
		send(ws, stream.ChannelError, `{"metadata":{},"status":"Failure","message":"Internal error occurred: boom","reason":"InternalError"}`)
	})
	p := start(t, d, Options{Stdout: &bytes.Buffer{}})
	if err := p.Wait(); err == nil || err.Error() != "Internal error occurred: boom" {
		t.Fatalf("got %v", err)
	}
	if p.ExitCode() != -1 {
		t.Errorf("ExitCode() = %d", p.ExitCode())
	}
}

func TestDialError(t *testing.T) {
	boom := errors.New("boom")
	_, err := Start(t.Context(), DialFunc(func(context.Context, ...string) (*stream.Conn, error) { return nil, boom }), Options{})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

func TestProtocolsOffered(t *testing.T) {
	var offered []string
	d := DialFunc(func(_ context.Context, protocols ...string) (*stream.Conn, error) {
		offered = protocols
		return nil, errors.New("no")
	})
	_, _ = Start(t.Context(), d, Options{})
	if strings.Join(offered, ",") != "v5.channel.k8s.io,v4.channel.k8s.io" {
		t.Errorf("offered %v", offered)
	}
}
