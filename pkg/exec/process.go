package exec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/kubex-cli/kubex/pkg/client/stream"
)

// Protocols are the channel protocols a session offers, preferred first: v5 can half-close stdin.
var Protocols = []string{stream.ProtocolV5, stream.ProtocolV4}

// Size is a terminal size, in characters.
type Size = stream.Size

// LostError is a connection that ended before the server said how the process ended: never success.
type LostError = stream.LostError

// Dialer opens the websocket of a session with the first of protocols the server accepts. pkg/client's
// *Request is one: the exec or attach request of a pod, its query saying which streams are wanted.
type Dialer interface {
	Dial(ctx context.Context, protocols ...string) (*stream.Conn, error)
}

// DialFunc is a function used as a Dialer.
type DialFunc func(ctx context.Context, protocols ...string) (*stream.Conn, error)

// Dial calls f.
func (f DialFunc) Dial(ctx context.Context, protocols ...string) (*stream.Conn, error) {
	return f(ctx, protocols...)
}

// Options are a remote process's command and its local ends.
type Options struct {
	// Command is what exec runs (its arguments included); attach ignores it.
	Command []string
	// Container is the pod's container; "" lets the server take the pod's only container.
	Container string
	// Stdin, when not nil, is sent to the process; its end (io.EOF) closes the process's stdin where
	// the server speaks v5.channel.k8s.io.
	Stdin io.Reader
	// Stdout and Stderr receive the process's output; nil ones are not asked for. With TTY the terminal
	// has one stream, Stdout, and Stderr is not asked for.
	Stdout, Stderr io.Writer
	// TTY asks for a terminal: its size is set with Process.Resize.
	TTY bool
}

// ExitError is a remote process that ended with a non-zero exit code.
type ExitError struct{ code int }

// Code is the process's exit code.
func (e *ExitError) Code() int { return e.code }

func (e *ExitError) Error() string {
	return fmt.Sprintf("command terminated with exit code %d", e.code)
}

// UserMessage is kubectl's line for it, without the "error: " of other failures.
func (e *ExitError) UserMessage() string { return e.Error() }

// Process is a running remote process. Its streams are copied from Start on; Wait returns how it ended.
type Process struct {
	protocol string
	cancel   context.CancelFunc
	done     chan struct{}
	err      error // set before done is closed

	mu     sync.Mutex
	resize chan Size
}

// resizeQueue is how many sizes wait to be sent; a Resize beyond it replaces the oldest waiting one.
const resizeQueue = 8

// Start dials d and starts copying o's streams. The process lives as long as ctx: cancelling ctx ends
// the session (Wait then returns ctx's error). Call Wait to learn how it ended and free its resources.
func Start(ctx context.Context, d Dialer, o Options) (*Process, error) {
	ctx, cancel := context.WithCancel(ctx)
	conn, err := d.Dial(ctx, Protocols...)
	if err != nil {
		cancel()
		return nil, err
	}
	p := &Process{protocol: conn.Protocol(), cancel: cancel, done: make(chan struct{}), resize: make(chan Size, resizeQueue)}
	go func() {
		defer close(p.done)
		defer cancel()
		err := conn.Stream(ctx, stream.Streams{Stdin: o.Stdin, Stdout: o.Stdout, Stderr: o.Stderr, Resize: p.resize})
		var ee *stream.ExitCodeError
		if errors.As(err, &ee) {
			err = &ExitError{code: ee.Code}
		}
		p.err = err
	}()
	return p, nil
}

// Protocol is the channel protocol the server chose (v5.channel.k8s.io or v4.channel.k8s.io).
func (p *Process) Protocol() string { return p.protocol }

// Resize sets the remote terminal's size (a process started with TTY). It never blocks: sizes not yet
// sent are queued, the oldest dropped when too many wait; after the end it does nothing.
func (p *Process) Resize(width, height uint16) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Size{Width: width, Height: height}
	for {
		select {
		case p.resize <- s:
			return
		default:
		}
		select {
		case <-p.resize:
		default:
		}
	}
}

// Wait waits for the process to end: nil for exit code 0, an *ExitError for another exit code, a
// *LostError when the connection ended before the exit status came, the server's error otherwise.
func (p *Process) Wait() error {
	<-p.done
	return p.err
}

// Done is closed when the process has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitCode is the exit code of an ended process; -1 while it runs, or when it ended without one (a lost
// connection, an error of the server, a cancelled context).
func (p *Process) ExitCode() int {
	select {
	case <-p.done:
	default:
		return -1
	}
	var ee *ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee):
		return ee.code
	}
	return -1
}

// Close ends the session without waiting for the process; Wait then returns context.Canceled unless it
// had ended already.
func (p *Process) Close() error {
	p.cancel()
	<-p.done
	return nil
}
