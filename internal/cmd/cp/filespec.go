package cp

import (
	"errors"
	"path"
	"strings"
)

// fileSpec is one side of a copy: a local path, or a path in a pod ([NAMESPACE/]POD:PATH).
type fileSpec struct {
	Namespace string // "" for the command's namespace
	Pod       string // "" for a local path
	Path      string // without a trailing slash; remote paths always with "/"
}

func (s fileSpec) remote() bool { return s.Pod != "" }

var errFileSpec = errors.New("filespec must match the canonical format: [[namespace/]pod:]file/path")

// parseFileSpec reads an argument as kubectl does: everything before the first ":" is
// [NAMESPACE/]POD, so a local path containing ":" must be written as ./a:b.
func parseFileSpec(arg string) (fileSpec, error) {
	i := strings.Index(arg, ":")
	switch {
	case i == 0:
		return fileSpec{}, errFileSpec
	case i < 0 || strings.HasPrefix(arg, ".") || strings.HasPrefix(arg, "/"):
		// A path that starts like one is local even if it contains ":" (kubectl reads "./a:b" as a
		// pod named "./a"; no pod name can start with "." or "/").
		return fileSpec{Path: stripTrailingSlash(arg)}, nil
	}
	pod, file := arg[:i], strings.ReplaceAll(stripTrailingSlash(arg[i+1:]), `\`, "/")
	switch pieces := strings.Split(pod, "/"); len(pieces) {
	case 1:
		return fileSpec{Pod: pod, Path: file}, nil
	case 2:
		if pieces[0] == "" || pieces[1] == "" {
			return fileSpec{}, errFileSpec
		}
		return fileSpec{Namespace: pieces[0], Pod: pieces[1], Path: file}, nil
	}
	return fileSpec{}, errFileSpec
}

func stripTrailingSlash(p string) string {
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		return p[:len(p)-1]
	}
	return p
}

// archivePrefix is what tar in the container puts before the names of the entries of remote:
// the cleaned path without its leading "/" and "../" (which tar removes and says so), or "" for
// "/" and ".".
func archivePrefix(remote string) string {
	p := strings.TrimLeft(path.Clean(remote), "/")
	for strings.HasPrefix(p, "../") {
		p = strings.TrimPrefix(p, "../")
	}
	if p == "." || p == ".." {
		return ""
	}
	return p
}
