package exec

import (
	"context"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/term"

	"github.com/kubex-cli/kubex/pkg/client/stream"
)

// Terminal is a local terminal put in raw mode for a remote session. Restore puts it back, once, and is
// safe from any goroutine; callers defer it, so that a normal end, a remote exit, a lost connection, a
// cancelled context (SIGINT, SIGTERM) and a panic unwinding the command all restore it. A SIGHUP while raw
// restores the terminal too, then ends the process of that signal as it would have.
type Terminal struct {
	fd    int
	state *term.State
	once  sync.Once
	stop  chan struct{}
}

// IsTerminal reports whether f is a terminal.
func IsTerminal(f *os.File) bool { return f != nil && term.IsTerminal(int(f.Fd())) }

// MakeRaw puts f in raw mode.
func MakeRaw(f *os.File) (*Terminal, error) {
	fd := int(f.Fd())
	st, err := term.MakeRaw(fd)
	if err != nil {
		return nil, err
	}
	t := &Terminal{fd: fd, state: st, stop: make(chan struct{})}
	hup := make(chan os.Signal, 1)
	notifyHangup(hup)
	go func() {
		select {
		case sig := <-hup:
			t.Restore()
			dieOf(sig)
		case <-t.stop:
		}
		signal.Stop(hup)
	}()
	return t, nil
}

// Restore puts the terminal back as MakeRaw found it.
func (t *Terminal) Restore() {
	t.once.Do(func() {
		close(t.stop)
		_ = term.Restore(t.fd, t.state)
	})
}

// Size is f's size, ok false when it is not a terminal.
func Size(f *os.File) (stream.Size, bool) {
	w, h, err := term.GetSize(int(f.Fd()))
	if err != nil || w <= 0 || h <= 0 {
		return stream.Size{}, false
	}
	return stream.Size{Width: uint16(w), Height: uint16(h)}, true
}

// Sizes sends f's size now and after every change (SIGWINCH) until ctx ends; the channel is closed then.
func Sizes(ctx context.Context, f *os.File) <-chan stream.Size {
	out := make(chan stream.Size, 1)
	winch := make(chan os.Signal, 1)
	notifyResize(winch)
	go func() {
		defer close(out)
		defer signal.Stop(winch)
		last := stream.Size{}
		for {
			if s, ok := Size(f); ok && s != last {
				last = s
				select {
				case out <- s:
				case <-ctx.Done():
					return
				}
			}
			select {
			case <-winch:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
