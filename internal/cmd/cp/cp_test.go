package cp

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/stream"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

const podJSON = `{"metadata":{"name":"p","namespace":"ns"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running"}}`

// fakeKubelet answers GET of pod ns/p and upgrades its exec requests (offering protocols), handing each
// session to exec with the command asked for.
func fakeKubelet(t *testing.T, protocols []string, exec func(ws *websocket.Conn, command []string)) *CopyOptions {
	t.Helper()
	up := websocket.Upgrader{Subprotocols: protocols}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/namespaces/ns/pods/p":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, podJSON)
		case "/api/v1/namespaces/ns/pods/p/exec":
			if got := r.URL.Query().Get("container"); got != "c" {
				t.Errorf("container %q", got)
			}
			ws, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer ws.Close()
			exec(ws, r.URL.Query()["command"])
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(&config.Resolved{Server: srv.URL, InsecureSkipTLSVerify: true}, client.WithTransportOptions(transport.Options{Environ: []string{}}), client.WithCacheDir(""))
	if err != nil {
		t.Fatal(err)
	}
	streams, _, _, _ := iostreams.Test()
	return &CopyOptions{
		streams:  streams,
		client:   func() (*client.Client, error) { return c, nil },
		resolved: func() (string, error) { return "ns", nil },
	}
}

func send(ws *websocket.Conn, ch byte, data []byte) {
	_ = ws.WriteMessage(websocket.BinaryMessage, append([]byte{ch}, data...))
}

func exitCode(ws *websocket.Conn, code int) {
	if code == 0 {
		send(ws, stream.ChannelError, []byte(`{"metadata":{},"status":"Success"}`))
		return
	}
	send(ws, stream.ChannelError, fmt.Appendf(nil, `{"metadata":{},"status":"Failure","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"%d"}]}}`, code))
}

// endsArchive reports whether b, as GNU tar reads it (whole records), holds a complete archive.
func endsArchive(b []byte) bool {
	if len(b) == 0 || len(b)%recordSize != 0 {
		return false
	}
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		if _, err := tr.Next(); err != nil {
			return err == io.EOF
		}
	}
}

func TestUpload(t *testing.T) {
	src := filepath.Join(t.TempDir(), "data")
	big := bytes.Repeat([]byte("0123456789abcdef"), 100_000) // 1.6 MB: many messages
	for name, body := range map[string][]byte{"a.txt": []byte("A"), "sub/b.bin": big} {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("a.txt", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name       string
		protocol   string
		destIsDir  bool
		noPreserve bool
		wantCmd    string
		wantPrefix string
	}{
		{name: "v5 into a new path", protocol: stream.ProtocolV5, wantCmd: "tar -xmf - -C /tmp", wantPrefix: "dest"},
		{name: "v5 into a directory", protocol: stream.ProtocolV5, destIsDir: true, noPreserve: true,
			wantCmd: "tar --no-same-permissions --no-same-owner -xmf - -C /tmp/dest", wantPrefix: "data"},
		{name: "v4 has no close message: the padded archive ends it", protocol: stream.ProtocolV4, wantCmd: "tar -xmf - -C /tmp", wantPrefix: "dest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var commands []string
			var received []byte
			closed := false
			o := fakeKubelet(t, []string{tc.protocol}, func(ws *websocket.Conn, command []string) {
				mu.Lock()
				commands = append(commands, strings.Join(command, " "))
				mu.Unlock()
				if command[0] == "test" {
					exitCode(ws, map[bool]int{true: 0, false: 1}[tc.destIsDir])
					return
				}
				for !closed && !(tc.protocol == stream.ProtocolV4 && endsArchive(received)) {
					_, msg, err := ws.ReadMessage()
					if err != nil {
						t.Errorf("reading stdin: %v", err)
						return
					}
					switch msg[0] {
					case stream.ChannelStdin:
						received = append(received, msg[1:]...)
					case stream.ChannelClose:
						closed = true
					}
				}
				send(ws, stream.ChannelStdout, []byte("extracted\n"))
				exitCode(ws, 0)
			})
			o.NoPreserve = tc.noPreserve
			if err := o.Complete([]string{src, "p:/tmp/dest/"}); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if err := o.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if got := o.streams.Out.(*bytes.Buffer).String(); got != "extracted\n" {
				t.Errorf("stdout %q", got)
			}
			if want := []string{"test -d /tmp/dest", tc.wantCmd}; strings.Join(commands, "\n") != strings.Join(want, "\n") {
				t.Errorf("commands\n%s\nwant\n%s", strings.Join(commands, "\n"), strings.Join(want, "\n"))
			}
			if tc.protocol == stream.ProtocolV5 && !closed {
				t.Error("stdin was not closed with the v5 close message")
			}
			if len(received)%recordSize != 0 {
				t.Errorf("archive of %d bytes: not whole records of %d", len(received), recordSize)
			}
			got := map[string]string{}
			tr := tar.NewReader(bytes.NewReader(received))
			for {
				h, err := tr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(tr)
				got[h.Name] = fmt.Sprintf("%c %o %d %s", h.Typeflag, h.Mode, len(b), h.Linkname)
			}
			p := tc.wantPrefix
			want := map[string]string{
				p + "/":          "5 20000000755 0 ",
				p + "/a.txt":     "0 640 1 ",
				p + "/link":      "2 20000000777 0 a.txt",
				p + "/sub/":      "5 20000000755 0 ",
				p + "/sub/b.bin": fmt.Sprintf("0 640 %d ", len(big)),
			}
			for name, w := range want {
				g, ok := got[name]
				// Modes as FileInfoHeader writes them; compare the type, the size and the link exactly.
				gf, wf := strings.Fields(g), strings.Fields(w)
				if !ok || gf[0] != wf[0] || gf[2] != wf[2] || (len(wf) > 3 && (len(gf) < 4 || gf[3] != wf[3])) {
					t.Errorf("entry %s: got %q, want %q", name, g, w)
				}
			}
			if len(got) != len(want) {
				t.Errorf("entries %v", got)
			}
		})
	}
}

