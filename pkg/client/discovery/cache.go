package discovery

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// cacheFileName is kubex's own file in kubectl's per-server discovery directory. kubectl's files there
// (servergroups.json, <group>/<version>/serverresources.json) are left alone, so both tools can share
// the directory.
const cacheFileName = "kubex-discovery.json"

// cacheFormat is bumped whenever cacheFile changes meaning; files of another format are ignored.
const cacheFormat = 1

// cacheFile is what kubex keeps per server: each discovery endpoint's parsed answer with the ETag to
// revalidate it, and for servers without aggregated discovery, each group version's resources.
type cacheFile struct {
	Format int             `json:"format"`
	Server string          `json:"server"` // guards against two servers sanitizing to one directory
	API    *cachedEndpoint `json:"api,omitempty"`
	APIs   *cachedEndpoint `json:"apis,omitempty"`
	// Legacy holds resources fetched one group version at a time, keyed by GroupVersion.String().
	Legacy map[string]*cachedList `json:"legacy,omitempty"`

	modTime time.Time // when the file was written or last confirmed by the server
}

// cachedEndpoint is the parsed answer of /api or /apis.
type cachedEndpoint struct {
	ETag   string     `json:"etag,omitempty"`
	Groups []apiGroup `json:"groups"`
}

type cachedList struct {
	Fetched   time.Time  `json:"fetched"`
	Resources []Resource `json:"resources"`
}

// apiGroup and apiVersion are the parsed discovery model, in memory and in the cache file.
type apiGroup struct {
	Name      string       `json:"name"`
	Preferred string       `json:"preferred,omitempty"`
	Versions  []apiVersion `json:"versions"`
}

type apiVersion struct {
	Version string `json:"version"`
	Stale   bool   `json:"stale,omitempty"`
	// Listed says Resources are known: they came with aggregated discovery, or were fetched.
	Listed    bool       `json:"listed,omitempty"`
	Resources []Resource `json:"resources,omitempty"`
}

// serverCacheDir is kubectl's per-server discovery cache directory under cacheDir (cli-runtime's
// computeDiscoverCacheDir): the server URL without its scheme, with every character other than letters,
// digits, '_', '/', '.', '(' and ')' replaced by '_', e.g. discovery/127.0.0.1_6443.
func serverCacheDir(cacheDir, server string) string {
	host := strings.Replace(server, "https://", "", 1)
	host = strings.Replace(host, "http://", "", 1)
	safe := []byte(host)
	for i, c := range safe {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '_', c == '/', c == '.', c == '(', c == ')':
		default:
			safe[i] = '_'
		}
	}
	return filepath.Join(cacheDir, "discovery", string(safe))
}

// readCache returns the cache file in dir, or nil when there is none or it cannot be used: a corrupt,
// foreign or outdated file only costs a full download.
func readCache(dir, server string) *cacheFile {
	if dir == "" {
		return nil
	}
	f, err := os.Open(filepath.Join(dir, cacheFileName))
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	var cf cacheFile
	if err := json.NewDecoder(f).Decode(&cf); err != nil || cf.Format != cacheFormat || cf.Server != server {
		return nil
	}
	cf.modTime = st.ModTime()
	return &cf
}

// writeCache replaces the cache file atomically (temporary file and rename) so that a concurrent kubex
// or an interrupted one never leaves a half-written file. Failing to cache is not an error for callers.
func writeCache(dir string, cf *cacheFile) error {
	if dir == "" {
		return nil
	}
	b, err := json.Marshal(cf)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, cacheFileName+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o660); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, cacheFileName))
}

// touchCache records that the server confirmed the cache (all 304), which restarts its TTL for
// PreferCache without rewriting it.
func touchCache(dir string, now time.Time) {
	if dir == "" {
		return
	}
	_ = os.Chtimes(filepath.Join(dir, cacheFileName), now, now)
}
