// Command release checks what `goreleaser release --snapshot` (or a real release) left in dist/: every
// platform's archive exists, holds the binary, README.md, LICENSE and the shell completions, is listed in
// checksums.txt with the right digest, and the linux/amd64 binary prints the version goreleaser stamped.
//
//	go run ./hack/release -dist dist     # `make release-verify`, run by `make release-snapshot`
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// platforms are the goos/goarch pairs goreleaser.yaml builds.
var platforms = [][2]string{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// maxBinary is the size limit of a release binary (issue 12: under 15 MB with the library's verbs and the new
// commands; was 12 MiB in issue 9). A test in cmd/kubex keeps k8s.io/api and apimachinery out, the usual cause of growth.
const maxBinary = 14 << 20

// metadata is the part of dist/metadata.json this check reads.
type metadata struct {
	ProjectName string `json:"project_name"`
	Version     string `json:"version"`
	Commit      string `json:"commit"`
}

// report is what a check found: one line per archive, then the stamped version.
type report struct {
	Archives []archiveReport
	Version  string // `kubex version --client` of the host's platform (linux/amd64 in CI)
}

type archiveReport struct {
	Name       string
	Size       int64
	BinarySize int64
}

func main() {
	dist := flag.String("dist", "dist", "goreleaser's output directory")
	root := flag.String("root", ".", "the repository, for README.md, LICENSE and completions/")
	flag.Parse()
	r, err := check(*dist, *root)
	if r != nil {
		for _, a := range r.Archives {
			fmt.Printf("%-50s %6.2f MiB  (binary %5.2f MiB)\n", a.Name, mb(a.Size), mb(a.BinarySize))
		}
		if r.Version != "" {
			fmt.Printf("%s/%s: %s\n", runtime.GOOS, runtime.GOARCH, r.Version)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release check:", err)
		os.Exit(1)
	}
	fmt.Println("release check: ok")
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

// check verifies dist against the repository at root; it reports every problem it finds, not only the first.
func check(dist, root string) (*report, error) {
	var meta metadata
	b, err := os.ReadFile(filepath.Join(dist, "metadata.json"))
	if err != nil {
		return nil, fmt.Errorf("reading goreleaser's metadata (run `make release-snapshot` first): %w", err)
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", filepath.Join(dist, "metadata.json"), err)
	}
	if meta.ProjectName == "" || meta.Version == "" {
		return nil, fmt.Errorf("%s names no project or version", filepath.Join(dist, "metadata.json"))
	}
	if meta.Commit == "none" {
		// goreleaser's stand-in when it could not read the git state (for example a clone without a remote).
		return nil, errors.New("goreleaser found no git commit (the build would stamp \"none\"); does the clone have a remote?")
	}
	want, err := wantFiles(root)
	if err != nil {
		return nil, err
	}
	sums, err := readChecksums(filepath.Join(dist, "checksums.txt"))
	if err != nil {
		return nil, err
	}

	r := &report{}
	var errs []error
	for _, p := range platforms {
		goos, goarch := p[0], p[1]
		ext, bin := ".tar.gz", "kubex"
		if goos == "windows" {
			ext, bin = ".zip", "kubex.exe"
		}
		name := fmt.Sprintf("%s_%s_%s_%s%s", meta.ProjectName, meta.Version, goos, goarch, ext)
		path := filepath.Join(dist, name)
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s/%s: %w", goos, goarch, err))
			continue
		}
		digest := sha256.Sum256(data)
		switch sum, ok := sums[name]; {
		case !ok:
			errs = append(errs, fmt.Errorf("checksums.txt does not list %s", name))
		case sum != hex.EncodeToString(digest[:]):
			errs = append(errs, fmt.Errorf("checksums.txt has %s for %s; the file's sha256 is %x", sum, name, digest))
		}
		files, err := readArchive(name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		a := archiveReport{Name: name, Size: int64(len(data)), BinarySize: int64(len(files[bin]))}
		r.Archives = append(r.Archives, a)
		for _, f := range slices.Sorted(maps.Keys(want)) {
			switch got, ok := files[f]; {
			case !ok:
				errs = append(errs, fmt.Errorf("%s lacks %s", name, f))
			case !bytes.Equal(got, want[f]):
				errs = append(errs, fmt.Errorf("%s: %s differs from the repository's", name, f))
			}
		}
		if len(files[bin]) == 0 {
			errs = append(errs, fmt.Errorf("%s lacks the binary %s", name, bin))
			continue
		}
		if goos == "linux" && goarch == "amd64" && a.BinarySize > maxBinary {
			errs = append(errs, fmt.Errorf("%s: the binary is %.2f MiB, more than the %d MiB goal", name, mb(a.BinarySize), maxBinary>>20))
		}
		if goos == runtime.GOOS && goarch == runtime.GOARCH {
			v, err := stampedVersion(files[bin], meta)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
			}
			r.Version = v
		}
	}
	return r, errors.Join(errs...)
}

// wantFiles is what every archive must carry besides the binary, with the repository's bytes.
func wantFiles(root string) (map[string][]byte, error) {
	names := []string{"README.md", "LICENSE"}
	completions, err := filepath.Glob(filepath.Join(root, "completions", "*"))
	if err != nil {
		return nil, err
	}
	if len(completions) == 0 {
		return nil, fmt.Errorf("no shell completions in %s", filepath.Join(root, "completions"))
	}
	for _, c := range completions {
		names = append(names, "completions/"+filepath.Base(c))
	}
	want := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(n)))
		if err != nil {
			return nil, err
		}
		want[n] = b
	}
	return want, nil
}

