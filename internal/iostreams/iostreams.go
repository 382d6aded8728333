// Package iostreams carries a command's standard streams and what is known about them: which are
// terminals, how wide the terminal is, and whether colour is wanted.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is passed to every command instead of os.Stdin/Stdout/Stderr, so tests can run commands with
// buffers and mark a buffer as a terminal.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY, stderrTTY bool
	colorDisabled                  bool
	width                          func() int
}

// System returns the process's streams. getenv is os.Getenv outside tests.
func System(getenv func(string) string) *IOStreams {
	_, noColor := lookup(getenv, "NO_COLOR")
	return &IOStreams{
		In:            os.Stdin,
		Out:           os.Stdout,
		ErrOut:        os.Stderr,
		stdinTTY:      isTerminal(os.Stdin),
		stdoutTTY:     isTerminal(os.Stdout),
		stderrTTY:     isTerminal(os.Stderr),
		colorDisabled: noColor || getenv("TERM") == "dumb",
		width: func() int {
			w, _, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				return 0
			}
			return w
		},
	}
}

// Test returns streams backed by buffers: input, output and error output.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, width: func() int { return 80 }}, in, out, errOut
}

func (s *IOStreams) IsStdinTTY() bool  { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// SetStdinTTY, SetStdoutTTY and SetStderrTTY let tests pretend a buffer is a terminal.
func (s *IOStreams) SetStdinTTY(v bool)  { s.stdinTTY = v }
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

// ColorEnabled reports whether output to stdout may be coloured: only on a terminal, and never with NO_COLOR.
func (s *IOStreams) ColorEnabled() bool { return s.stdoutTTY && !s.colorDisabled }

// ColorEnabledStderr is ColorEnabled for stderr, where errors and warnings go.
func (s *IOStreams) ColorEnabledStderr() bool { return s.stderrTTY && !s.colorDisabled }

// DisableColor turns colour off (--no-color).
func (s *IOStreams) DisableColor() { s.colorDisabled = true }

// TerminalWidth is stdout's width in columns, or 0 when it is not a terminal.
func (s *IOStreams) TerminalWidth() int {
	if !s.stdoutTTY || s.width == nil {
		return 0
	}
	return s.width()
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsTerminalWriter reports whether w is a file open on a terminal (os.Stdout of System, on a terminal).
func IsTerminalWriter(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

func lookup(getenv func(string) string, key string) (string, bool) {
	v := getenv(key)
	return v, v != ""
}
