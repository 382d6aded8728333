package cp

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	kexec "github.com/kubex-cli/kubex/pkg/exec"
)

// resumingReader is the standard output of `tar cf - PATH` in the container. When the connection is
// lost and retries are left, it runs the command again from the first byte not yet read, as kubectl's
// --retries does (but only for a lost connection: a tar that failed would fail again). Its final error
// is the command's outcome: io.EOF once the remote tar has exited with success.
type resumingReader struct {
	ctx     context.Context
	run     func(ctx context.Context, command []string, s kexec.Options) error
	remote  string
	stderr  io.Writer
	retries int // left; negative: without end
	total   int // --retries, for messages

	pipe   *io.PipeReader
	offset int64
	tried  int
}

func (r *resumingReader) start() {
	pr, pw := io.Pipe()
	r.pipe = pr
	command := []string{"tar", "cf", "-", r.remote}
	if r.total != 0 {
		// tail counts from 1.
		command = []string{"sh", "-c", fmt.Sprintf("tar cf - %s | tail -c+%d", shellQuote(r.remote), r.offset+1)}
	}
	go func() {
		pw.CloseWithError(r.run(r.ctx, command, kexec.Options{Stdout: pw, Stderr: r.stderr}))
	}()
}

func (r *resumingReader) Read(p []byte) (int, error) {
	if r.pipe == nil {
		r.start()
	}
	for {
		n, err := r.pipe.Read(p)
		r.offset += int64(n)
		var lost *kexec.LostError
		if err == nil || !errors.As(err, &lost) || r.retries == 0 || r.ctx.Err() != nil {
			return n, err
		}
		r.retries--
		r.tried++
		fmt.Fprintf(r.stderr, "Resuming copy at %d bytes, retry %d/%d\n", r.offset, r.tried, r.total)
		r.start()
		if n > 0 {
			return n, nil
		}
	}
}

// Close stops the remote command if it still runs.
func (r *resumingReader) Close() error {
	if r.pipe != nil {
		r.pipe.CloseWithError(errors.New("copy ended"))
	}
	return nil
}

// extractor writes the entries of an archive made by `tar cf - REMOTE` into dest, refusing every entry
// that would land outside dest: an absolute name or one with "..", a name that does not start with the
// remote path, a symbolic or hard link whose target is outside dest, and any entry that would be
// written through a symbolic link (one already in dest or one the archive made). Refused entries are
// warned about, one line each naming the entry, and counted.
//
// A link is checked when it is made, against what is there then, and once more when the archive has
// ended, against the finished tree: a later entry can change where an earlier link leads (`sneaky ->
// dot/..` made before `dot -> .`). Nothing is ever written through a link, so a link that leads
// outside for a while harms nothing before that last check removes it.
type extractor struct {
	dest     string // local destination as given
	prefix   string // archivePrefix of the remote path
	preserve bool   // apply the entries' permission bits
	warn     io.Writer

	refused int
	checked map[string]bool // directories under dest known to be real directories
	links   []madeLink      // symbolic links made, in archive order
}

// madeLink is a symbolic link the archive made, for the final check.
type madeLink struct {
	path string
	h    *tar.Header
}

// extract reads the archive to its end. The links it made are checked once more however it ends: an
// archive cut short or broken leaves no link leading outside either.
func (x *extractor) extract(r io.Reader) (err error) {
	x.checked = map[string]bool{}
	defer func() {
		if rerr := x.recheckLinks(); err == nil {
			err = rerr
		}
	}()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the archive from the container: %w", err)
		}
		if err := x.entry(tr, h); err != nil {
			return err
		}
	}
}

func (x *extractor) refuse(h *tar.Header, why string) {
	x.refused++
	fmt.Fprintf(x.warn, "warning: refusing archive entry %q: %s\n", h.Name, why)
}

