package exec

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"

	"golang.org/x/term"
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

// SizeOf is f's size, ok false when it is not a terminal.
func SizeOf(f *os.File) (Size, bool) {
	w, h, err := term.GetSize(int(f.Fd()))
	if err != nil || w <= 0 || h <= 0 {
		return Size{}, false
	}
	return Size{Width: uint16(w), Height: uint16(h)}, true
}

// Sizes sends f's size now and after every change (SIGWINCH) until ctx ends; the channel is closed then.
func Sizes(ctx context.Context, f *os.File) <-chan Size {
	out := make(chan Size, 1)
	winch := make(chan os.Signal, 1)
	notifyResize(winch)
	go func() {
		defer close(out)
		defer signal.Stop(winch)
		last := Size{}
		for {
			if s, ok := SizeOf(f); ok && s != last {
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

// StartFunc starts a remote process: a pkg/client verb bound to its pod, for instance
//
//	func(ctx context.Context) (*exec.Process, error) { return pods.Exec(ctx, "web-0", o) }
type StartFunc func(ctx context.Context) (*Process, error)

// RunInTerminal runs a process (started with TTY) attached to the local terminal term: term is put in raw
// mode, the process is started, first is sent as the remote terminal's size, then term's size now and
// after every change, and RunInTerminal returns Wait's outcome. term is restored on every way out: the
// process ending, a start that failed, a lost connection, ctx cancelled, a panic, a SIGHUP.
func RunInTerminal(ctx context.Context, term *os.File, start StartFunc, first ...Size) error {
	t, err := MakeRaw(term)
	if err != nil {
		return fmt.Errorf("setting the terminal to raw mode: %w", err)
	}
	defer t.Restore()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p, err := start(ctx)
	if err != nil {
		return err
	}
	for _, s := range first {
		p.Resize(s.Width, s.Height)
	}
	go func() {
		for s := range Sizes(ctx, term) {
			p.Resize(s.Width, s.Height)
		}
	}()
	return p.Wait()
}
