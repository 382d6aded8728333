package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// sizeGoal is issue 9's bound on the linux/amd64 release binary.
const sizeGoal = 12 << 20

// binarySize builds kubex as a release does for linux/amd64 (CGO_ENABLED=0, -trimpath, -s -w, as in
// goreleaser.yaml) and returns the line comparing its size with the reference kubectl's (also built with -s -w).
func binarySize(ctx context.Context, kubectl, dir string) (string, error) {
	out := filepath.Join(dir, "kubex-release")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "github.com/kubex-cli/kubex/cmd/kubex")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the release binary: %w\n%s", err, b)
	}
	kx, err := os.Stat(out)
	if err != nil {
		return "", err
	}
	kc, err := os.Stat(kubectl)
	if err != nil {
		return "", err
	}
	verdict := "within"
	if kx.Size() > sizeGoal {
		verdict = "OVER"
	}
	return fmt.Sprintf("binary size (linux/amd64 release build): kubex %s, kubectl %s, kubex/kubectl %.2f (%s the %d MiB goal)",
		mib(kx.Size()), mib(kc.Size()), float64(kx.Size())/float64(kc.Size()), verdict, sizeGoal>>20), nil
}