// target is where entry name goes, or a reason to refuse it.
func (x *extractor) target(name string, isDir bool) (string, string) {
	if path.IsAbs(name) || strings.HasPrefix(name, `\`) {
		return "", "it is an absolute path"
	}
	if hasDotDot(name) {
		return "", `it contains ".."`
	}
	rel, ok := x.relative(name)
	if !ok {
		return "", fmt.Sprintf("it is not under %q, the path that was asked for", x.prefix)
	}
	if rel == "" && !isDir {
		// The remote path is a file: dest is the file, or the directory to put it in (cp's rule;
		// kubectl fails with "is a directory").
		if fi, err := os.Stat(x.dest); err == nil && fi.IsDir() {
			return filepath.Join(x.dest, path.Base(name)), ""
		}
		return x.dest, ""
	}
	return filepath.Join(x.dest, filepath.FromSlash(rel)), ""
}

// relative is name without the archive's prefix, "" for the prefix itself.
func (x *extractor) relative(name string) (string, bool) {
	name = strings.TrimSuffix(name, "/")
	if x.prefix == "" {
		return strings.TrimPrefix(path.Clean("/"+name), "/"), true
	}
	if name == x.prefix {
		return "", true
	}
	rest, ok := strings.CutPrefix(name, x.prefix+"/")
	return path.Clean(rest), ok
}

func hasDotDot(name string) bool {
	for el := range strings.SplitSeq(strings.ReplaceAll(name, `\`, "/"), "/") {
		if el == ".." {
			return true
		}
	}
	return false
}

// resolvesInside reports whether the symbolic link target link, in directory dir (under dest),
// resolves to dest or below it, following the links already extracted as the kernel would: checking
// the cleaned path alone would let "s/.." escape through a link s to ".".
func (x *extractor) resolvesInside(dir, link string) bool {
	follows := 0
	_, ok := x.resolve(dir, link, &follows)
	return ok
}

// maxFollows is how many symbolic links one resolution follows in all, as the kernel's 40: links that
// name each other several times over would otherwise take exponential time.
const maxFollows = 40

// resolve is where link, read in dir, leads; false as soon as it leaves dest or follows too many links.
func (x *extractor) resolve(dir, link string, follows *int) (string, bool) {
	if *follows > maxFollows || path.IsAbs(link) || strings.HasPrefix(link, `\`) {
		return "", false
	}
	cur := dir
	for el := range strings.SplitSeq(link, "/") {
		switch el {
		case "", ".":
			continue
		case "..":
			if cur == x.dest {
				return "", false
			}
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, el)
		if fi, err := os.Lstat(next); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(next)
			if err != nil {
				return "", false
			}
			var ok bool
			*follows++
			if next, ok = x.resolve(cur, target, follows); !ok {
				return "", false
			}
		}
		cur = next
	}
	return cur, x.inside(cur)
}

// recheckLinks removes, with a warning, every symbolic link the archive made that leads outside dest
// in the finished tree. Removing one can change where another leads (through it, or now through a
// missing name), so it checks again until nothing changes.
func (x *extractor) recheckLinks() error {
	for changed := true; changed; {
		changed = false
		for i, l := range x.links {
			if l.h == nil {
				continue
			}
			target, err := os.Readlink(l.path)
			if err != nil || target != l.h.Linkname {
				// Replaced by a later entry, which has its own record if it is a link.
				x.links[i].h = nil
				continue
			}
			if x.resolvesInside(filepath.Dir(l.path), target) {
				continue
			}
			if err := os.Remove(l.path); err != nil {
				return err
			}
			x.refuse(l.h, fmt.Sprintf("it is a symbolic link to %q, which leads outside %q once the archive is extracted", target, x.dest))
			x.links[i].h = nil
			changed = true
		}
	}
	return nil
}

// inside reports whether p is dest or below it.
func (x *extractor) inside(p string) bool {
	rel, err := filepath.Rel(x.dest, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// throughLink is the first directory between dest and p (p excluded) that is not a real directory,
// or "". Missing ones are fine: they will be created as real directories.
func (x *extractor) throughLink(p string) string {
	rel, err := filepath.Rel(x.dest, filepath.Dir(p))
	if err != nil || rel == "." {
		return ""
	}
	dir := x.dest
	for el := range strings.SplitSeq(rel, string(filepath.Separator)) {
		dir = filepath.Join(dir, el)
		if x.checked[dir] {
			continue
		}
		fi, err := os.Lstat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return ""
		}
		if err != nil || !fi.IsDir() {
			return dir
		}
		x.checked[dir] = true
	}
	return ""
}

func (x *extractor) entry(tr *tar.Reader, h *tar.Header) error {
	isDir := h.Typeflag == tar.TypeDir
	target, why := x.target(h.Name, isDir)
	if why != "" {
		x.refuse(h, why)
		return nil
	}
	if link := x.throughLink(target); link != "" {
		x.refuse(h, fmt.Sprintf("it would be written through %q, which is not a directory", link))
		return nil
	}
	perm := fs.FileMode(0o666)
	if isDir {
		perm = 0o777
	}
	if x.preserve {
		perm = fs.FileMode(h.Mode).Perm()
	}

	switch h.Typeflag {
	case tar.TypeDir:
		if fi, err := os.Lstat(target); err == nil && !fi.IsDir() && target != x.dest {
			x.refuse(h, fmt.Sprintf("%q is already there and not a directory", target))
			return nil
		}
		if err := os.MkdirAll(target, perm|0o700); err != nil {
			return err
		}
		x.checked[target] = true
		return nil
	case tar.TypeSymlink:
		if !x.resolvesInside(filepath.Dir(target), h.Linkname) {
			x.refuse(h, fmt.Sprintf("it is a symbolic link to %q, outside %q", h.Linkname, x.dest))
			return nil
		}
		if err := x.replace(target); err != nil {
			return err
		}
		x.links = append(x.links, madeLink{path: target, h: h})
		return os.Symlink(h.Linkname, target)
	case tar.TypeLink:
		// A hard link names another entry of the archive.
		old, why := x.target(h.Linkname, false)
		if why == "" && x.throughLink(old) != "" {
			why = "outside " + strconv.Quote(x.dest)
		}
		if fi, err := os.Lstat(old); why == "" && (err != nil || !fi.Mode().IsRegular()) {
			// A hard link to a symbolic link would give it a new directory to resolve from.
			why = "not a regular file extracted before"
		}
		if why != "" {
			x.refuse(h, fmt.Sprintf("it is a hard link to %q: %s", h.Linkname, why))
			return nil
		}
		if err := x.replace(target); err != nil {
			return err
		}
		return os.Link(old, target)
	case tar.TypeReg, tar.TypeCont:
	default:
		fmt.Fprintf(x.warn, "warning: skipping %q: not a regular file, directory or link\n", h.Name)
		return nil
	}
	if err := x.replace(target); err != nil {
		return err
	}
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, tr); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", target, err)
	}
	return f.Close()
}

// replace makes room for a new file at p, as tar does: its directory is created and a file or link
// already there is removed (so that a link is replaced, never written through).
func (x *extractor) replace(p string) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("cannot overwrite directory %s with a file", p)
	}
	return os.Remove(p)
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
