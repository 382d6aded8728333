package cmdutil

import (
	"fmt"
	"io"

	"github.com/kubex-cli/kubex/pkg/client"
)

// ResultPrinter writes the one line a mutating command prints for each object it changed, as kubectl
// words it: "deployment.apps/web created", with the dry run's " (server dry run)" or " (dry run)" after
// it, or, with -o name, the object's name alone ("deployment.apps/web"). Objects are named by
// client.Ref only.
type ResultPrinter struct {
	Out    io.Writer
	Name   bool // -o name
	DryRun DryRunStrategy
}

// Print writes "kind.group/name operation" (kubectl's apply, patch, create, ...).
func (p *ResultPrinter) Print(ref client.Ref, operation string) error {
	if p.Name {
		return p.name(ref)
	}
	_, err := fmt.Fprintf(p.Out, "%s %s%s\n", ref, operation, p.DryRun.Suffix())
	return err
}

// PrintQuoted writes `kind.group "name" operation` (kubectl's delete: `pod "web" deleted from default
// namespace`).
func (p *ResultPrinter) PrintQuoted(ref client.Ref, operation string) error {
	if p.Name {
		return p.name(ref)
	}
	_, err := fmt.Fprintf(p.Out, "%s \"%s\" %s%s\n", ref.KindGroup(), ref.Name, operation, p.DryRun.Suffix())
	return err
}

func (p *ResultPrinter) name(ref client.Ref) error {
	_, err := fmt.Fprintln(p.Out, ref)
	return err
}
