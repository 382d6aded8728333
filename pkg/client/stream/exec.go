package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/gorilla/websocket"
)

// The channels of the channel protocol: the first byte of every binary message.
const (
	ChannelStdin  = 0
	ChannelStdout = 1
	ChannelStderr = 2
	ChannelError  = 3
	ChannelResize = 4
	// ChannelClose (v5 only) is followed by the channel to close: [255, 0] half-closes stdin.
	ChannelClose = 255
)

// chunk is how much stdin is read at a time and sent as one message.
const chunk = 32 << 10

// Size is a terminal size sent on the resize channel.
type Size struct {
	Width  uint16 `json:"Width"`
	Height uint16 `json:"Height"`
}

// Streams are the local ends of a session. A nil Stdin sends nothing; nil Stdout or Stderr discards what
// the server sends there. Resize, when not nil, is read until closed or the session ends.
type Streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Resize         <-chan Size
}

// ExitCodeError is a remote command that ended with a non-zero exit code.
type ExitCodeError struct{ Code int }

func (e *ExitCodeError) Error() string {
	return fmt.Sprintf("command terminated with exit code %d", e.Code)
}

// UserMessage is kubectl's line for it, without the "error: " of other failures.
func (e *ExitCodeError) UserMessage() string { return e.Error() }

// ProtocolError is a message that breaks the channel protocol.
type ProtocolError struct{ Msg string }

func (e *ProtocolError) Error() string { return "stream protocol error: " + e.Msg }

// LostError is a connection that ended before the server said how the command ended: never success.
type LostError struct{ Err error }

func (e *LostError) Error() string {
	if e.Err == nil {
		return "lost connection to the server before the command's exit status arrived"
	}
	return fmt.Sprintf("lost connection to the server before the command's exit status arrived: %v", e.Err)
}

func (e *LostError) Unwrap() error { return e.Err }

// Stream runs a channel-protocol session (exec or attach) over c until the server reports the outcome
// on the error channel: nil for Success, *ExitCodeError for NonZeroExitCode with an ExitCode cause, an
// error with the server's message otherwise. A connection that ends first is a *LostError; a broken
// message a *ProtocolError. c is closed when Stream returns.
func (c *Conn) Stream(ctx context.Context, s Streams) error {
	defer c.Close()
	var wmu sync.Mutex
	write := func(msg []byte) error {
		wmu.Lock()
		defer wmu.Unlock()
		return c.ws.WriteMessage(websocket.BinaryMessage, msg)
	}
	done := make(chan struct{})
	defer close(done)

	if s.Stdin != nil {
		go func() {
			buf := make([]byte, chunk+1)
			buf[0] = ChannelStdin
			for {
				n, err := s.Stdin.Read(buf[1:])
				if n > 0 {
					if write(buf[:n+1]) != nil {
						return
					}
				}
				if err == io.EOF && c.protocol == ProtocolV5 {
					_ = write([]byte{ChannelClose, ChannelStdin})
				}
				if err != nil {
					return
				}
			}
		}()
	}
	if s.Resize != nil {
		go func() {
			for {
				select {
				case <-done:
					return
				case sz, ok := <-s.Resize:
					if !ok {
						return
					}
					b, _ := json.Marshal(sz)
					if write(append([]byte{ChannelResize}, b...)) != nil {
						return
					}
				}
			}
		}()
	}
	go func() {
		select {
		case <-ctx.Done():
			c.ws.Close()
		case <-done:
		}
	}()

	status, err := c.readLoop(s.Stdout, s.Stderr)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	return DecodeStatus(status)
}

// readLoop copies stdout and stderr messages until the error channel has spoken and the server has
// closed, returning what the error channel said.
func (c *Conn) readLoop(stdout, stderr io.Writer) ([]byte, error) {
	buf := make([]byte, chunk)
	for {
		typ, r, err := c.ws.NextReader()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && ce.Code == websocket.CloseNormalClosure {
				return nil, &LostError{Err: errors.New("the server closed the stream without an exit status")}
			}
			return nil, &LostError{Err: err}
		}
		if typ != websocket.BinaryMessage {
			return nil, &ProtocolError{Msg: fmt.Sprintf("unexpected message type %d", typ)}
		}
		var ch [1]byte
		if _, err := io.ReadFull(r, ch[:]); err != nil {
			if err == io.EOF {
				continue // an empty message: nothing on no channel
			}
			return nil, &LostError{Err: err}
		}
		var dst io.Writer
		switch ch[0] {
		case ChannelStdout:
			dst = stdout
		case ChannelStderr:
			dst = stderr
		case ChannelError:
			b, err := io.ReadAll(io.LimitReader(r, 1<<20))
			if err != nil {
				return nil, &LostError{Err: err}
			}
			if len(b) == 0 {
				continue
			}
			// The outcome is known; nothing the server sends after it matters.
			return b, nil
		default:
			return nil, &ProtocolError{Msg: fmt.Sprintf("message on unknown channel %d", ch[0])}
		}
		if dst == nil {
			dst = io.Discard
		}
		if _, err := io.CopyBuffer(onlyWriter{dst}, r, buf); err != nil {
			var we writeError
			if errors.As(err, &we) {
				return nil, we.err
			}
			return nil, &LostError{Err: err}
		}
	}
}

// onlyWriter hides ReadFrom and WriteTo so that io.CopyBuffer uses the given buffer, and marks write
// errors apart from read errors.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil {
		return n, writeError{err}
	}
	return n, nil
}

type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }

// status is the part of metav1.Status the error channel's outcome needs.
type status struct {
	Status  string `json:"status"`
	Message string `json:"message"`
	Reason  string `json:"reason"`
	Details *struct {
		Causes []struct {
			Type    string `json:"reason"`
			Message string `json:"message"`
		} `json:"causes"`
	} `json:"details"`
}

// DecodeStatus turns the error channel's Status into the session's outcome, as client-go's v4 decoder.
func DecodeStatus(b []byte) error {
	var s status
	if err := json.Unmarshal(b, &s); err != nil {
		return &ProtocolError{Msg: fmt.Sprintf("%v in %q", err, truncate(b))}
	}
	switch s.Status {
	case "Success":
		return nil
	case "Failure":
		if s.Reason != "NonZeroExitCode" {
			if s.Message == "" {
				return errors.New("the remote command failed without a message")
			}
			return errors.New(s.Message)
		}
		if s.Details == nil {
			return &ProtocolError{Msg: "details must be set"}
		}
		for _, c := range s.Details.Causes {
			if c.Type != "ExitCode" {
				continue
			}
			rc, err := strconv.ParseUint(c.Message, 10, 8)
			if err != nil {
				return &ProtocolError{Msg: fmt.Sprintf("invalid exit code value %q", c.Message)}
			}
			return &ExitCodeError{Code: int(rc)}
		}
		return &ProtocolError{Msg: "no ExitCode cause given"}
	}
	return &ProtocolError{Msg: fmt.Sprintf("unknown status %q in %q", s.Status, truncate(b))}
}

func truncate(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}
