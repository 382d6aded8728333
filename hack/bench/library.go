package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"text/tabwriter"
)

// libRow is a row of the library table: the same few lines of Go, written with the kubex library
// (hack/bench/library) and with client-go's typed clientset (hack/bench/clientgo, asking for JSON and
// for protobuf), each built once and run as a process of its own.
type libRow struct {
	name string
	mode string // the programs' argument
	// first: the time is until the first line on stdout (the program is then ended with SIGTERM).
	first bool
}

func libraryRows() []libRow {
	return []libRow{
		{name: "library list 3025 pods typed", mode: "list"},
		{name: "library time to first pod printed (3025 pods)", mode: "first", first: true},
	}
}

// libraryRuns is the number of measured runs of a library row when -runs does not say.
const libraryRuns = 7

// libTool is a column of the library table.
type libTool struct {
	name string
	bin  string
	args []string
}

// buildLibraryPrograms builds the kubex and client-go programs into dir. The client-go one is its own
// module (hack/bench/clientgo), built outside any workspace.
func buildLibraryPrograms(ctx context.Context, dir string) (kubexBin, clientgoBin string, err error) {
	kubexBin, clientgoBin = filepath.Join(dir, "library-kubex"), filepath.Join(dir, "library-clientgo")
	for _, b := range []struct{ dir, out string }{{".", kubexBin}, {"hack/bench/clientgo", clientgoBin}} {
		pkg := "."
		if b.dir == "." {
			pkg = "./hack/bench/library"
		}
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", b.out, pkg)
		cmd.Dir = b.dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("building %s (run make bench from the repository's root): %w\n%s", b.out, err, out)
		}
	}
	return kubexBin, clientgoBin, nil
}

// runLibrary measures the library rows: paired runs, the tools' order alternating run by run, after one
// warm-up run each; medians of wall time and peak RSS.
func runLibrary(ctx context.Context, rows []libRow, kubeconfig, tmp string, runs int, seed *seeder) ([]error, error) {
	kubexBin, clientgoBin, err := buildLibraryPrograms(ctx, tmp)
	if err != nil {
		return nil, err
	}
	if err := seed.ensure(ctx, allNamespaces...); err != nil {
		return nil, err
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "\nLIBRARY\tKUBEX\tCLIENT-GO JSON\tCLIENT-GO PROTOBUF\tKUBEX/JSON\tKUBEX/PROTOBUF\tKUBEX/FASTER\tKUBEX RSS\tJSON RSS\tPROTOBUF RSS\tRSS KUBEX/JSON\tRSS KUBEX/PROTOBUF\tRSS KUBEX/FASTER\n")
	var failures []error
	for _, r := range rows {
		fmt.Fprintf(os.Stderr, "bench: %s\n", r.name)
		tools := []libTool{
			{"kubex", kubexBin, []string{r.mode}},
			{"client-go json", clientgoBin, []string{r.mode}},
			{"client-go protobuf", clientgoBin, []string{"-protobuf", r.mode}},
		}
		n := runs
		if n <= 0 {
			n = libraryRuns
		}
		lines := 0
		if r.first {
			lines = 1
		}
		env := append(os.Environ(), "KUBECONFIG="+kubeconfig, "HOME="+filepath.Join(tmp, "library-home"))
		samples := make([][]sample, len(tools))
		errs := make([]error, len(tools))
		for i := -1; i < n; i++ {
			for k := range tools {
				t := k
				if i%2 != 0 { // every other run in the reverse order
					t = len(tools) - 1 - k
				}
				if errs[t] != nil {
					continue
				}
				s, err := measure(ctx, tools[t].bin, tools[t].args, env, lines, "")
				if ctx.Err() != nil {
					return failures, ctx.Err()
				}
				if err != nil {
					errs[t] = err
					failures = append(failures, fmt.Errorf("%s: %s: %w", r.name, tools[t].name, err))
					continue
				}
				if i >= 0 {
					samples[t] = append(samples[t], s)
				}
			}
		}
		cells := make([]cell, len(tools))
		for t := range tools {
			if errs[t] != nil {
				cells[t] = cell{err: errs[t]}
			} else {
				cells[t] = cell{s: median(samples[t])}
			}
		}
		kx, js, pb := cells[0], cells[1], cells[2]
		// The faster client-go setting, and its memory: the goal is kubex at most 0.8x its
		// time and 0.5x its memory.
		faster := js
		if js.err != nil || (pb.err == nil && pb.s.wall < js.s.wall) {
			faster = pb
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.name,
			kx.wall(), js.wall(), pb.wall(), ratio(kx, js, wallOf), ratio(kx, pb, wallOf), ratio(kx, faster, wallOf),
			kx.rss(), js.rss(), pb.rss(), ratio(kx, js, rssOf), ratio(kx, pb, rssOf), ratio(kx, faster, rssOf))
	}
	return failures, tw.Flush()
}

// matchingLibraryRows are the library rows filter selects.
func matchingLibraryRows(filter *regexp.Regexp) []libRow {
	var rows []libRow
	for _, r := range libraryRows() {
		if filter.MatchString(r.name) {
			rows = append(rows, r)
		}
	}
	return rows
}
