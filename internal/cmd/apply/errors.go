package apply

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// objectError is the failure of one object, worded to say which object and where it came from: kubectl's
// apply errors often do not (kubectl issue 1683).
type objectError struct {
	what  string // "configmap/foo"
	where string // "FILE: document N (line L)"
	err   error
}

func (e *objectError) Error() string { return e.UserMessage() }
func (e *objectError) Unwrap() error { return e.err }

// UserMessage is one error line (a conflict: a few lines) naming the object.
func (e *objectError) UserMessage() string {
	if fields, ok := client.ConflictCauses(e.err); ok {
		return conflictMessage(e.what, e.where, fields)
	}
	var se *transport.StatusError
	if errors.As(e.err, &se) {
		return fmt.Sprintf("Error from server (%s): %s (%s): %s", reasonOr(se.Reason, "Unknown"), e.what, e.where, se.Message)
	}
	var um interface{ UserMessage() string }
	msg := e.err.Error()
	if errors.As(e.err, &um) {
		msg = um.UserMessage()
	}
	return fmt.Sprintf("error: %s (%s): %s", e.what, e.where, msg)
}

func reasonOr(reason, dflt string) string {
	if reason == "" {
		return dflt
	}
	return reason
}

// conflictMessage explains a server-side apply conflict: which object, which fields, whose they are, and
// the ways out.
func conflictMessage(what, where string, fields []client.FieldConflict) string {
	var b strings.Builder
	fmt.Fprintf(&b, "error: %s (%s): fields managed by another field manager:\n", what, where)
	for _, f := range fields {
		fmt.Fprintf(&b, "  %s  owned by %s\n", f.Field, manager(f.Message))
	}
	b.WriteString("  To take them, apply again with --force-conflicts; to leave them to their owner, remove them from\n" +
		"  the input, or set them to the owner's values to share them, or apply as that manager (--field-manager).")
	return b.String()
}

// manager is the quoted manager name of a conflict cause (`conflict with "kubectl" using apps/v1`), or the
// whole message when it has no such name.
func manager(msg string) string {
	if _, rest, ok := strings.Cut(msg, `conflict with "`); ok {
		if name, _, ok := strings.Cut(rest, `"`); ok {
			return `"` + name + `"`
		}
	}
	return msg
}
