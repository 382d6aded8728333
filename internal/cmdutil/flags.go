package cmdutil

import (
	"github.com/spf13/pflag"

	"github.com/kubex-cli/kubex/pkg/config"
)

// AddOverrideFlags registers kubectl's global connection flags on fs, bound to o, with kubectl's names,
// shorthands, defaults and help texts. It lives here rather than in pkg/config so that the kubeconfig
// package knows files and merging, not command lines.
func AddOverrideFlags(fs *pflag.FlagSet, o *config.Overrides) {
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
	// kubectl shows "0" as the default; config.ParseTimeout reads it as no timeout.
	if o.RequestTimeout == "" {
		o.RequestTimeout = "0"
	}
	fs.StringVar(&o.RequestTimeout, "request-timeout", o.RequestTimeout, "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.")
	fs.BoolVar(&o.DisableCompression, "disable-compression", o.DisableCompression, "If true, opt-out of response compression for all requests to the server")
}
