// Package stream carries exec, attach and port-forward over a websocket: the upgrade goes through the one
// client's chain (authentication, impersonation, TLS, proxy, timeouts), and gorilla/websocket frames the
// upgraded connection. On top of it sit the Kubernetes channel protocol (v5.channel.k8s.io, then
// v4.channel.k8s.io) and the websocket port-forward protocol.
package stream

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// The subprotocols of the channel protocol. v5 adds the close message that half-closes stdin.
const (
	ProtocolV5 = "v5.channel.k8s.io"
	ProtocolV4 = "v4.channel.k8s.io"
)

// bufferSize is gorilla's read and write buffer: big enough for a 32 KiB chunk and its channel byte in
// one frame, as client-go sizes them, with room for the frame header.
const bufferSize = 64<<10 + 1024

// Client is the part of *transport.Client an upgrade uses.
type Client interface {
	NewRequest(ctx context.Context, method, pathAndQuery string, body io.Reader) (*http.Request, error)
	HTTP() *http.Client
}

var _ Client = (*transport.Client)(nil)

// Conn is an upgraded websocket connection and the subprotocol the server chose.
type Conn struct {
	ws       *websocket.Conn
	protocol string
	cancel   context.CancelFunc
}

// Protocol is the subprotocol the server chose.
func (c *Conn) Protocol() string { return c.protocol }

// Close ends the connection.
func (c *Conn) Close() error {
	c.cancel()
	return c.ws.Close()
}

// Dial upgrades a GET of pathAndQuery to a websocket offering protocols in order of preference.
//
// The handshake is sent as an ordinary request through the client's chain, so it carries the same
// credentials, impersonation headers, TLS configuration and proxy as every other request, and the 101
// answer's body is the raw connection. The chain's RoundTripper is used rather than http.Client.Do:
// http.Client.Timeout (--request-timeout) would wrap that body in a read-only one and cut the session
// when the timeout passes; here it bounds the handshake alone.
//
// gorilla/websocket has no constructor from an established connection, so its Dialer is given a
// connection that answers the handshake gorilla writes (with the protocol the server chose) and then
// reads and writes the upgraded connection: the framing, masking, control frames and close handshake are
// gorilla's.
func Dial(ctx context.Context, c Client, pathAndQuery string, protocols ...string) (*Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	ok := false
	defer func() {
		if !ok {
			cancel()
		}
	}()
	req, err := c.NewRequest(ctx, http.MethodGet, pathAndQuery, nil)
	if err != nil {
		return nil, err
	}
	key, err := challengeKey()
	if err != nil {
		return nil, err
	}
	// Not the chain's default (JSON): the port-forward handler answers 406 to that.
	req.Header.Set("Accept", "*/*")
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Key", key)
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Protocol", strings.Join(protocols, ", "))

	hc := c.HTTP()
	if hc.Timeout > 0 {
		t := time.AfterFunc(hc.Timeout, cancel)
		defer t.Stop()
	}
	resp, err := hc.Transport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return nil, upgradeError(resp)
	}
	rwc, isRW := resp.Body.(io.ReadWriteCloser)
	if !isRW {
		resp.Body.Close()
		return nil, errors.New("unable to upgrade connection: the upgraded connection is not writable")
	}
	if !strings.EqualFold(resp.Header.Get("Upgrade"), "websocket") ||
		resp.Header.Get("Sec-WebSocket-Accept") != acceptKey(key) {
		rwc.Close()
		return nil, errors.New("unable to upgrade connection: the server's answer is not a websocket handshake")
	}
	chosen := resp.Header.Get("Sec-WebSocket-Protocol")
	if !contains(protocols, chosen) {
		rwc.Close()
		if chosen == "" {
			return nil, fmt.Errorf("unable to upgrade connection: the server chose none of the protocols %s", strings.Join(protocols, ", "))
		}
		return nil, fmt.Errorf("unable to upgrade connection: the server chose protocol %q, not one of %s", chosen, strings.Join(protocols, ", "))
	}

	bridge := &handshakeConn{rwc: rwc, protocol: chosen}
	d := websocket.Dialer{
		NetDialContext:  func(context.Context, string, string) (net.Conn, error) { return bridge, nil },
		Subprotocols:    []string{chosen},
		ReadBufferSize:  bufferSize,
		WriteBufferSize: bufferSize,
	}
	ws, _, err := d.DialContext(ctx, "ws://upgraded.invalid/", nil)
	if err != nil {
		rwc.Close()
		return nil, fmt.Errorf("websocket: %w", err)
	}
	ws.SetReadLimit(-1)
	ok = true
	return &Conn{ws: ws, protocol: chosen, cancel: cancel}, nil
}