// readChecksums reads goreleaser's checksums.txt: "<sha256>  <name>" lines.
func readChecksums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want \"<sha256>  <name>\", got %q", path, n, sc.Text())
		}
		sums[name] = sum
	}
	return sums, sc.Err()
}

// readArchive returns the regular files of a .tar.gz or .zip by their slash-separated names.
func readArchive(name string, data []byte) (map[string][]byte, error) {
	files := map[string][]byte{}
	if strings.HasSuffix(name, ".zip") {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, f.Name, err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, f.Name, err)
			}
			files[f.Name] = b
		}
		return files, nil
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", name, h.Name, err)
		}
		files[h.Name] = b
	}
}

// stampedVersion runs `kubex version --client` on the binary and checks that it reports goreleaser's version
// and commit. It returns the human-readable line.
func stampedVersion(bin []byte, meta metadata) (string, error) {
	dir, err := os.MkdirTemp("", "kubex-release-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "kubex")
	if err := os.WriteFile(path, bin, 0o755); err != nil {
		return "", err
	}
	run := func(args ...string) ([]byte, error) {
		cmd := exec.Command(path, args...)
		// No kubeconfig: `version --client` must not need one, nor the network.
		cmd.Env = append(os.Environ(), "KUBECONFIG="+filepath.Join(dir, "absent"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			return nil, fmt.Errorf("kubex %s: %w\n%s", strings.Join(args, " "), err, out)
		}
		return out, nil
	}
	line, err := run("version", "--client")
	if err != nil {
		return "", err
	}
	js, err := run("version", "--client", "-o", "json")
	if err != nil {
		return "", err
	}
	var doc struct {
		ClientVersion struct {
			GitVersion string `json:"gitVersion"`
			GitCommit  string `json:"gitCommit"`
			BuildDate  string `json:"buildDate"`
		} `json:"clientVersion"`
	}
	if err := json.Unmarshal(js, &doc); err != nil {
		return "", fmt.Errorf("decoding `kubex version --client -o json`: %w", err)
	}
	got, want := doc.ClientVersion, "v"+meta.Version
	var errs []error
	if got.GitVersion != want || !strings.Contains(string(line), want) {
		errs = append(errs, fmt.Errorf("kubex version --client says %q (gitVersion %q); want %s", bytes.TrimSpace(line), got.GitVersion, want))
	}
	if meta.Commit != "" && got.GitCommit != meta.Commit {
		errs = append(errs, fmt.Errorf("gitCommit is %q; want %s", got.GitCommit, meta.Commit))
	}
	if got.BuildDate == "" {
		errs = append(errs, errors.New("buildDate is not stamped"))
	}
	return strings.TrimSpace(string(line)), errors.Join(errs...)
}
