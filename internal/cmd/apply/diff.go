package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"
	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// NewCmdDiff builds `kubex diff`: what apply would change, as the server computes it.
func NewCmdDiff(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := &Options{ServerSide: true, FieldManager: cmdutil.FieldManagerFlags{FieldManager: "kubex"}, dryRun: cmdutil.DryRunServer,
		Validation: "Strict", Concurrency: defaultConcurrency,
		Files:   cmdutil.FilenameFlags{Usage: "Filename, directory, or URL to files contains the configuration to diff"},
		streams: streams, client: f.Client, discovery: f.Discovery, resolved: f.Resolved, warn: f.Warn}
	cmd := &cobra.Command{
		Use:   "diff -f FILENAME",
		Short: "Diff the live version against what apply would make of it",
		Long: `Diff the live objects against what "kubex apply" would make of them. The would-be objects are
computed by the server, with a server-side apply dry run, so defaults, admission and merging are the
real ones. managedFields and metadata.generation are left out as noise; Secret values are masked.

Exit status: 0 when nothing would change, 1 when something would, more than 1 on error.
KUBECTL_EXTERNAL_DIFF names another diff program, run with the LIVE and MERGED directories.`,
		Example: `  kubex diff -f manifest.yaml
  KUBECTL_EXTERNAL_DIFF="diff -u --color=always" kubex diff -f ./k8s -R`,
		DisableFlagsInUseLine: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return diffError(err)
			}
			if !o.Files.Given() {
				return diffError(cmdutil.UsageErrorf(cmd, "must specify one of -f and -k"))
			}
			return o.runDiff(cmd.Context(), f.Getenv("KUBECTL_EXTERNAL_DIFF"))
		},
	}
	fs := cmd.Flags()
	o.Files.AddFlags(fs)
	o.FieldManager.AddFlags(fs)
	fs.BoolVar(&o.ForceConflicts, "force-conflicts", false, "If true, the server-side apply of the dry run takes fields other managers own.")
	o.Selector.AddFlags(fs)
	fs.BoolVar(&o.ServerSide, "server-side", true, "Server-side apply, kubex's only way (the default).")
	return cmd
}

// diffError gives errors diff's exit code: more than 1, since 1 means "there are differences".
func diffError(err error) error {
	var exit *cmdutil.ExitError
	if err == nil || errors.As(err, &exit) {
		return err
	}
	return &cmdutil.ExitError{Code: 2, Err: err}
}

// runDiff dry-runs the apply, then compares each object with its live version.
func (o *Options) runDiff(ctx context.Context, external string) error {
	if !o.ServerSide {
		return diffError(errors.New("--server-side=false: kubex diffs only against a server-side apply dry run"))
	}
	p, err := o.plan(ctx)
	if err != nil {
		return diffError(err)
	}
	for _, it := range p.items {
		if it.crdScoped != nil {
			it.err = &objectError{what: it.ref().String(), where: it.obj.Where(),
				err: errors.New("its CustomResourceDefinition is in the same input and not served yet: apply the CRD first")}
		}
	}
	p.applyAll(ctx, p.items) // the dry run is the server's: nothing is stored
	conflicts := p.forceConflicts(ctx)
	var live, merged []diffFile
	var errs []error
	for _, it := range p.items {
		if it.err != nil {
			errs = append(errs, it.err)
			continue
		}
		before, err := p.live(ctx, it)
		if err != nil {
			errs = append(errs, &objectError{what: it.ref().String(), where: it.obj.Where(), err: err})
			continue
		}
		after, err := cleanObject(it.result)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if it.obj.Kind == "Secret" && it.obj.APIVersion == "v1" {
			before, after = maskSecrets(before, after)
		}
		name := diffName(it)
		live, merged = append(live, diffFile{name, before}), append(merged, diffFile{name, after})
	}
	if len(errs) > 0 {
		return diffError(cmdutil.Aggregate(errs))
	}
	for _, c := range conflicts {
		fmt.Fprintln(o.streams.ErrOut, c)
	}
	if external != "" {
		if err := runExternal(ctx, external, live, merged, o.streams); err != nil || len(conflicts) == 0 {
			return err
		}
		return &cmdutil.ExitError{Code: 1}
	}
	differ := false
	for i := range live {
		d := udiff.Unified("LIVE/"+live[i].name, "MERGED/"+merged[i].name, live[i].yaml, merged[i].yaml)
		if d == "" {
			continue
		}
		differ = true
		fmt.Fprintf(o.streams.Out, "diff -u -N LIVE/%s MERGED/%s\n", live[i].name, merged[i].name)
		if err := writeDiff(o.streams, d); err != nil {
			return diffError(err)
		}
	}
	if differ || len(conflicts) > 0 {
		return &cmdutil.ExitError{Code: 1}
	}
	return nil
}

type diffFile struct{ name, yaml string }

// forceConflicts dry-runs again, with --force-conflicts, the applies refused with a conflict, so that
// the diff shows the change the user asked for; it returns, for stderr, which fields other managers own.
func (p *plan) forceConflicts(ctx context.Context) []string {
	if p.o.ForceConflicts {
		return nil
	}
	var retry []*item
	var notes []string
	for _, it := range p.items {
		fields, ok := client.ConflictCauses(it.err)
		if !ok {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "warning: %s (%s): fields managed by another field manager, shown as --force-conflicts would apply them:", it.ref(), it.obj.Where())
		for _, f := range fields {
			fmt.Fprintf(&b, "\n  %s  owned by %s", f.Field, manager(f.Message))
		}
		notes = append(notes, b.String())
		it.err, it.done = nil, make(chan struct{})
		retry = append(retry, it)
	}
	if len(retry) > 0 {
		p.o.ForceConflicts = true
		p.applyAll(ctx, retry)
		p.o.ForceConflicts = false
	}
	return notes
}

