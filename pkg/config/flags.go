package config

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/pflag"
)

// Overrides are kubectl's global connection flags. Every field is applied only when it is non-zero, which
// is all the distinction kubectl makes: "--insecure-skip-tls-verify=false" or "--namespace=" change nothing.
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

// AddFlags registers the flags with kubectl's names, shorthands, defaults and help texts.
func (o *Overrides) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "Path to the kubeconfig file to use for CLI requests.")
	fs.StringVar(&o.ClientCertificate, "client-certificate", o.ClientCertificate, "Path to a client certificate file for TLS")
	fs.StringVar(&o.ClientKey, "client-key", o.ClientKey, "Path to a client key file for TLS")
	fs.StringVar(&o.Token, "token", o.Token, "Bearer token for authentication to the API server")
	fs.StringVar(&o.Impersonate, "as", o.Impersonate, "Username to impersonate for the operation. User could be a regular user or a service account in a namespace.")
	fs.StringVar(&o.ImpersonateUID, "as-uid", o.ImpersonateUID, "UID to impersonate for the operation.")
	fs.StringArrayVar(&o.ImpersonateGroups, "as-group", o.ImpersonateGroups, "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.")
	fs.StringVar(&o.Username, "username", o.Username, "Username for basic authentication to the API server")
	fs.StringVar(&o.Password, "password", o.Password, "Password for basic authentication to the API server")
	fs.StringVar(&o.Cluster, "cluster", o.Cluster, "The name of the kubeconfig cluster to use")
	fs.StringVar(&o.User, "user", o.User, "The name of the kubeconfig user to use")
	fs.StringVarP(&o.Namespace, "namespace", "n", o.Namespace, "If present, the namespace scope for this CLI request")
	fs.StringVar(&o.Context, "context", o.Context, "The name of the kubeconfig context to use")
	fs.StringVarP(&o.Server, "server", "s", o.Server, "The address and port of the Kubernetes API server")
	fs.StringVar(&o.TLSServerName, "tls-server-name", o.TLSServerName, "Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used")
	fs.BoolVar(&o.InsecureSkipTLSVerify, "insecure-skip-tls-verify", o.InsecureSkipTLSVerify, "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure")
	fs.StringVar(&o.CertificateAuthority, "certificate-authority", o.CertificateAuthority, "Path to a cert file for the certificate authority")
	if o.RequestTimeout == "" {
		o.RequestTimeout = "0"
	}
	fs.StringVar(&o.RequestTimeout, "request-timeout", o.RequestTimeout, "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.")
	fs.BoolVar(&o.DisableCompression, "disable-compression", o.DisableCompression, "If true, opt-out of response compression for all requests to the server")
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
