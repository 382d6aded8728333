package cp

import (
	"archive/tar"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// recordSize is tar's default record (blocking factor 20). GNU tar reads its input a whole record at a
// time, so an archive that ends inside a record leaves it waiting for the rest or for end-of-file;
// padded to whole records (as tar pads what it writes) it ends at the end-of-archive blocks without
// needing end-of-file on stdin, which a v4 server cannot carry and kwok never delivers.
const recordSize = 20 * 512

// writeArchive writes src (a file or a directory tree, read with Lstat: links are archived as links)
// to w as a tar archive whose entries are named name and name/..., padded to whole records. Files that
// are neither regular, directories nor symbolic links are skipped with a warning.
func writeArchive(w io.Writer, src, name string, warn io.Writer) error {
	cw := &countingWriter{w: w}
	tw := tar.NewWriter(cw)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		entry := path.Join(name, filepath.ToSlash(rel))
		fi, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		case fi.IsDir(), fi.Mode().IsRegular():
		default:
			fmt.Fprintf(warn, "warning: skipping %q: not a regular file, directory or symbolic link\n", p)
			return nil
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		h.Name = entry
		if fi.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.Copy(tw, f); err != nil {
			return fmt.Errorf("reading %s: %w", p, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if rest := cw.n % recordSize; rest != 0 {
		_, err = w.Write(make([]byte, recordSize-rest))
	}
	return err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
