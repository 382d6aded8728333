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
	gitVersion   = defaultVersion
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

// defaultVersion is gitVersion when no -ldflags stamped it.
const defaultVersion = "v0.1.0-dev"

// Get returns the stamped version, filling the version and commit from the Go build info when -ldflags
// left them out: `go install github.com/kubex-cli/kubex/cmd/kubex@v1.2.3` records v1.2.3 there.
func Get() Info {
	v := gitVersion
	bi, haveBuildInfo := debug.ReadBuildInfo()
	if v == defaultVersion && haveBuildInfo && strings.HasPrefix(bi.Main.Version, "v") {
		v = bi.Main.Version
	}
	major, minor := majorMinor(v)
	info := Info{
		Major:        major,
		Minor:        minor,
		GitVersion:   v,
		GitCommit:    gitCommit,
		GitTreeState: gitTreeState,
		BuildDate:    buildDate,
		GoVersion:    runtime.Version(),
		Compiler:     runtime.Compiler,
		Platform:     runtime.GOOS + "/" + runtime.GOARCH,
	}
	if info.GitCommit == "" {
		if haveBuildInfo {
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