func TestUploadRemoteFailure(t *testing.T) {
	o := fakeKubelet(t, []string{stream.ProtocolV5}, func(ws *websocket.Conn, command []string) {
		if command[0] == "tar" {
			send(ws, stream.ChannelStderr, []byte("tar: /nope: Cannot open: No such file or directory\n"))
		}
		exitCode(ws, 2)
	})
	src := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(src, bytes.Repeat([]byte{1}, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := o.Complete([]string{src, "p:/nope/f"}); err != nil {
		t.Fatal(err)
	}
	err := o.Run(t.Context())
	if err == nil || err.Error() != "copying "+src+" to pod p: tar in the container failed: command terminated with exit code 2" {
		t.Fatalf("error %v", err)
	}
	if got := o.streams.ErrOut.(*bytes.Buffer).String(); !strings.Contains(got, "Cannot open") {
		t.Errorf("stderr %q", got)
	}
}

func TestDownloadResumesAfterLostConnection(t *testing.T) {
	var body bytes.Buffer
	tw := tar.NewWriter(&body)
	data := bytes.Repeat([]byte("x"), 200_000)
	_ = tw.WriteHeader(&tar.Header{Name: "src/f", Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
	_, _ = tw.Write(data)
	_ = tw.Close()
	full := body.Bytes()
	cut := 100_000

	var commands []string
	o := fakeKubelet(t, []string{stream.ProtocolV5}, func(ws *websocket.Conn, command []string) {
		commands = append(commands, strings.Join(command, " "))
		if len(commands) == 1 {
			send(ws, stream.ChannelStdout, full[:cut])
			return // the connection drops before an exit status
		}
		send(ws, stream.ChannelStdout, full[cut:])
		exitCode(ws, 0)
	})
	o.Retries = 2
	dest := filepath.Join(t.TempDir(), "out")
	if err := o.Complete([]string{"p:src", dest}); err != nil {
		t.Fatal(err)
	}
	if err := o.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := []string{"sh -c tar cf - 'src' | tail -c+1", fmt.Sprintf("sh -c tar cf - 'src' | tail -c+%d", cut+1)}
	if strings.Join(commands, "\n") != strings.Join(want, "\n") {
		t.Errorf("commands\n%s\nwant\n%s", strings.Join(commands, "\n"), strings.Join(want, "\n"))
	}
	if b, err := os.ReadFile(filepath.Join(dest, "f")); err != nil || !bytes.Equal(b, data) {
		t.Errorf("file: %d bytes, %v", len(b), err)
	}
	if got := o.streams.ErrOut.(*bytes.Buffer).String(); got != fmt.Sprintf("Resuming copy at %d bytes, retry 1/2\n", cut) {
		t.Errorf("stderr %q", got)
	}
}

func TestDownloadWithoutRetriesFailsOnLostConnection(t *testing.T) {
	o := fakeKubelet(t, []string{stream.ProtocolV5}, func(ws *websocket.Conn, command []string) {
		send(ws, stream.ChannelStdout, make([]byte, 512)) // not even one header
	})
	if err := o.Complete([]string{"p:src", filepath.Join(t.TempDir(), "out")}); err != nil {
		t.Fatal(err)
	}
	err := o.Run(t.Context())
	var lost *stream.LostError
	if !errors.As(err, &lost) {
		t.Fatalf("error %v, want a lost connection", err)
	}
}
