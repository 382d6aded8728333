package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// writeThreeContexts writes a kubeconfig whose contexts one, two and three reach the cluster with the
// namespaces bench-1, bench-2 and bench-3.
func writeThreeContexts(c *testcluster.Cluster) (string, error) {
	dir, err := os.MkdirTemp("", "kubex-bench-contexts-")
	if err != nil {
		return "", err
	}
	kc := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- {name: bench, cluster: {server: %q, certificate-authority: %q}}
users:
- {name: admin, user: {client-certificate: %q, client-key: %q}}
contexts:
- {name: one, context: {cluster: bench, user: admin, namespace: bench-1}}
- {name: two, context: {cluster: bench, user: admin, namespace: bench-2}}
- {name: three, context: {cluster: bench, user: admin, namespace: bench-3}}
current-context: one
`, c.Server, c.CAFile, c.AdminCert, c.AdminKey)
	path := filepath.Join(dir, "kubeconfig")
	return path, os.WriteFile(path, []byte(kc), 0o600)
}

// contextRows measure kubex asking three contexts at once (1000 pods each) against kubectl asked three
// times in a row, which is what kubectl users script.
func contextRows() []row {
	var once sync.Once
	var path string
	var werr error
	return []row{{
		name: "get pods --all-contexts (3 contexts, 3000 pods) vs 3 kubectl runs",
		args: []string{"get", "pods", "--all-contexts"}, seed: allNamespaces, big: true,
		kubectlScript: `for c in one two three; do "$1" --kubeconfig "$3" --context $c get pods >/dev/null || exit 1; done`,
		perRun: func(_ context.Context, c *testcluster.Cluster, _ string, _ int) ([]string, error) {
			once.Do(func() { path, werr = writeThreeContexts(c) })
			return []string{"--kubeconfig", path}, werr
		},
	}}
}
