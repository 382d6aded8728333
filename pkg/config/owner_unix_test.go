//go:build unix

package config

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteAtomicKeepsIdentity checks that a rewritten kubeconfig is still the file it was: other hard links
// see the new content, and the owner is kept (tested with another owner when running as root).
func TestWriteAtomicKeepsIdentity(t *testing.T) {
	dir := t.TempDir()
	path, link := filepath.Join(dir, "config"), filepath.Join(dir, "link")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(path, link); err != nil {
		t.Fatal(err)
	}
	uid, gid := os.Getuid(), os.Getgid()
	if uid == 0 {
		uid, gid = 65534, 65534 // as with sudo on another user's file
		if err := os.Chown(path, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeAtomic(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(link); string(b) != "new" {
		t.Errorf("the hard link reads %q, want the new content", b)
	}

	os.Remove(link) // a single link: replaced atomically, owner and mode kept
	if err := writeAtomic(path, []byte("newer")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid || fi.Mode().Perm() != 0o640 {
		t.Errorf("after the write: owner %d:%d mode %v; want %d:%d 0640", st.Uid, st.Gid, fi.Mode().Perm(), uid, gid)
	}
	if b, _ := os.ReadFile(path); string(b) != "newer" {
		t.Errorf("content %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
