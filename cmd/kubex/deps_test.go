package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The CLI binary links neither k8s.io/api, apimachinery nor client-go's REST stack: its own client is the
// product, and they would double its size. The library's API[T] works with k8s.io/api types without
// linking them.
func TestBinaryLinksNoKubernetesClientModules(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, banned := range []string{"k8s.io/api/", "k8s.io/apimachinery/", "k8s.io/client-go/rest", "k8s.io/client-go/transport", "k8s.io/kubectl/", "github.com/gogo/protobuf"} {
			if strings.HasPrefix(pkg, banned) {
				t.Errorf("kubex links %s", pkg)
			}
		}
	}
}
