package stream

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

// fakeServer upgrades every request, offering only protocols, and runs handle on the connection.
func fakeServer(t *testing.T, protocols []string, handle func(*testing.T, *websocket.Conn, *http.Request)) *transport.Client {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: protocols}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		handle(t, ws, r)
	}))
	t.Cleanup(srv.Close)
	return newClient(t, srv)
}

func newClient(t *testing.T, srv *httptest.Server) *transport.Client {
	t.Helper()
	r := &config.Resolved{Server: srv.URL, InsecureSkipTLSVerify: true, Token: "secret-token"}
	c, err := transport.New(r, transport.Options{Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func send(ws *websocket.Conn, ch byte, data []byte) error {
	return ws.WriteMessage(websocket.BinaryMessage, append([]byte{ch}, data...))
}

func exitStatus(code int) []byte {
	if code == 0 {
		return []byte(`{"metadata":{},"status":"Success"}`)
	}
	return fmt.Appendf(nil, `{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code: exit status %d","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"%d"}]}}`, code, code)
}

func run(t *testing.T, c *transport.Client, s Streams) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := Dial(ctx, c, "/api/v1/namespaces/ns/pods/p/exec?command=x&stdout=true", ProtocolV5, ProtocolV4)
	if err != nil {
		return "", err
	}
	return conn.Protocol(), conn.Stream(ctx, s)
}

func TestExitCodes(t *testing.T) {
	for _, code := range []int{0, 3, 137} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			c := fakeServer(t, []string{ProtocolV5, ProtocolV4}, func(t *testing.T, ws *websocket.Conn, r *http.Request) {
				if got := r.Header.Get("Authorization"); got != "Bearer secret-token" {
					t.Errorf("the upgrade did not go through the chain: Authorization %q", got)
				}
				_ = send(ws, ChannelStdout, []byte("out\n"))
				_ = send(ws, ChannelStderr, []byte("err\n"))
				_ = send(ws, ChannelError, exitStatus(code))
			})
			var out, errOut bytes.Buffer
			proto, err := run(t, c, Streams{Stdout: &out, Stderr: &errOut})
			if proto != ProtocolV5 {
				t.Errorf("protocol %q, want v5", proto)
			}
			if out.String() != "out\n" || errOut.String() != "err\n" {
				t.Errorf("stdout %q, stderr %q", out.String(), errOut.String())
			}
			var ee *ExitCodeError
			switch {
			case code == 0 && err != nil:
				t.Errorf("want success, got %v", err)
			case code != 0 && (!errors.As(err, &ee) || ee.Code != code):
				t.Errorf("want exit code %d, got %v", code, err)
			case code != 0 && ee.UserMessage() != fmt.Sprintf("command terminated with exit code %d", code):
				t.Errorf("message %q", ee.UserMessage())
			}
		})
	}
}

func TestV4OnlyServerAndStdin(t *testing.T) {
	var got bytes.Buffer
	c := fakeServer(t, []string{ProtocolV4}, func(t *testing.T, ws *websocket.Conn, _ *http.Request) {
		for got.Len() < 5 {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if msg[0] == ChannelClose {
				t.Error("a v4 server was sent a v5 close message")
			}
			got.Write(msg[1:])
		}
		_ = send(ws, ChannelError, exitStatus(0))
	})
	proto, err := run(t, c, Streams{Stdin: strings.NewReader("hello")})
	if err != nil || proto != ProtocolV4 {
		t.Fatalf("protocol %q, err %v", proto, err)
	}
	if got.String() != "hello" {
		t.Errorf("stdin %q", got.String())
	}
}

