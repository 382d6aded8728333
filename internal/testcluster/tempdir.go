package testcluster

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const ownerFile = "owner.pid"

// TempDir creates a temporary directory named prefix* owned by this process. It first
// removes the directories of earlier runs whose owner died without cleaning up (a test
// binary killed or timed out: on Linux its cluster processes died with it, by Pdeathsig;
// elsewhere they are killed here).
func TempDir(prefix string) (string, error) {
	removeStale(prefix)
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

func removeStale(prefix string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), prefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue // not ours, or being created right now
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid == os.Getpid() || pidAlive(pid, "") {
			continue
		}
		if c, err := Load(dir); err == nil {
			_ = c.Stop()
		}
		if err := os.RemoveAll(dir); err == nil {
			fmt.Fprintf(os.Stderr, "testcluster: removed %s, left by a killed run\n", dir)
		}
	}
}
