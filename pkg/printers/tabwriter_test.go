package printers

import (
	"strings"
	"testing"
)

func TestNewTabWriter(t *testing.T) {
	var b strings.Builder
	w := NewTabWriter(&b)
	w.Write([]byte("NAME\t\tKIND\nclusterroles\t\tClusterRole\n"))
	w.Flush()
	// Three spaces of padding, and an empty column still six wide, as kubectl prints.
	want := "NAME" + strings.Repeat(" ", 11+6) + "KIND\n" + "clusterroles" + strings.Repeat(" ", 3+6) + "ClusterRole\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}
