// Package cmdutil holds what every command shares: the factory of lazily built dependencies and the
// printing of errors.
package cmdutil

import (
	"fmt"
	"strings"
	"sync"

	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/internal/version"
	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Factory builds the expensive dependencies of a command on first use, so that a command which never
// talks to a server never reads credentials. Flags are bound to Overrides and Verbosity before any
// method is called.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Overrides *config.Overrides
	Verbosity int
	// Environ is the process environment ("KEY=value"); tests pass their own.
	Environ []string

	stack    lazy[*config.Stack]
	resolved lazy[*config.Resolved]
	client   lazy[*client.Client]
}

// New returns a factory for streams and the environment environ ("KEY=value" entries).
func New(streams *iostreams.IOStreams, environ []string) *Factory {
	return &Factory{IOStreams: streams, Overrides: &config.Overrides{}, Environ: environ}
}

// ForContext is a factory for the same streams and flags but kubeconfig context name: each context of a
// multi-context command gets its own resolved config, client and discovery.
func (f *Factory) ForContext(name string) *Factory {
	o := *f.Overrides
	o.Context = name
	return &Factory{IOStreams: f.IOStreams, Overrides: &o, Verbosity: f.Verbosity, Environ: f.Environ}
}

// Getenv looks key up in Environ; the last entry wins, as in os/exec.
func (f *Factory) Getenv(key string) string {
	for i := len(f.Environ) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(f.Environ[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

// KubeconfigStack is every kubeconfig file and document that takes part, merged.
func (f *Factory) KubeconfigStack() (*config.Stack, error) {
	return f.stack.get(func() (*config.Stack, error) {
		return f.loader().Load(f.Overrides)
	})
}

// Resolved is the selected context with flag overrides applied.
func (f *Factory) Resolved() (*config.Resolved, error) {
	return f.resolved.get(func() (*config.Resolved, error) {
		s, err := f.KubeconfigStack()
		if err != nil {
			return nil, err
		}
		return s.Resolve(f.Overrides)
	})
}

// Namespace is the namespace commands work in: -n, the context's, or "default".
func (f *Factory) Namespace() (string, error) {
	r, err := f.Resolved()
	if err != nil {
		return "", err
	}
	return r.Namespace, nil
}

// Client is the one client, built from Resolved: every request of every command goes through it.
func (f *Factory) Client() (*client.Client, error) {
	return f.client.get(func() (*client.Client, error) {
		r, err := f.Resolved()
		if err != nil {
			return nil, err
		}
		return client.New(r,
			client.WithTransportOptions(transport.Options{
				Version:         version.Get().GitVersion,
				Environ:         f.Environ,
				Verbosity:       f.Verbosity,
				DebugOut:        f.IOStreams.ErrOut,
				Stdin:           f.IOStreams.In,
				Stderr:          f.IOStreams.ErrOut,
				StdinIsTerminal: f.IOStreams.IsStdinTTY(),
				Warn:            f.Warn,
			}),
			client.WithCacheDir(client.DefaultCacheDir(f.Getenv)),
			client.WithDiscoveryOptions(discovery.WithWarnings(f.Warn)))
	})
}

// Discovery answers what resources the server has, cached on disk as kubectl does.
func (f *Factory) Discovery() (*discovery.Discovery, error) {
	c, err := f.Client()
	if err != nil {
		return nil, err
	}
	return c.Discovery(), nil
}

// Warn prints a warning on stderr as kubectl does ("Warning: ..."), yellow on a colour terminal.
func (f *Factory) Warn(msg string) {
	msg = printers.SanitizeTerminal(msg) // the server's text: no control character reaches the terminal
	if f.IOStreams.ColorEnabledStderr() {
		fmt.Fprintf(f.IOStreams.ErrOut, "\x1b[33;1mWarning:\x1b[0m %s\n", msg)
		return
	}
	fmt.Fprintf(f.IOStreams.ErrOut, "Warning: %s\n", msg)
}

func (f *Factory) loader() *config.Loader {
	return &config.Loader{Getenv: f.Getenv}
}

// lazy memoizes one value and its error.
type lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (l *lazy[T]) get(build func() (T, error)) (T, error) {
	l.once.Do(func() { l.v, l.err = build() })
	return l.v, l.err
}
