package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/kubex-cli/kubex/internal/yamldoc"
)

// DefaultInClusterDir is where Kubernetes mounts a pod's service-account token, CA and namespace.
const DefaultInClusterDir = "/var/run/secrets/kubernetes.io/serviceaccount"

// Loader finds and reads the kubeconfig files. Its zero value reads the real environment; tests set the fields.
type Loader struct {
	// Getenv reads KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT, POD_NAMESPACE and KUBERNETES_MASTER;
	// nil means os.Getenv.
	Getenv func(string) string
	// Home replaces $HOME when set.
	Home string
	// InClusterDir replaces DefaultInClusterDir when set.
	InClusterDir string
	// LockWait is how long a writer waits for another process's lock file to go away; 0 means 2s.
	LockWait time.Duration
}

// EntryKind names a kind of kubeconfig entry, for Origin.
type EntryKind string

const (
	KindCluster        EntryKind = "cluster"
	KindUser           EntryKind = "user"
	KindContext        EntryKind = "context"
	KindExtension      EntryKind = "extension"
	KindCurrentContext EntryKind = "current-context" // the name is ignored
)

// Origin is where an entry of the merged config was read: the file as it was named (KUBECONFIG entry,
// --kubeconfig or ~/.kube/config) and the 1-based document within it.
type Origin struct {
	File string
	Doc  int
}

// Stack is every kubeconfig file that takes part, in precedence order, with their documents and the
// merged result. It is a snapshot: Modify writes files and then reloads it.
type Stack struct {
	paths    []string // precedence order, deduplicated, empty entries dropped
	explicit bool     // --kubeconfig
	homeFile string   // ~/.kube/config, written when nothing else is named
	// missingExplicit is set when --kubeconfig names a file that does not exist. Writes treat it as empty
	// and create it, as kubectl's do; every read fails with it (see MissingExplicit).
	missingExplicit error

	files   []*file
	merged  *Config
	origins map[EntryKind]map[string]Origin

	getenv       func(string) string
	inClusterDir string
	lockWait     time.Duration
}

// file is one kubeconfig file as read.
type file struct {
	path   string
	exists bool
	chunks []yamldoc.Chunk
	docs   []*Config // by document number - 1; nil for an empty document
}

func (l *Loader) getenv(k string) string {
	if l.Getenv != nil {
		return l.Getenv(k)
	}
	return os.Getenv(k)
}

