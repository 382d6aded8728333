package cp

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// entry is one entry of a crafted archive: a file (with body), a directory (name ending in "/"), a
// symbolic link (link) or a hard link (hard).
type entry struct {
	name, body, link, hard string
}

func archive(t *testing.T, entries ...entry) *bytes.Buffer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		switch {
		case strings.HasSuffix(e.name, "/"):
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case e.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
		case e.hard != "":
			h.Typeflag, h.Linkname = tar.TypeLink, e.hard
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return &b
}

// tree lists what is under dir: "name" for files (with "=body"), "name/" for directories, "name -> link".
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out = append(out, rel+" -> "+l)
		case fi.IsDir():
			out = append(out, rel+"/")
		default:
			b, _ := os.ReadFile(p)
			out = append(out, rel+"="+string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func TestExtractRefusesEscapes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prefix  string
		entries []entry
		setup   func(t *testing.T, dest, outside string)
		want    []string // tree of dest
		refused []string // entries named in warnings
	}{{
		name:    "a tree under the prefix",
		prefix:  "tmp/src",
		entries: []entry{{name: "tmp/src/"}, {name: "tmp/src/a", body: "A"}, {name: "tmp/src/sub/"}, {name: "tmp/src/sub/b", body: "B"}, {name: "tmp/src/l", link: "sub/b"}, {name: "tmp/src/h", hard: "tmp/src/a"}},
		want:    []string{"a=A", "h=A", "l -> sub/b", "sub/", "sub/b=B"},
	}, {
		name:    "absolute name",
		entries: []entry{{name: "/etc/evil", body: "x"}, {name: "ok", body: "y"}},
		want:    []string{"ok=y"},
		refused: []string{"/etc/evil"},
	}, {
		name:    "dot-dot",
		prefix:  "src",
		entries: []entry{{name: "src/../../evil", body: "x"}, {name: "src/a/../../../evil", body: "x"}},
		refused: []string{"src/../../evil", "src/a/../../../evil"},
	}, {
		name:    "outside the prefix",
		prefix:  "src",
		entries: []entry{{name: "srcx/evil", body: "x"}, {name: "other", body: "x"}},
		refused: []string{"srcx/evil", "other"},
	}, {
		name:    "symlinks leading outside",
		prefix:  "src",
		entries: []entry{{name: "src/abs", link: "/etc/passwd"}, {name: "src/up", link: "../outside"}, {name: "src/dot", link: "."}, {name: "src/sneaky", link: "dot/.."}, {name: "src/in", link: "sub/../x"}},
		want:    []string{"dot -> .", "in -> sub/../x"},
		refused: []string{"src/abs", "src/up", "src/sneaky"},
	}, {
		// Each link is inside when made; the later one changes where the earlier one leads.
		name:    "a link turned outside by a later link",
		prefix:  "src",
		entries: []entry{{name: "src/sneaky", link: "dot/.."}, {name: "src/dot", link: "."}},
		want:    []string{"dot -> ."},
		refused: []string{"src/sneaky"},
	}, {
		name:   "links turned outside by later links, repeated towards the root",
		prefix: "src",
		entries: []entry{
			{name: "src/up3", link: "dot/../../.."}, {name: "src/up2", link: "dot/../.."}, {name: "src/sneaky", link: "dot/.."},
			{name: "src/sub/deep", link: "../dot/../.."}, {name: "src/dot", link: "."},
		},
		want:    []string{"dot -> ."},
		refused: []string{"src/up3", "src/up2", "src/sneaky", "src/sub/deep"},
	}, {
		name:    "a link leading through a link removed as outside",
		prefix:  "src",
		entries: []entry{{name: "src/a", link: "b/x/../.."}, {name: "src/b", link: "c/.."}, {name: "src/c", link: "."}, {name: "src/x/"}},
		want:    []string{"c -> .", "x/"},
		refused: []string{"src/a", "src/b"},
	}, {
		name:    "written through a link of the archive",
		prefix:  "src",
		entries: []entry{{name: "src/d", link: "."}, {name: "src/d/f", body: "x"}},
		want:    []string{"d -> ."},
		refused: []string{"src/d/f"},
	}, {
		name:   "written through a link already in the destination",
		prefix: "src",
		setup: func(t *testing.T, dest, outside string) {
			if err := os.Symlink(outside, filepath.Join(dest, "evil")); err != nil {
				t.Fatal(err)
			}
		},
		entries: []entry{{name: "src/evil/f", body: "x"}, {name: "src/evil/"}},
		want:    []string{"evil -> OUTSIDE"},
		refused: []string{"src/evil/f", "src/evil/"},
	}, {
		name:   "a link in the destination is replaced, not written through",
		prefix: "src",
		setup: func(t *testing.T, dest, outside string) {
			if err := os.Symlink(filepath.Join(outside, "f"), filepath.Join(dest, "f")); err != nil {
				t.Fatal(err)
			}
		},
		entries: []entry{{name: "src/f", body: "x"}},
		want:    []string{"f=x"},
	}, {
		name:    "hard links",
		prefix:  "src",
		entries: []entry{{name: "src/h1", hard: "/etc/passwd"}, {name: "src/h2", hard: "src/../../x"}, {name: "src/l", link: "."}, {name: "src/h3", hard: "src/l"}},
		want:    []string{"l -> ."},
		refused: []string{"src/h1", "src/h2", "src/h3"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			dest, outside := filepath.Join(base, "dest"), filepath.Join(base, "outside")
			for _, d := range []string{dest, outside} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if tc.setup != nil {
				tc.setup(t, dest, outside)
			}
			var warn bytes.Buffer
			x := &extractor{dest: dest, prefix: tc.prefix, preserve: true, warn: &warn}
			if err := x.extract(archive(t, tc.entries...)); err != nil {
				t.Fatal(err)
			}
			got := tree(t, dest)
			for i := range got {
				got[i] = strings.ReplaceAll(got[i], outside, "OUTSIDE")
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("destination holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if o := tree(t, outside); len(o) > 0 {
				t.Errorf("written outside the destination: %v", o)
			}
			if x.refused != len(tc.refused) {
				t.Errorf("refused %d entries, want %d; warnings:\n%s", x.refused, len(tc.refused), warn.String())
			}
			for _, name := range tc.refused {
				if !strings.Contains(warn.String(), `warning: refusing archive entry "`+name+`"`) {
					t.Errorf("no warning naming %q in:\n%s", name, warn.String())
				}
			}
		})
	}
}

