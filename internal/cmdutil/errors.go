package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

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

// userMessager is implemented by errors that know their own wording, such as API Status errors
// ("Error from server (NotFound): ...") and connection errors naming the server.
type userMessager interface{ UserMessage() string }

// PrintError writes err the way kubectl does and returns the exit code. It is the one place where errors
// become what users read.
func PrintError(w io.Writer, err error) int {
	if err == nil {
		return 0
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
	switch {
	case errors.As(err, &um):
		fmt.Fprintln(w, um.UserMessage())
	case errors.As(err, &usage):
		fmt.Fprintf(w, "error: %s\n%s\n", usage.err, usage.hint)
	default:
		msg := err.Error()
		if !strings.HasPrefix(msg, "error: ") {
			msg = "error: " + msg
		}
		fmt.Fprintln(w, msg)
	}
	return code
}
