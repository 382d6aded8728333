package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const (
	testVersion = "0.0.1-snapshot-abc1234"
	testCommit  = "abc1234def"
)

// fakeKubex stands in for the binary: a script printing what a correctly stamped kubex prints.
func fakeKubex(version string) []byte {
	return fmt.Appendf(nil, `#!/bin/sh
if [ "$3" = "-o" ]; then
  echo '{"clientVersion":{"gitVersion":"v%[1]s","gitCommit":"%[2]s","buildDate":"2026-01-01T00:00:00Z"}}'
else
  echo 'Client Version: v%[1]s (abc1234, go1.26, linux/amd64)'
fi
`, version, testCommit)
}

func writeTarGz(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, b := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(b)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func writeZip(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

// makeDist lays out a repository and a dist/ as goreleaser would; mutate may change an archive's files
// (by archive name) before it is written, and the checksums file after.
func makeDist(t *testing.T, mutate func(archive string, files map[string][]byte), sums func(string) string) (dist, root string) {
	t.Helper()
	root, dist = t.TempDir(), t.TempDir()
	repo := map[string][]byte{
		"README.md":                    []byte("# kubex\n"),
		"LICENSE":                      []byte("Apache License\n"),
		"completions/kubex.bash":       []byte("# bash\n"),
		"completions/kubex.zsh":        []byte("# zsh\n"),
		"completions/kubex.fish":       []byte("# fish\n"),
		"completions/kubex.powershell": []byte("# powershell\n"),
	}
	for name, b := range repo {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dist, "metadata.json"),
		fmt.Appendf(nil, `{"project_name":"kubex","tag":"v0.0.0","version":%q,"commit":%q}`, testVersion, testCommit), 0o644)
	var checksums strings.Builder
	for _, p := range platforms {
		files := map[string][]byte{}
		for k, v := range repo {
			files[k] = v
		}
		ext, bin := ".tar.gz", "kubex"
		if p[0] == "windows" {
			ext, bin = ".zip", "kubex.exe"
		}
		files[bin] = fakeKubex(testVersion)
		name := fmt.Sprintf("kubex_%s_%s_%s%s", testVersion, p[0], p[1], ext)
		if mutate != nil {
			mutate(name, files)
		}
		var data []byte
		if ext == ".zip" {
			data = writeZip(t, files)
		} else {
			data = writeTarGz(t, files)
		}
		if err := os.WriteFile(filepath.Join(dist, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&checksums, "%x  %s\n", sha256.Sum256(data), name)
	}
	s := checksums.String()
	if sums != nil {
		s = sums(s)
	}
	os.WriteFile(filepath.Join(dist, "checksums.txt"), []byte(s), 0o644)
	return dist, root
}

func TestCheck(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the fake binary is a shell script")
	}
	host := fmt.Sprintf("_%s_%s.", runtime.GOOS, runtime.GOARCH)
	for _, tc := range []struct {
		name    string
		mutate  func(string, map[string][]byte)
		sums    func(string) string
		wantErr []string // substrings of the error; none means success
	}{
		{name: "good"},
		{
			name: "archive without LICENSE",
			mutate: func(a string, f map[string][]byte) {
				if strings.Contains(a, "_darwin_arm64") {
					delete(f, "LICENSE")
				}
			},
			wantErr: []string{"kubex_" + testVersion + "_darwin_arm64.tar.gz lacks LICENSE"},
		},
		{
			name: "stale completion",
			mutate: func(a string, f map[string][]byte) {
				if strings.Contains(a, "_windows_") {
					f["completions/kubex.powershell"] = []byte("old\n")
				}
			},
			wantErr: []string{"windows_amd64.zip: completions/kubex.powershell differs", "windows_arm64.zip: completions/kubex.powershell differs"},
		},
		{
			name: "archive without binary",
			mutate: func(a string, f map[string][]byte) {
				if strings.Contains(a, "_windows_arm64") {
					delete(f, "kubex.exe")
				}
			},
			wantErr: []string{"windows_arm64.zip lacks the binary kubex.exe"},
		},
		{
			name: "checksums missing an archive",
			sums: func(s string) string {
				var keep []string
				for _, l := range strings.SplitAfter(s, "\n") {
					if !strings.Contains(l, "_linux_arm64") {
						keep = append(keep, l)
					}
				}
				return strings.Join(keep, "")
			},
			wantErr: []string{"checksums.txt does not list kubex_" + testVersion + "_linux_arm64.tar.gz"},
		},
		{
			name: "wrong checksum",
			// Flip the first digit rather than set it: a digest may already start with the digit we pick.
			sums: func(s string) string {
				if s[0] == '0' {
					return "1" + s[1:]
				}
				return "0" + s[1:]
			},
			wantErr: []string{"checksums.txt has ", "the file's sha256 is"},
		},
		{
			name: "unstamped binary",
			mutate: func(a string, f map[string][]byte) {
				if strings.Contains(a, host) {
					f["kubex"] = fakeKubex("0.1.0-dev")
				}
			},
			wantErr: []string{"kubex version --client says", "want v" + testVersion},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dist, root := makeDist(t, tc.mutate, tc.sums)
			r, err := check(dist, root)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("check: %v", err)
				}
				if len(r.Archives) != len(platforms) {
					t.Errorf("checked %d archives; want %d", len(r.Archives), len(platforms))
				}
				if !strings.Contains(r.Version, "v"+testVersion) {
					t.Errorf("version line %q; want it to name v%s", r.Version, testVersion)
				}
				return
			}
			if err == nil {
				t.Fatalf("check succeeded; want an error containing %q", tc.wantErr)
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestCheckWithoutDist(t *testing.T) {
	_, err := check(t.TempDir(), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "make release-snapshot") {
		t.Fatalf("check of an empty dir: %v; want a hint to run make release-snapshot", err)
	}
}
