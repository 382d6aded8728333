package cp

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzExtract: whatever the archive, nothing is written outside the destination and every symbolic link
// left in it leads inside it.
func FuzzExtract(f *testing.F) {
	seeds := [][]entry{
		{{name: "src/"}, {name: "src/a", body: "A"}, {name: "src/l", link: "a"}, {name: "src/h", hard: "src/a"}},
		{{name: "src/sneaky", link: "dot/.."}, {name: "src/dot", link: "."}},
		{{name: "src/d", link: "."}, {name: "src/d/f", body: "x"}},
		{{name: "src/a", link: "b/x/../.."}, {name: "src/b", link: "c/.."}, {name: "src/c", link: "."}},
		{{name: "/etc/evil", body: "x"}, {name: "src/../../evil", body: "x"}, {name: "src/up", link: "../../x"}},
	}
	t := &testing.T{}
	for _, s := range seeds {
		f.Add(archive(t, s...).Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		base := t.TempDir()
		dest, outside := filepath.Join(base, "dest"), filepath.Join(base, "outside")
		for _, d := range []string{dest, outside} {
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		x := &extractor{dest: dest, prefix: "src", preserve: false, warn: io.Discard}
		_ = x.extract(bytes.NewReader(data))
		if o := tree(t, outside); len(o) > 0 {
			t.Fatalf("written outside the destination: %v", o)
		}
		if entries, _ := os.ReadDir(base); len(entries) != 2 {
			t.Fatalf("written beside the destination: %v", entries)
		}
		_ = filepath.Walk(dest, func(p string, fi os.FileInfo, err error) error {
			if err != nil || fi.Mode()&os.ModeSymlink == 0 {
				return nil
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				return nil // dangling or a loop: leads nowhere
			}
			if rel, err := filepath.Rel(dest, real); err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
				target, _ := os.Readlink(p)
				t.Fatalf("link %s -> %s leads to %s, outside", p, target, real)
			}
			return nil
		})
	})
}
