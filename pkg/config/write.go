package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/kubex-cli/kubex/internal/yamldoc"
)

// kindPreferences marks a change of the preferences block; it has no name and no Origin.
const kindPreferences EntryKind = "preferences"

// change is one entry to set or remove in one file.
type change struct {
	kind   EntryKind
	name   string
	remove bool
	value  any // Cluster, AuthInfo, Context, NamedExtension's value, Preferences, or the current-context string
	doc    int // the document that holds the entry now, 0 if none
}

// Modify writes to disk what differs between the stack's merged config and want, which is normally an
// edited copy of Merged(). Like kubectl, a changed or removed entry is written to the file that defines it,
// a new entry to DefaultFile(), and a new current-context to DefaultFile() as well (the --kubeconfig file
// if given). Within a multi-document file only the document that holds the entry is rewritten; the others
// keep their bytes. Each file is written under "<file>.lock" and replaced atomically, keeping its mode
// (0600 for a new file). Files without changes are not touched. The stack is reloaded afterwards.
func (s *Stack) Modify(want *Config) error { return s.modify(want, nil) }

// ModifyRenamed is Modify for a want in which the entry oldName of kind was renamed to newName. kubectl's
// renamed copy keeps the location of the original, so the new entry goes to the file (and document) that
// defines oldName rather than to DefaultFile().
func (s *Stack) ModifyRenamed(want *Config, kind EntryKind, oldName, newName string) error {
	at, ok := s.Origin(kind, oldName)
	if !ok {
		return s.Modify(want)
	}
	return s.modify(want, func(c *change) (Origin, bool) {
		return at, c.kind == kind && c.name == newName && !c.remove
	})
}

// modify is Modify where place, if set, may name the origin of an entry that has none yet.
func (s *Stack) modify(want *Config, place func(*change) (Origin, bool)) error {
	byFile := map[string][]change{}
	for _, c := range s.diff(want) {
		path, err := s.destination(&c, place)
		if err != nil {
			return err
		}
		byFile[path] = append(byFile[path], c)
	}
	if len(byFile) == 0 {
		return nil
	}
	paths := make([]string, 0, len(byFile))
	for p := range byFile {
		paths = append(paths, p)
	}
	slices.Sort(paths) // one locking order for everyone, as kubectl does
	for _, p := range paths {
		unlock, err := lockFile(p, s.lockWait)
		if err != nil {
			return err
		}
		defer unlock()
	}
	for _, p := range paths {
		if err := applyToFile(p, byFile[p]); err != nil {
			return err
		}
	}
	return s.read()
}

// diff lists the entries of want that are new, changed or gone compared with the merged config.
func (s *Stack) diff(want *Config) []change {
	have := s.merged
	var out []change
	if have.CurrentContext != want.CurrentContext {
		out = append(out, change{kind: KindCurrentContext, value: want.CurrentContext})
	}
	hp, wp := have.Preferences, want.Preferences
	hp.Extensions, wp.Extensions = normalizeExtensions(slices.Clone(hp.Extensions)), normalizeExtensions(slices.Clone(wp.Extensions))
	if !reflect.DeepEqual(hp, wp) {
		out = append(out, change{kind: kindPreferences, value: want.Preferences})
	}
	out = append(out, diffEntries(KindCluster, have.Clusters, want.Clusters, func(n NamedCluster) (string, any) { return n.Name, n.Cluster })...)
	out = append(out, diffEntries(KindUser, have.AuthInfos, want.AuthInfos, func(n NamedUser) (string, any) { return n.Name, n.User })...)
	out = append(out, diffEntries(KindContext, have.Contexts, want.Contexts, func(n NamedContext) (string, any) { return n.Name, n.Context })...)
	out = append(out, diffEntries(KindExtension, have.Extensions, want.Extensions, func(n NamedExtension) (string, any) { return n.Name, n.Extension })...)
	return out
}

func diffEntries[T any](kind EntryKind, have, want []T, entry func(T) (string, any)) []change {
	old := make(map[string]any, len(have))
	for _, h := range have {
		n, v := entry(h)
		old[n] = v
	}
	var out []change
	seen := make(map[string]bool, len(want))
	for _, w := range want {
		n, v := entry(w)
		seen[n] = true
		if ov, ok := old[n]; !ok || !reflect.DeepEqual(ov, v) {
			out = append(out, change{kind: kind, name: n, value: v})
		}
	}
	for _, h := range have {
		if n, _ := entry(h); !seen[n] {
			out = append(out, change{kind: kind, name: n, remove: true})
		}
	}
	return out
}