func TestV5ClosesStdinAndResizes(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	sum := md5.Sum(data)
	var mu sync.Mutex
	var sizes []Size
	c := fakeServer(t, []string{ProtocolV5}, func(t *testing.T, ws *websocket.Conn, _ *http.Request) {
		h := md5.New()
		closed := false
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				t.Errorf("read: %v", err)
				return
			}
			switch msg[0] {
			case ChannelStdin:
				h.Write(msg[1:])
			case ChannelResize:
				var s Size
				if err := json.Unmarshal(msg[1:], &s); err != nil {
					t.Errorf("resize %q: %v", msg, err)
				}
				mu.Lock()
				sizes = append(sizes, s)
				mu.Unlock()
			case ChannelClose:
				closed = true
				if !bytes.Equal(msg, []byte{ChannelClose, ChannelStdin}) {
					t.Errorf("close message %v", msg)
				}
				if got := h.Sum(nil); !bytes.Equal(got, sum[:]) {
					t.Errorf("stdin md5 %x, want %x", got, sum)
				}
			}
			mu.Lock()
			resized := len(sizes) > 0
			mu.Unlock()
			if closed && resized {
				_ = send(ws, ChannelError, exitStatus(0))
				return
			}
		}
	})
	resize := make(chan Size, 1)
	resize <- Size{Width: 100, Height: 25}
	if _, err := run(t, c, Streams{Stdin: bytes.NewReader(data), Resize: resize}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) != 1 || sizes[0] != (Size{100, 25}) {
		t.Errorf("sizes %v", sizes)
	}
}

func TestLostConnection(t *testing.T) {
	cases := map[string]func(*websocket.Conn){
		"dropped mid-stream": func(ws *websocket.Conn) {
			_ = send(ws, ChannelStdout, []byte("partial"))
			ws.NetConn().Close()
		},
		"closed without status": func(ws *websocket.Conn) {
			_ = send(ws, ChannelStdout, []byte("partial"))
			_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
		},
	}
	for name, drop := range cases {
		t.Run(name, func(t *testing.T) {
			c := fakeServer(t, []string{ProtocolV5}, func(_ *testing.T, ws *websocket.Conn, _ *http.Request) { drop(ws) })
			var out bytes.Buffer
			_, err := run(t, c, Streams{Stdout: &out})
			var lost *LostError
			if !errors.As(err, &lost) {
				t.Fatalf("want a lost connection, got %v", err)
			}
			if !strings.Contains(err.Error(), "lost connection to the server before the command's exit status arrived") {
				t.Errorf("message: %v", err)
			}
			if out.String() != "partial" {
				t.Errorf("stdout %q", out.String())
			}
		})
	}
}