// upgradeError is kubectl's error for a refused upgrade: a Status body as the server's error
// ("Error from server (Forbidden): ..."), anything else as "unable to upgrade connection: BODY".
func upgradeError(resp *http.Response) error {
	if resp.StatusCode >= 400 {
		var buf bytes.Buffer
		_, _ = io.Copy(&buf, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		body := buf.Bytes()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		err := transport.ErrorFromResponse(resp)
		var se *transport.StatusError
		if errors.As(err, &se) && se.Status == "Failure" && !isGeneric(se) {
			return err
		}
		msg := strings.TrimSpace(string(body))
		if msg == "" {
			msg = resp.Status
		}
		return fmt.Errorf("unable to upgrade connection: %s", msg)
	}
	transport.DrainAndClose(resp)
	return fmt.Errorf("unable to upgrade connection: the server answered %s", resp.Status)
}

// isGeneric reports a StatusError made up from the status code rather than sent by the server.
func isGeneric(se *transport.StatusError) bool {
	if se.Details == nil {
		return false
	}
	for _, c := range se.Details.Causes {
		if c.Type == "UnexpectedServerResponse" {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s && s != "" {
			return true
		}
	}
	return false
}

func challengeKey() (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

var keyGUID = []byte("258EAFA5-E914-47DA-95CA-C5AB0DC85B11")

func acceptKey(key string) string {
	h := sha1.New()
	h.Write([]byte(key))
	h.Write(keyGUID)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// handshakeConn is what gorilla's Dialer dials: it swallows the handshake request gorilla writes and
// answers it with a 101 for gorilla's own key and the protocol already agreed with the server; from then
// on it is the upgraded connection. Deadlines are not supported by net/http's upgraded body and are
// ignored: sessions end by closing.
type handshakeConn struct {
	rwc      io.ReadWriteCloser
	protocol string

	request  []byte // the handshake gorilla is writing
	answer   []byte // the 101 still to be read by gorilla
	answered bool
}

func (h *handshakeConn) Write(p []byte) (int, error) {
	if h.answered {
		return h.rwc.Write(p)
	}
	h.request = append(h.request, p...)
	if !bytes.Contains(h.request, []byte("\r\n\r\n")) {
		return len(p), nil
	}
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(h.request)))
	if err != nil {
		return 0, fmt.Errorf("reading the websocket handshake: %w", err)
	}
	h.answer = fmt.Appendf(nil, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\nSec-WebSocket-Protocol: %s\r\n\r\n",
		acceptKey(req.Header.Get("Sec-WebSocket-Key")), h.protocol)
	h.answered, h.request = true, nil
	return len(p), nil
}

func (h *handshakeConn) Read(p []byte) (int, error) {
	if len(h.answer) > 0 {
		n := copy(p, h.answer)
		h.answer = h.answer[n:]
		return n, nil
	}
	return h.rwc.Read(p)
}

func (h *handshakeConn) Close() error                     { return h.rwc.Close() }
func (h *handshakeConn) LocalAddr() net.Addr              { return upgradedAddr{} }
func (h *handshakeConn) RemoteAddr() net.Addr             { return upgradedAddr{} }
func (h *handshakeConn) SetDeadline(time.Time) error      { return nil }
func (h *handshakeConn) SetReadDeadline(time.Time) error  { return nil }
func (h *handshakeConn) SetWriteDeadline(time.Time) error { return nil }

type upgradedAddr struct{}

func (upgradedAddr) Network() string { return "upgraded" }
func (upgradedAddr) String() string  { return "upgraded" }
