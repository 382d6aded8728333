package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/pkg/printers"
)

// InterruptEndsCommand is a cobra annotation: Ctrl-C is how the command is meant to end (a watch), so
// kubex exits 0 after it instead of dying of the signal.
const InterruptEndsCommand = "kubex.io/interrupt-ends-command"

// ExitError ends kubex with Code; Err (if any) is printed first. Commands such as exec use it to hand the
// remote command's exit code to the shell.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit code %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError is a mistake on the command line; it is followed by a pointer to the help, worded as kubectl
// words it for that kind of mistake.
type usageError struct {
	err  error
	hint string
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// UsageErrorf reports a mistake in how cmd's flags or arguments were combined.
func UsageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), hint: fmt.Sprintf("See '%s -h' for help and examples", cmd.CommandPath())}
}

// FlagError reports a flag cobra could not parse.
func FlagError(cmd *cobra.Command, err error) error {
	return &usageError{err: err, hint: fmt.Sprintf("See '%s --help' for usage.", cmd.CommandPath())}
}

// Aggregate reports errs together, as kubectl's resource commands report every object that failed: nil for
// none, the error itself for one, else an *Errors printed one line each.
func Aggregate(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return &Errors{Errs: errs}
}

// Errors is several failures of one command.
type Errors struct{ Errs []error }

func (e *Errors) Error() string {
	msgs := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		msgs[i] = Message(err)
	}
	return strings.Join(msgs, "\n")
}

// Message is one error's line in an aggregate: its own wording if it has one, else its text without
// kubectl's "error: " prefix (kubectl's MultipleErrors).
func Message(err error) string {
	var um userMessager
	if errors.As(err, &um) {
		return um.UserMessage()
	}
	return err.Error()
}

// userMessager is implemented by errors that know their own wording, such as API Status errors
// ("Error from server (NotFound): ...") and connection errors naming the server.
type userMessager interface{ UserMessage() string }

// PrintError writes err the way kubectl does and returns the exit code. It is the one place where errors
// become what users read. Messages carry the server's text (an admission webhook's, a Status message), so
// every control character but tab and newline is made visible (printers.SanitizeTerminal): an error
// cannot move the cursor, retitle the window or rewrite the terminal.
func PrintError(w io.Writer, err error) int { return printError(w, err, false) }

// PrintErrorColor is PrintError with the message in red, for a terminal that wants colour.
func PrintErrorColor(w io.Writer, err error) int { return printError(w, err, true) }

func printError(w io.Writer, err error, color bool) int {
	if color {
		var b strings.Builder
		code := printError(&b, err, false)
		if b.Len() > 0 {
			fmt.Fprintf(w, "\x1b[31m%s\x1b[0m\n", strings.TrimSuffix(b.String(), "\n"))
		}
		return code
	}
	if err == nil {
		return 0
	}
	if _, ok := w.(*sanitizingWriter); !ok {
		w = &sanitizingWriter{w: w}
		defer w.(*sanitizingWriter).flush()
	}
	code := 1
	var exit *ExitError
	if errors.As(err, &exit) {
		code = exit.Code
		if exit.Err == nil {
			return code
		}
	}
	var um userMessager
	var usage *usageError
	var agg *Errors
	switch {
	case errors.As(err, &agg):
		fmt.Fprintln(w, agg.Error())
	case errors.As(err, &um):
		fmt.Fprintln(w, um.UserMessage())
	case errors.As(err, &usage):
		fmt.Fprintf(w, "error: %s\n%s\n", usage.err, usage.hint)
	default:
		msg := err.Error()
		if !strings.HasPrefix(msg, "error: ") {
			msg = "error: " + msg
		}
		// As kubectl: a message that ends its own lines gets no extra newline.
		if !strings.HasSuffix(msg, "\n") {
			msg += "\n"
		}
		fmt.Fprint(w, msg)
	}
	return code
}

// sanitizingWriter collects what printError writes and writes it sanitized once, whole.
type sanitizingWriter struct {
	w   io.Writer
	buf strings.Builder
}

func (s *sanitizingWriter) Write(p []byte) (int, error) { return s.buf.Write(p) }

func (s *sanitizingWriter) flush() {
	if s.buf.Len() > 0 {
		_, _ = io.WriteString(s.w, printers.SanitizeTerminal(s.buf.String()))
	}
}
