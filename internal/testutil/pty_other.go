//go:build !linux

package testutil

import (
	"errors"
	"os"
)

// OpenPTY is implemented for Linux only, where the end-to-end tests run.
func OpenPTY() (ptm, pts *os.File, err error) {
	return nil, nil, errors.New("OpenPTY: only on Linux")
}
