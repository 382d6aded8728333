package stream

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/gorilla/websocket"
)

// messages cuts data into websocket messages: each is a length byte, then that many bytes (the first
// of them the channel).
func messages(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := min(int(data[0]), len(data)-1)
		out = append(out, data[1:1+n])
		data = data[1+n:]
	}
	return out
}

// FuzzDemux: whatever messages the server sends, stdout and stderr get exactly the payloads of their
// channels' messages, in order, up to the error channel's first non-empty message; nothing else reaches
// them, and the session ends.
func FuzzDemux(f *testing.F) {
	f.Add(append(append([]byte{4, 1, 'o', 'u', 't', 4, 2, 'e', 'r', 'r'}, byte(len(exitStatus(0))+1), 3), exitStatus(0)...))
	f.Add(append([]byte{0, 1, 1, 2, 9, 'x', 5, 1, 'a'}, append([]byte{byte(len(exitStatus(2)) + 1), 3}, exitStatus(2)...)...))
	f.Add([]byte{2, 3, '{', 3, 255, 0})
	f.Add([]byte{})
	msgs := make(chan [][]byte, 1)
	c := fakeServer(&testing.T{}, []string{ProtocolV5, ProtocolV4}, func(_ *testing.T, ws *websocket.Conn, _ *http.Request) {
		for _, m := range <-msgs {
			if ws.WriteMessage(websocket.BinaryMessage, m) != nil {
				return
			}
		}
		_ = ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		ms := messages(data)
		msgs <- ms
		var stdout, stderr bytes.Buffer
		_, _ = run(t, c, Streams{Stdout: &stdout, Stderr: &stderr})
		var wantOut, wantErr []byte
		for _, m := range ms {
			if len(m) == 0 {
				continue
			}
			if m[0] == ChannelError && len(m) > 1 {
				break
			}
			if m[0] != ChannelStdout && m[0] != ChannelStderr && m[0] != ChannelError {
				break // a protocol error ends the session
			}
			switch m[0] {
			case ChannelStdout:
				wantOut = append(wantOut, m[1:]...)
			case ChannelStderr:
				wantErr = append(wantErr, m[1:]...)
			}
		}
		if !bytes.Equal(stdout.Bytes(), wantOut) || !bytes.Equal(stderr.Bytes(), wantErr) {
			t.Fatalf("stdout %q want %q; stderr %q want %q", stdout.Bytes(), wantOut, stderr.Bytes(), wantErr)
		}
	})
}