func TestMalformed(t *testing.T) {
	cases := []struct {
		name string
		send func(*websocket.Conn)
		want string
	}{
		{"unknown channel", func(ws *websocket.Conn) { _ = send(ws, 9, []byte("x")) }, "stream protocol error: message on unknown channel 9"},
		{"text message", func(ws *websocket.Conn) { _ = ws.WriteMessage(websocket.TextMessage, []byte("\x01hi")) }, "unexpected message type 1"},
		{"bad status json", func(ws *websocket.Conn) { _ = send(ws, ChannelError, []byte("{not json")) }, "stream protocol error: invalid character"},
		{"exit code not a number", func(ws *websocket.Conn) {
			_ = send(ws, ChannelError, []byte(`{"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"x"}]}}`))
		}, `invalid exit code value "x"`},
		{"no exit code cause", func(ws *websocket.Conn) {
			_ = send(ws, ChannelError, []byte(`{"status":"Failure","reason":"NonZeroExitCode","details":{}}`))
		}, "no ExitCode cause given"},
		{"other failure", func(ws *websocket.Conn) {
			_ = send(ws, ChannelError, []byte(`{"status":"Failure","reason":"InternalError","message":"Internal error occurred: boom"}`))
		}, "Internal error occurred: boom"},
		{"empty messages then success", func(ws *websocket.Conn) {
			_ = ws.WriteMessage(websocket.BinaryMessage, nil)
			_ = send(ws, ChannelStdout, nil)
			_ = send(ws, ChannelError, exitStatus(0))
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := fakeServer(t, []string{ProtocolV5}, func(_ *testing.T, ws *websocket.Conn, _ *http.Request) {
				tc.send(ws)
				time.Sleep(100 * time.Millisecond)
			})
			_, err := run(t, c, Streams{Stdout: io.Discard})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

func TestRefusedUpgrade(t *testing.T) {
	cases := []struct {
		code int
		body string
		want string
	}{
		{403, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"p\" is forbidden: User \"u\" cannot create resource \"pods/exec\"","reason":"Forbidden","code":403}`,
			`Error from server (Forbidden): pods "p" is forbidden: User "u" cannot create resource "pods/exec"`},
		{404, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"pods \"p\" not found","reason":"NotFound","code":404}`,
			`Error from server (NotFound): pods "p" not found`},
		{400, `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"container c is not valid for pod p","reason":"BadRequest","code":400}`,
			`Error from server (BadRequest): container c is not valid for pod p`},
		{404, "404 page not found\n", "unable to upgrade connection: 404 page not found"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.code)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			_, err := run(t, newClient(t, srv), Streams{})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			var se *transport.StatusError
			if errors.As(err, &se) {
				msg = se.UserMessage()
			}
			if msg != tc.want {
				t.Errorf("got  %q\nwant %q", msg, tc.want)
			}
		})
	}
}

func TestNoCommonProtocol(t *testing.T) {
	c := fakeServer(t, []string{"v3.channel.k8s.io"}, func(*testing.T, *websocket.Conn, *http.Request) {})
	_, err := run(t, c, Streams{})
	if err == nil || !strings.Contains(err.Error(), "chose none of the protocols v5.channel.k8s.io, v4.channel.k8s.io") {
		t.Fatalf("got %v", err)
	}
}

func TestContextCancelEndsSession(t *testing.T) {
	c := fakeServer(t, []string{ProtocolV5}, func(_ *testing.T, ws *websocket.Conn, _ *http.Request) {
		_, _, _ = ws.ReadMessage() // until the client goes away
	})
	ctx, cancel := context.WithCancel(t.Context())
	conn, err := Dial(ctx, c, "/x", ProtocolV5)
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(50*time.Millisecond, cancel)
	if err := conn.Stream(ctx, Streams{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

// portForwardServer answers like the kubelet: the port on both channels, then an echo (or an error).
// The echo answers one message, then the remote side closes, as a one-shot server would.
func portForwardServer(t *testing.T, refuse bool) *transport.Client {
	return fakeServer(t, []string{ProtocolV4}, func(t *testing.T, ws *websocket.Conn, r *http.Request) {
		if r.URL.Query().Get("ports") != "8080" {
			t.Errorf("ports=%q", r.URL.Query().Get("ports"))
		}
		p := binary.LittleEndian.AppendUint16(nil, 8080)
		_ = send(ws, 0, p)
		_ = send(ws, 1, p)
		if refuse {
			_ = send(ws, 1, []byte("dial tcp 127.0.0.1:8080: connect: connection refused"))
			return
		}
		_, msg, err := ws.ReadMessage()
		if err != nil {
			return
		}
		_ = send(ws, 0, bytes.ToUpper(msg[1:]))
	})
}

func TestForward(t *testing.T) {
	c := portForwardServer(t, false)
	a, b := net.Pipe()
	errc := make(chan error, 1)
	go func() {
		errc <- forward(t.Context(), c, "/api/v1/namespaces/ns/pods/p/portforward?ports=8080", 8080, b)
	}()
	if _, err := a.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if _, err := io.ReadFull(a, got); err != nil || string(got) != "HELLO" {
		t.Fatalf("%q %v", got, err)
	}
	if n, err := a.Read(got); err != io.EOF {
		t.Fatalf("after the remote side closed: %d, %v", n, err)
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Forward did not end after the remote side closed")
	}
}

func TestForwardRefused(t *testing.T) {
	c := portForwardServer(t, true)
	a, b := net.Pipe()
	defer a.Close()
	err := forward(t.Context(), c, "/p/portforward?ports=8080", 8080, b)
	var pe *PortForwardError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "error forwarding port 8080: dial tcp 127.0.0.1:8080: connect: connection refused") {
		t.Fatalf("got %v", err)
	}
}

func forward(ctx context.Context, c Client, path string, port uint16, local io.ReadWriteCloser) error {
	conn, err := Dial(ctx, c, path, PortForwardProtocol)
	if err != nil {
		local.Close()
		return err
	}
	return conn.Forward(ctx, port, local)
}
