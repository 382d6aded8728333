package stream

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// PortForwardProtocol is the websocket port-forward protocol's subprotocol: per port two channels
// (data 2i, error 2i+1), each opened by the server with a message holding the port as two little-endian
// bytes; after that, data messages carry the stream both ways and the error channel the server's errors.
const PortForwardProtocol = ProtocolV4

// PortForwardError is an error the server reported for one forwarded connection, for instance a refused
// remote port.
type PortForwardError struct {
	Port uint16
	Msg  string
}

func (e *PortForwardError) Error() string {
	return fmt.Sprintf("error forwarding port %d: %s", e.Port, e.Msg)
}

// Forward carries one local connection to port over c, a websocket dialled for that port alone (one
// connection a websocket, so that whatever happens to this connection touches no other). It returns when
// either side is done: nil when the data ended normally, a *PortForwardError when the server reported
// one. local and c are closed.
func (c *Conn) Forward(ctx context.Context, port uint16, local io.ReadWriteCloser) error {
	defer local.Close()
	defer c.Close()
	return c.forward(ctx, port, local)
}

func (c *Conn) forward(ctx context.Context, port uint16, local io.ReadWriteCloser) error {
	stop := context.AfterFunc(ctx, func() { c.ws.Close() })
	defer stop()

	var wmu sync.Mutex
	upDone := make(chan struct{})
	go func() {
		// Local to remote. A local end of input stops sending only; the remote side's answer may still be
		// on its way, and the connection ends when the remote side ends it.
		defer close(upDone)
		buf := make([]byte, chunk+1)
		buf[0] = 0
		for {
			n, err := local.Read(buf[1:])
			if n > 0 {
				wmu.Lock()
				werr := c.ws.WriteMessage(websocket.BinaryMessage, buf[:n+1])
				wmu.Unlock()
				if werr != nil {
					return
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					// A reset or broken local connection: end this stream (and only it).
					c.ws.Close()
				}
				return
			}
		}
	}()

	seen := [2]bool{}
	buf := make([]byte, chunk)
	for {
		typ, r, err := c.ws.NextReader()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return nil
			}
			select {
			case <-upDone:
				// We closed it after a local error.
				return nil
			default:
			}
			return fmt.Errorf("port %d: %w", port, err)
		}
		if typ != websocket.BinaryMessage {
			return &ProtocolError{Msg: fmt.Sprintf("unexpected message type %d", typ)}
		}
		var ch [1]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			continue
		}
		if ch[0] > 1 {
			return &ProtocolError{Msg: fmt.Sprintf("message on unknown channel %d", ch[0])}
		}
		if !seen[ch[0]] {
			// The channel's first message is its port.
			var p [2]byte
			if _, err := io.ReadFull(r, p[:]); err != nil {
				return &ProtocolError{Msg: "short port prefix"}
			}
			if got := binary.LittleEndian.Uint16(p[:]); got != port {
				return &ProtocolError{Msg: fmt.Sprintf("the server opened port %d, not %d", got, port)}
			}
			seen[ch[0]] = true
		}
		if ch[0] == 1 {
			b, err := io.ReadAll(io.LimitReader(r, 64<<10))
			if err != nil {
				return fmt.Errorf("port %d: %w", port, err)
			}
			if len(b) > 0 {
				return &PortForwardError{Port: port, Msg: strings.TrimSpace(string(b))}
			}
			continue
		}
		if _, err := io.CopyBuffer(onlyWriter{local}, r, buf); err != nil {
			var we writeError
			if errors.As(err, &we) {
				return nil // the local side went away
			}
			return fmt.Errorf("port %d: %w", port, err)
		}
	}
}
