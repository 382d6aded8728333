// Package config reads kubeconfig files the way kubectl does, merges them, applies command-line overrides
// and writes changes back. It knows files and merging, nothing of HTTP.
package config

import "time"

// The types below mirror kubeconfig's v1 serialization (clientcmd/api/v1) so that files round-trip and
// `config view` prints what kubectl prints. Keys are the JSON tags; sigs.k8s.io/yaml sorts them as kubectl does.

// Config is one kubeconfig document, or the merge of several.
type Config struct {
	Kind           string           `json:"kind,omitempty"`
	APIVersion     string           `json:"apiVersion,omitempty"`
	Preferences    Preferences      `json:"preferences,omitzero"` // kubectl 1.34 omits an empty block
	Clusters       []NamedCluster   `json:"clusters"`
	AuthInfos      []NamedUser      `json:"users"`
	Contexts       []NamedContext   `json:"contexts"`
	CurrentContext string           `json:"current-context"`
	Extensions     []NamedExtension `json:"extensions,omitempty"`
}

// Preferences holds kubeconfig's preferences block.
type Preferences struct {
	Colors     bool             `json:"colors,omitempty"`
	Extensions []NamedExtension `json:"extensions,omitempty"`
}

// NamedCluster, NamedUser, NamedContext and NamedExtension are the list entries of a kubeconfig file.
type NamedCluster struct {
	Name    string  `json:"name"`
	Cluster Cluster `json:"cluster"`
}

type NamedUser struct {
	Name string   `json:"name"`
	User AuthInfo `json:"user"`
}

type NamedContext struct {
	Name    string  `json:"name"`
	Context Context `json:"context"`
}

type NamedExtension struct {
	Name      string `json:"name"`
	Extension any    `json:"extension"`
}

// Cluster says where a server is and how to trust it.
type Cluster struct {
	Server                   string           `json:"server"`
	TLSServerName            string           `json:"tls-server-name,omitempty"`
	InsecureSkipTLSVerify    bool             `json:"insecure-skip-tls-verify,omitempty"`
	CertificateAuthority     string           `json:"certificate-authority,omitempty"`
	CertificateAuthorityData []byte           `json:"certificate-authority-data,omitempty"`
	ProxyURL                 string           `json:"proxy-url,omitempty"`
	DisableCompression       bool             `json:"disable-compression,omitempty"`
	Extensions               []NamedExtension `json:"extensions,omitempty"`
}

// AuthInfo says who the user is.
type AuthInfo struct {
	ClientCertificate     string              `json:"client-certificate,omitempty"`
	ClientCertificateData []byte              `json:"client-certificate-data,omitempty"`
	ClientKey             string              `json:"client-key,omitempty"`
	ClientKeyData         []byte              `json:"client-key-data,omitempty"`
	Token                 string              `json:"token,omitempty"`
	TokenFile             string              `json:"tokenFile,omitempty"`
	Impersonate           string              `json:"as,omitempty"`
	ImpersonateUID        string              `json:"as-uid,omitempty"`
	ImpersonateGroups     []string            `json:"as-groups,omitempty"`
	ImpersonateUserExtra  map[string][]string `json:"as-user-extra,omitempty"`
	Username              string              `json:"username,omitempty"`
	Password              string              `json:"password,omitempty"`
	AuthProvider          *AuthProviderConfig `json:"auth-provider,omitempty"`
	Exec                  *ExecConfig         `json:"exec,omitempty"`
	Extensions            []NamedExtension    `json:"extensions,omitempty"`
}

// Context ties a cluster, a user and a namespace together.
type Context struct {
	Cluster    string           `json:"cluster"`
	AuthInfo   string           `json:"user"`
	Namespace  string           `json:"namespace,omitempty"`
	Extensions []NamedExtension `json:"extensions,omitempty"`
}

// AuthProviderConfig is kept so that files using it round-trip; kubex does not run auth providers.
type AuthProviderConfig struct {
	Name   string            `json:"name"`
	Config map[string]string `json:"config"` // no omitempty: kubectl prints "config: null"
}

// ExecConfig describes a client.authentication.k8s.io credential plugin.
type ExecConfig struct {
	Command            string       `json:"command"`
	Args               []string     `json:"args"`
	Env                []ExecEnvVar `json:"env"`
	APIVersion         string       `json:"apiVersion,omitempty"`
	InstallHint        string       `json:"installHint,omitempty"`
	ProvideClusterInfo bool         `json:"provideClusterInfo"`
	InteractiveMode    string       `json:"interactiveMode,omitempty"`
}

// ExecEnvVar is one environment variable given to a credential plugin.
type ExecEnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Resolved is everything needed to talk to one server: the selected context of the merged kubeconfig (or the
// in-cluster config) with flag overrides applied and every relative path made absolute. pkg/client builds its
// middleware chain from it.
type Resolved struct {
	ContextName string // empty for in-cluster or --server without a context
	ClusterName string
	UserName    string
	Namespace   string // never empty: -n, the context's, the in-cluster file's, or "default"
	// NamespaceExplicit is true when the namespace came from -n rather than from a default.
	NamespaceExplicit bool

	// Server is https://host:port[/prefix], or an http:// URL (also what a server without scheme becomes,
	// as in kubectl), in which case, like kubectl, no credentials or TLS settings are filled in.
	Server                   string
	TLSServerName            string
	InsecureSkipTLSVerify    bool
	CertificateAuthority     string // absolute path
	CertificateAuthorityData []byte
	ProxyURL                 string
	DisableCompression       bool

	ClientCertificate     string // absolute path
	ClientCertificateData []byte
	ClientKey             string // absolute path
	ClientKeyData         []byte
	// Token and TokenFile may both be set (a kubeconfig user with both): as in kubectl, the file is re-read
	// per request and wins, Token is used only while the file can't be read.
	Token     string
	TokenFile string // absolute path; re-read so rotated tokens keep working
	Username  string
	Password  string
	Exec      *ExecConfig // Command made absolute when it holds a path separator
	// ExecClusterConfig is the selected cluster's client.authentication.k8s.io/exec extension (nil if none):
	// the one part of an exec plugin's spec.cluster (provideClusterInfo) that the fields above don't give;
	// the plugin must see the overridden server and TLS settings, not the file's.
	ExecClusterConfig any

	Impersonate          string
	ImpersonateUID       string
	ImpersonateGroups    []string
	ImpersonateUserExtra map[string][]string

	// RequestTimeout is --request-timeout; zero means none.
	RequestTimeout time.Duration

	// InCluster is true when the server and credentials came from the pod's service account.
	InCluster bool
}

// Names lists the names of one kind of entry (KindCluster, KindUser or KindContext), in file order.
func (c *Config) Names(kind EntryKind) []string {
	var out []string
	switch kind {
	case KindCluster:
		for _, e := range c.Clusters {
			out = append(out, e.Name)
		}
	case KindUser:
		for _, e := range c.AuthInfos {
			out = append(out, e.Name)
		}
	case KindContext:
		for _, e := range c.Contexts {
			out = append(out, e.Name)
		}
	}
	return out
}