func (l *Loader) home() string {
	if l.Home != "" {
		return l.Home
	}
	if h := l.getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// Load reads the files kubectl would read: the --kubeconfig file alone; otherwise each file of $KUBECONFIG
// (missing ones skipped); otherwise ~/.kube/config if it exists. A file that can't be parsed is an error
// naming it; several such files give several errors.
func (l *Loader) Load(o *Overrides) (*Stack, error) {
	s := &Stack{
		getenv:       l.getenv,
		inClusterDir: l.InClusterDir,
		lockWait:     l.LockWait,
	}
	if s.inClusterDir == "" {
		s.inClusterDir = DefaultInClusterDir
	}
	if s.lockWait == 0 {
		s.lockWait = 2 * time.Second
	}
	if h := l.home(); h != "" {
		s.homeFile = filepath.Join(h, ".kube", "config")
	}
	switch {
	case o != nil && o.Kubeconfig != "":
		s.explicit = true
		s.paths = []string{o.Kubeconfig}
	case l.getenv("KUBECONFIG") != "":
		for _, p := range filepath.SplitList(l.getenv("KUBECONFIG")) {
			if p != "" && !slices.Contains(s.paths, p) {
				s.paths = append(s.paths, p)
			}
		}
	case s.homeFile != "":
		s.paths = []string{s.homeFile}
	}
	if err := s.read(); err != nil {
		return nil, err
	}
	return s, nil
}

// read (re)reads every file of the stack and merges them.
func (s *Stack) read() error {
	s.files = s.files[:0]
	s.missingExplicit = nil
	if s.explicit {
		if _, err := os.Stat(s.paths[0]); errors.Is(err, fs.ErrNotExist) {
			s.missingExplicit = err // "stat PATH: no such file or directory", as kubectl says it
		}
	}
	var errs []error
	for _, p := range s.paths {
		f, err := readFile(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.files = append(s.files, f)
	}
	switch len(errs) {
	case 0:
	case 1:
		return errs[0]
	default:
		return LoadErrors(errs)
	}
	s.merge()
	return nil
}

// LoadErrors are several problems reported at once: broken files here, unknown names in `config
// get-contexts`. kubectl prints them one per line, without "error: ".
type LoadErrors []error

func (e LoadErrors) Error() string       { return errors.Join(e...).Error() }
func (e LoadErrors) Unwrap() []error     { return e }
func (e LoadErrors) UserMessage() string { return e.Error() }

// readFile reads and parses one file; a missing file is returned with exists false.
func readFile(path string) (*file, error) {
	f := &file{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("error loading config file %q: %w", path, err)
	}
	// No Stat for the file's mode: a write takes it from the file it replaces, under the lock.
	f.exists = true
	f.chunks = yamldoc.Split(data)
	ndocs := 0
	for _, c := range f.chunks {
		ndocs = max(ndocs, c.Doc)
	}
	f.docs = make([]*Config, ndocs)
	for _, c := range f.chunks {
		if c.Doc == 0 {
			continue
		}
		cfg, err := parseDocument(c)
		if err != nil {
			if ndocs > 1 {
				return nil, fmt.Errorf("error loading config file %q: document %d: %w", path, c.Doc, err)
			}
			return nil, fmt.Errorf("error loading config file %q: %w", path, err)
		}
		f.docs[c.Doc-1] = cfg
	}
	return f, nil
}

// merge applies kubectl's rules over every document of every file in order: the first document that names
// a cluster, user, context or extension provides the whole entry; current-context comes from the first one
// that sets it; preferences colors is on if any document turns it on, and preference extensions are merged
// by name, first wins.
func (s *Stack) merge() {
	m := &Config{APIVersion: "v1", Kind: "Config"}
	s.origins = map[EntryKind]map[string]Origin{
		KindCluster: {}, KindUser: {}, KindContext: {}, KindExtension: {}, KindCurrentContext: {},
	}
	prefExt := map[string]bool{}
	for _, f := range s.files {
		for i, d := range f.docs {
			if d == nil {
				continue
			}
			at := Origin{File: f.path, Doc: i + 1}
			for _, c := range d.Clusters {
				if s.claim(KindCluster, c.Name, at) {
					m.Clusters = append(m.Clusters, NamedCluster{Name: c.Name, Cluster: *c.Cluster.DeepCopy()})
				}
			}
			for _, u := range d.AuthInfos {
				if s.claim(KindUser, u.Name, at) {
					m.AuthInfos = append(m.AuthInfos, NamedUser{Name: u.Name, User: *u.User.DeepCopy()})
				}
			}
			for _, c := range d.Contexts {
				if s.claim(KindContext, c.Name, at) {
					m.Contexts = append(m.Contexts, NamedContext{Name: c.Name, Context: *c.Context.DeepCopy()})
				}
			}
			for _, e := range d.Extensions {
				if s.claim(KindExtension, e.Name, at) {
					m.Extensions = append(m.Extensions, NamedExtension{Name: e.Name, Extension: cloneAny(e.Extension)})
				}
			}
			if m.CurrentContext == "" && d.CurrentContext != "" {
				m.CurrentContext = d.CurrentContext
				s.origins[KindCurrentContext][""] = at
			}
			m.Preferences.Colors = m.Preferences.Colors || d.Preferences.Colors
			for _, e := range d.Preferences.Extensions {
				if !prefExt[e.Name] {
					prefExt[e.Name] = true
					m.Preferences.Extensions = append(m.Preferences.Extensions, NamedExtension{Name: e.Name, Extension: cloneAny(e.Extension)})
				}
			}
		}
	}
	normalize(m)
	s.merged = m
}

// claim records at as the origin of name unless an earlier document already defined it.
func (s *Stack) claim(kind EntryKind, name string, at Origin) bool {
	if _, taken := s.origins[kind][name]; taken {
		return false
	}
	s.origins[kind][name] = at
	return true
}

// Merged is the merged kubeconfig with paths as written in their files (what `kubectl config view` shows),
// entries sorted by name. The copy is the caller's to change, e.g. to pass to Modify.
func (s *Stack) Merged() *Config { return s.merged.DeepCopy() }

// Origin says which file and document defined an entry of the merged config.
func (s *Stack) Origin(kind EntryKind, name string) (Origin, bool) {
	if kind == KindCurrentContext {
		name = ""
	}
	o, ok := s.origins[kind][name]
	return o, ok
}

// Paths are the kubeconfig files in precedence order, whether they exist or not.
func (s *Stack) Paths() []string { return slices.Clone(s.paths) }

// Explicit reports whether --kubeconfig named the one file to use.
func (s *Stack) Explicit() bool { return s.explicit }

// MissingExplicit is the error for a --kubeconfig file that does not exist ("stat PATH: no such file or
// directory", wrapping fs.ErrNotExist), nil otherwise. Resolve and Namespace return it; commands that only
// read the kubeconfig (config view, get-contexts, ...) check it themselves, since the same stack serves the
// writes that create the file. kubectl's read-only config commands print an empty config instead.
func (s *Stack) MissingExplicit() error { return s.missingExplicit }

// DefaultFile is where kubectl's config commands put what has no file yet (a new context, the
// current-context): the --kubeconfig file; the only $KUBECONFIG file; the first existing one of several, or
// the last one if none exists; otherwise ~/.kube/config.
func (s *Stack) DefaultFile() string {
	switch {
	case s.explicit:
		return s.paths[0]
	case len(s.paths) == 1:
		return s.paths[0]
	case len(s.paths) > 1:
		for _, p := range s.paths {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
		return s.paths[len(s.paths)-1]
	}
	return s.homeFile
}