func TestExtractSingleFile(t *testing.T) {
	dir := t.TempDir()
	for _, dest := range []string{filepath.Join(dir, "new"), dir} {
		x := &extractor{dest: dest, prefix: "tmp/a.txt", warn: os.Stderr}
		if err := x.extract(archive(t, entry{name: "tmp/a.txt", body: "A"})); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(tree(t, dir), " "); got != "a.txt=A new=A" {
		t.Errorf("got %s; want the file written as new, and into the existing directory as a.txt", got)
	}
}

// An archive that breaks after a link turned outside leaves no such link.
func TestExtractBrokenArchiveChecksLinks(t *testing.T) {
	base := t.TempDir()
	dest := filepath.Join(base, "dest")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	b := archive(t, entry{name: "src/sneaky", link: "dot/.."}, entry{name: "src/dot", link: "."}).Bytes()
	b = append(b[:len(b)-1024], bytes.Repeat([]byte{'x'}, 512)...) // a broken header instead of the end
	var warn bytes.Buffer
	x := &extractor{dest: dest, prefix: "src", warn: &warn}
	if err := x.extract(bytes.NewReader(b)); err == nil {
		t.Error("no error for a broken archive")
	}
	if got := strings.Join(tree(t, dest), " "); got != "dot -> ." || x.refused != 1 {
		t.Errorf("destination holds %s, %d refused; warnings:\n%s", got, x.refused, warn.String())
	}
}