// live is the object as stored now, cleaned, or "" when there is none.
func (p *plan) live(ctx context.Context, it *item) (string, error) {
	b, err := p.c.Resource(it.res, it.ns).Get(ctx, it.obj.Name, client.GetOptions{})
	if transport.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return cleanObject(b)
}

// cleanObject is an object's YAML without the fields that change on every write and say nothing of
// intent: managedFields (dropped by the printer) and metadata.generation.
func cleanObject(obj []byte) (string, error) {
	var m map[string]any
	if err := json.Unmarshal(obj, &m); err != nil {
		return "", fmt.Errorf("decoding the server's answer: %w", err)
	}
	if meta, ok := m["metadata"].(map[string]any); ok {
		delete(meta, "generation")
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	yp := printers.NewYAML(&out, printers.ObjectOptions{Single: true})
	if err := yp.PrintObject(printers.Object{Raw: b}); err != nil {
		return "", err
	}
	return out.String(), nil
}

// maskSecrets hides Secret values as kubectl diff does: "***" where before and after agree, "*** (before)"
// and "*** (after)" where they differ, so a diff says which keys change without showing them.
func maskSecrets(before, after string) (string, string) {
	b, a := secretValues(before), secretValues(after)
	mask := func(text string, own, other map[string]string, tag string) string {
		var out strings.Builder
		eachDataLine(text, func(line, key string) {
			if key == "" {
				out.WriteString(line)
				return
			}
			v := "***"
			if other[key] != own[key] {
				v = "*** (" + tag + ")"
			}
			fmt.Fprintf(&out, "  %s: %s\n", key, v)
		})
		return out.String()
	}
	return mask(before, b, a, "before"), mask(after, a, b, "after")
}

// secretValues maps the keys of a Secret's data (and stringData) to their values.
func secretValues(text string) map[string]string {
	out := map[string]string{}
	eachDataLine(text, func(line, key string) {
		if key != "" {
			_, v, _ := strings.Cut(strings.TrimSpace(line), ": ")
			out[key] = v
		}
	})
	return out
}

// eachDataLine calls f for every line of a Secret's YAML, with the key for lines directly under data:
// or stringData: and "" for the others.
func eachDataLine(text string, f func(line, key string)) {
	inData := false
	for _, line := range strings.SplitAfter(text, "\n") {
		if line != "" && line[0] != ' ' {
			inData = strings.HasPrefix(line, "data:") || strings.HasPrefix(line, "stringData:")
			f(line, "")
			continue
		}
		key, _, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !inData || !ok || !strings.HasPrefix(line, "  ") || strings.HasPrefix(line, "   ") {
			f(line, "")
			continue
		}
		f(line, key)
	}
}

// diffName is kubectl's file name for an object: group.version.Kind.namespace.name.
func diffName(it *item) string {
	parts := []string{strings.ReplaceAll(it.obj.APIVersion, "/", "."), it.obj.Kind}
	if it.ns != "" {
		parts = append(parts, it.ns)
	}
	return strings.Join(append(parts, it.obj.Name), ".")
}

// writeDiff prints a unified diff, coloured on a terminal.
func writeDiff(s *iostreams.IOStreams, d string) error {
	if !s.ColorEnabled() {
		_, err := io.WriteString(s.Out, d)
		return err
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(d, "\n") {
		switch {
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
			b.WriteString("\x1b[1m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n")
		case strings.HasPrefix(line, "+"):
			b.WriteString("\x1b[32m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n")
		case strings.HasPrefix(line, "-"):
			b.WriteString("\x1b[31m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n")
		case strings.HasPrefix(line, "@@"):
			b.WriteString("\x1b[36m" + strings.TrimSuffix(line, "\n") + "\x1b[0m\n")
		default:
			b.WriteString(line)
		}
	}
	_, err := io.WriteString(s.Out, b.String())
	return err
}

// runExternal writes LIVE and MERGED directories and runs the user's diff on them, as kubectl does; its
// exit status is diff's.
func runExternal(ctx context.Context, command string, live, merged []diffFile, streams *iostreams.IOStreams) error {
	tmp, err := os.MkdirTemp("", "kubex-diff-")
	if err != nil {
		return diffError(err)
	}
	defer os.RemoveAll(tmp)
	dirs := [2]string{filepath.Join(tmp, "LIVE"), filepath.Join(tmp, "MERGED")}
	for i, files := range [2][]diffFile{live, merged} {
		if err := os.Mkdir(dirs[i], 0o700); err != nil {
			return diffError(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(dirs[i], f.name), []byte(f.yaml), 0o600); err != nil {
				return diffError(err)
			}
		}
	}
	args := strings.Fields(command)
	cmd := exec.CommandContext(ctx, args[0], append(args[1:], dirs[0], dirs[1])...)
	cmd.Stdout, cmd.Stderr = streams.Out, streams.ErrOut
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if code := exit.ExitCode(); code == 1 {
			return &cmdutil.ExitError{Code: 1}
		} else if code > 1 {
			return &cmdutil.ExitError{Code: code}
		}
	}
	if err != nil {
		return diffError(fmt.Errorf("running KUBECTL_EXTERNAL_DIFF %q: %w", command, err))
	}
	return nil
}
