package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// applyObjects is how many ConfigMaps the apply rows apply from one multi-document file.
const applyObjects = 500

var applyFile = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "kubex-bench-apply-")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i := range applyObjects {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%03d, labels: {app: bench}}\ndata: {a: %q, b: hello, c: world}\n", i, fmt.Sprint(i))
	}
	path := filepath.Join(dir, "configmaps.yaml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
})

// applyRows measure server-side apply of 500 ConfigMaps: created (each run into a fresh namespace) and
// re-applied unchanged (the first, uncounted run creates them), on loopback and at 20 ms round-trip time.
func applyRows() []row {
	var rows []row
	for _, rtt := range []string{"", " (20 ms RTT)"} {
		for _, create := range []bool{true, false} {
			what := "re-applied unchanged"
			if create {
				what = "created"
			}
			r := row{name: fmt.Sprintf("apply %d ConfigMaps, %s%s", applyObjects, what, rtt),
				args: []string{"apply"}, kubectlArgs: []string{"apply", "--server-side"}, big: true, runs: 5}
			if rtt != "" {
				r.rtt, r.runs = wanRTT, 3
			}
			r.perRun = func(ctx context.Context, c *testcluster.Cluster, tool string, run int) ([]string, error) {
				file, err := applyFile()
				if err != nil {
					return nil, err
				}
				ns := strings.ToLower(fmt.Sprintf("apply-%s-%s", tool, strings.Trim(strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(r.name[len("apply 500 ConfigMaps, "):]), "-")))
				if create {
					ns = fmt.Sprintf("%s-%d", ns, run+1)
				}
				if create || run < 0 {
					if out, err := c.KubectlCommand(ctx, "create", "namespace", ns).CombinedOutput(); err != nil && !strings.Contains(string(out), "AlreadyExists") {
						return nil, fmt.Errorf("creating namespace %s: %w: %s", ns, err, out)
					}
				}
				return []string{"-f", file, "-n", ns}, nil
			}
			rows = append(rows, r)
		}
	}
	return rows
}
