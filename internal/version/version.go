// Package version holds what the build stamps into the binary with -ldflags
// (-X github.com/kubex-cli/kubex/internal/version.gitVersion=v1.2.3 and so on).
package version

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by -ldflags -X at build time; these are the only package-level variables, and nothing writes them at run time.
var (
	gitVersion   = "v0.1.0-dev"
	gitCommit    = ""
	gitTreeState = ""
	buildDate    = ""
)

// Info describes the kubex binary. Its JSON keys match kubectl's version.Info.
type Info struct {
	Major        string `json:"major"`
	Minor        string `json:"minor"`
	GitVersion   string `json:"gitVersion"`
	GitCommit    string `json:"gitCommit"`
	GitTreeState string `json:"gitTreeState"`
	BuildDate    string `json:"buildDate"`
	GoVersion    string `json:"goVersion"`
	Compiler     string `json:"compiler"`
	Platform     string `json:"platform"`
}

// Get returns the stamped version, filling the commit from the Go build info when -ldflags left it empty.
func Get() Info {
	major, minor := majorMinor(gitVersion)
	info := Info{
		Major:        major,
		Minor:        minor,
		GitVersion:   gitVersion,
		GitCommit:    gitCommit,
		GitTreeState: gitTreeState,
		BuildDate:    buildDate,
		GoVersion:    runtime.Version(),
		Compiler:     runtime.Compiler,
		Platform:     runtime.GOOS + "/" + runtime.GOARCH,
	}
	if info.GitCommit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					info.GitCommit = s.Value
				case "vcs.modified":
					if s.Value == "true" {
						info.GitTreeState = "dirty"
					} else {
						info.GitTreeState = "clean"
					}
				}
			}
		}
	}
	return info
}

// majorMinor splits "v1.2.3-dev" into "1" and "2", as kubectl's version.Info carries them.
func majorMinor(v string) (string, string) {
	major, rest, _ := strings.Cut(strings.TrimPrefix(v, "v"), ".")
	minor, _, _ := strings.Cut(rest, ".")
	return major, minor
}
