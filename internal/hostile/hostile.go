// Package hostile serves what a broken or malicious API server might: answers that never end. It is used
// only by tests, which check that kubex gives up with a clear error and bounded memory.
package hostile

import (
	"bytes"
	"net/http"
	"runtime"
	"testing"
)

// Cap is how much an Endless answer sends at most before it ends: far past every limit kubex sets, so
// that a reader without one allocates at least this much (and fails the memory check) rather than
// taking all the memory of the machine running the tests.
const Cap = 512 << 20

// Endless answers with contentType, prefix, then fill repeated until Cap bytes have gone or the client
// has hung up.
func Endless(contentType, prefix string, fill byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		if _, err := w.Write([]byte(prefix)); err != nil {
			return
		}
		chunk := bytes.Repeat([]byte{fill}, 256<<10)
		for sent := len(prefix); sent < Cap; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// Allocated runs f and returns how many bytes it allocated on the heap (the whole process's, so tests
// that measure it should not run in parallel).
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// CheckBounded fails t when f allocated more than limit bytes.
func CheckBounded(t testing.TB, limit uint64, f func()) {
	t.Helper()
	if n := Allocated(f); n > limit {
		t.Errorf("allocated %d MiB, want at most %d MiB", n>>20, limit>>20)
	}
}