// destination picks the file for c, and notes in c the document that holds the entry now.
func (s *Stack) destination(c *change, place func(*change) (Origin, bool)) (string, error) {
	var path string
	switch c.kind {
	case KindCurrentContext:
		at, had := s.Origin(KindCurrentContext, "")
		switch {
		case s.explicit || c.value.(string) != "":
			path = s.DefaultFile()
		case had:
			path = at.File // clearing: where it is set now
		default:
			path = s.DefaultFile()
		}
		if had && at.File == path {
			c.doc = at.Doc
		}
	case kindPreferences:
		path = s.DefaultFile()
	default:
		at, ok := s.Origin(c.kind, c.name)
		if !ok && place != nil {
			at, ok = place(c)
		}
		if ok {
			path, c.doc = at.File, at.Doc
		} else {
			path = s.DefaultFile()
		}
	}
	if path == "" {
		return "", errors.New("no kubeconfig file to write to: set $HOME, $KUBECONFIG or --kubeconfig")
	}
	return path, nil
}

// applyToFile re-reads path under its lock, applies the changes to the documents that hold the entries and
// writes back only those documents, byte for byte around them.
func applyToFile(path string, changes []change) error {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	chunks := yamldoc.Split(data)
	docs := map[int]*Config{}
	ndocs := 0
	for _, c := range chunks {
		if c.Doc == 0 {
			continue
		}
		ndocs = c.Doc
		cfg, err := parseDocument(c)
		if err != nil {
			return fmt.Errorf("error loading config file %q: %w", path, err)
		}
		docs[c.Doc] = cfg
	}
	dirty := map[int]bool{}
	for _, c := range changes {
		n := pickDocument(docs, ndocs, c)
		if n > ndocs { // the file has no document yet
			ndocs = n
		}
		if docs[n] == nil {
			docs[n] = &Config{}
		}
		applyChange(docs[n], c)
		dirty[n] = true
	}
	if ndocs == 1 {
		// kubectl rewrites a whole file, so a file of one document loses its directives, "---" and
		// surrounding comments; doing the same keeps the two tools' files identical.
		b, err := encodeDocument(docs[1])
		if err != nil {
			return err
		}
		return writeAtomic(path, b)
	}
	var out bytes.Buffer
	written := map[int]bool{}
	for _, c := range chunks {
		if c.Doc == 0 || !dirty[c.Doc] {
			out.Write(c.Raw)
			continue
		}
		if yamldoc.StartsWithMarker(c.Raw) {
			out.WriteString("---\n")
		}
		b, err := encodeDocument(docs[c.Doc])
		if err != nil {
			return err
		}
		out.Write(b)
		written[c.Doc] = true
	}
	for n := 1; n <= ndocs; n++ {
		if !dirty[n] || written[n] {
			continue
		}
		// A new document: the file was empty, missing or only comments.
		if out.Len() > 0 && !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteByte('\n')
		}
		b, err := encodeDocument(docs[n])
		if err != nil {
			return err
		}
		out.Write(b)
	}
	return writeAtomic(path, out.Bytes())
}

// pickDocument chooses the document to change: the one that defines the entry (or sets current-context),
// else the one it came from, else the first non-empty one, else the first, else a new one.
func pickDocument(docs map[int]*Config, ndocs int, c change) int {
	for n := 1; n <= ndocs; n++ {
		if d := docs[n]; d != nil && defines(d, c) {
			return n
		}
	}
	if c.doc >= 1 && c.doc <= ndocs {
		return c.doc
	}
	for n := 1; n <= ndocs; n++ {
		if docs[n] != nil {
			return n
		}
	}
	return max(ndocs, 1)
}

