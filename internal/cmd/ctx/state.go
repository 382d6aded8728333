package ctx

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// state is what `-` switches back to. It is kept per kubeconfig file (the one current-context is written
// to), so that two kubeconfigs (KUBECONFIG=a, KUBECONFIG=b) never trade each other's previous context,
// and outside it, under the user's cache directory, so that kubex never adds keys to a file kubectl and
// other tools share. Losing it (a cleaned cache) only forgets what `-` means.
type state struct {
	PreviousContext string `json:"previousContext,omitempty"`
	// PreviousNamespace is by context name, as kubens keeps it: `ns -` returns to the namespace this
	// context used before.
	PreviousNamespace map[string]string `json:"previousNamespace,omitempty"`
}

// statePath is <cache>/kubex/switch/<hash of the kubeconfig path>.json, where <cache> is
// os.UserCacheDir() computed from getenv (the factory's environment).
func statePath(getenv func(string) string, kubeconfig string) (string, error) {
	dir, err := userCacheDir(getenv)
	if err != nil {
		return "", err
	}
	abs, err := filepath.Abs(kubeconfig)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(dir, "kubex", "switch", hex.EncodeToString(sum[:8])+".json"), nil
}

// userCacheDir is os.UserCacheDir for the environment getenv reads.
func userCacheDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return d, nil
		}
	case "darwin", "ios":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Caches"), nil
		}
	default:
		if d := getenv("XDG_CACHE_HOME"); filepath.IsAbs(d) {
			return d, nil
		}
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, ".cache"), nil
		}
	}
	return os.UserCacheDir()
}

// readState reads the state file; a missing or unreadable one is an empty state.
func readState(path string) state {
	var s state
	b, err := os.ReadFile(path)
	if err == nil {
		_ = json.Unmarshal(b, &s)
	}
	return s
}

// writeState replaces the state file atomically: a temporary file in the same directory, renamed over
// it, so that a reader never sees half a file.
func writeState(path string, s state) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".state-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}
