package config

import (
	"fmt"
	"strconv"
	"time"
)

// Overrides are the values of kubectl's global connection flags; internal/cmdutil binds them to the command
// line. Every field is applied only when it is non-zero, which is all the distinction kubectl makes:
// "--insecure-skip-tls-verify=false" or "--namespace=" change nothing.
type Overrides struct {
	Kubeconfig string

	Context   string
	Cluster   string
	User      string
	Namespace string

	Server                string
	TLSServerName         string
	CertificateAuthority  string
	InsecureSkipTLSVerify bool
	DisableCompression    bool

	ClientCertificate string
	ClientKey         string
	Token             string
	Username          string
	Password          string

	Impersonate       string
	ImpersonateUID    string
	ImpersonateGroups []string

	// RequestTimeout is kept as typed and parsed by Resolve, as kubectl does, so that commands that never
	// talk to a server don't fail on it.
	RequestTimeout string
}

// ParseTimeout reads --request-timeout as kubectl does: a bare non-negative integer is seconds, anything
// else a Go duration ("1s", "2m", "3h"). Negative durations are refused.
func ParseTimeout(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, fmt.Errorf("invalid value %q for --request-timeout: the timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)", s)
}