func defines(d *Config, c change) bool {
	switch c.kind {
	case KindCurrentContext:
		return d.CurrentContext != ""
	case KindCluster:
		return slices.ContainsFunc(d.Clusters, func(n NamedCluster) bool { return n.Name == c.name })
	case KindUser:
		return slices.ContainsFunc(d.AuthInfos, func(n NamedUser) bool { return n.Name == c.name })
	case KindContext:
		return slices.ContainsFunc(d.Contexts, func(n NamedContext) bool { return n.Name == c.name })
	case KindExtension:
		return slices.ContainsFunc(d.Extensions, func(n NamedExtension) bool { return n.Name == c.name })
	}
	return false
}

func applyChange(d *Config, c change) {
	switch c.kind {
	case KindCurrentContext:
		d.CurrentContext = c.value.(string)
	case kindPreferences:
		d.Preferences = c.value.(Preferences)
	case KindCluster:
		d.Clusters = upsert(d.Clusters, c, func(n NamedCluster) string { return n.Name },
			func() NamedCluster { return NamedCluster{Name: c.name, Cluster: c.value.(Cluster)} })
	case KindUser:
		d.AuthInfos = upsert(d.AuthInfos, c, func(n NamedUser) string { return n.Name },
			func() NamedUser { return NamedUser{Name: c.name, User: c.value.(AuthInfo)} })
	case KindContext:
		d.Contexts = upsert(d.Contexts, c, func(n NamedContext) string { return n.Name },
			func() NamedContext { return NamedContext{Name: c.name, Context: c.value.(Context)} })
	case KindExtension:
		d.Extensions = upsert(d.Extensions, c, func(n NamedExtension) string { return n.Name },
			func() NamedExtension { return NamedExtension{Name: c.name, Extension: c.value} })
	}
}

func upsert[T any](list []T, c change, name func(T) string, entry func() T) []T {
	i := slices.IndexFunc(list, func(e T) bool { return name(e) == c.name })
	switch {
	case c.remove && i >= 0:
		return slices.Delete(list, i, i+1)
	case c.remove:
		return list
	case i >= 0:
		list[i] = entry()
		return list
	}
	return append(list, entry())
}

// encodeDocument writes one document the way kubectl writes a whole file.
func encodeDocument(d *Config) ([]byte, error) {
	d = d.DeepCopy()
	normalize(d)
	return yaml.Marshal(d)
}

// lockFile takes path's lock the way kubectl does (creating "<path>.lock" exclusively), so that kubectl and
// kubex don't interleave their writes. A lock held by someone else is waited for up to wait.
func lockFile(path string, wait time.Duration) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	lock := path + ".lock"
	deadline := time.Now().Add(wait)
	for {
		f, err := os.OpenFile(lock, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			f.Close()
			return func() { os.Remove(lock) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("cannot write %q: its lock file %q is held by another process; if no kubectl or kubex is running, remove the lock file", path, lock)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// writeAtomic replaces path with data through a temporary file in the same directory, so that a reader
// never sees half a kubeconfig. A symlinked kubeconfig stays a symlink: its target is replaced. The file keeps
// its mode and owner; where a new inode can't keep what the old one had (other hard links to it, an owner we
// can't give, a directory we can't write), it is rewritten in place instead, as kubectl always does.
func writeAtomic(path string, data []byte) error {
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	st, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return replaceFile(target, data, 0o600, nil)
	case err != nil:
		return err
	}
	// A file we may not write stays as it is, even though its directory would let us replace it.
	f, err := os.OpenFile(target, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	f.Close()
	if hardLinks(st) > 1 {
		return os.WriteFile(target, data, 0)
	}
	err = replaceFile(target, data, st.Mode().Perm(), st)
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, errOwner) {
		return os.WriteFile(target, data, 0)
	}
	return err
}

// errOwner is returned when a replacement file can't be given the owner of the file it replaces.
var errOwner = errors.New("cannot keep the file's owner")

// replaceFile writes data to a temporary file beside target with mode (and the owner of old, if any), then
// renames it over target.
func replaceFile(target string, data []byte, mode fs.FileMode, old fs.FileInfo) error {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	err = func() error {
		defer tmp.Close()
		if _, err := tmp.Write(data); err != nil {
			return err
		}
		if err := tmp.Chmod(mode); err != nil {
			return err
		}
		if old != nil {
			if err := keepOwner(tmp, old); err != nil {
				return fmt.Errorf("%w: %v", errOwner, err)
			}
		}
		return tmp.Sync()
	}()
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}
