package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// defaultServer is kubectl's last resort when no server is configured anywhere.
const defaultServer = "http://localhost:8080"

// execClusterExtension is the cluster extension an exec plugin gets as spec.cluster.config.
const execClusterExtension = "client.authentication.k8s.io/exec"

// selection is the context, cluster and user that the current context and the flags point at, each merged
// with its overrides and with relative paths made absolute.
type selection struct {
	contextName, clusterName, userName string
	contextFound, clusterFound         bool
	contextRequired                    bool // --context named it
	userMissing, clusterMissing        bool // --user / --cluster named one that does not exist

	context Context
	cluster Cluster // server left empty when none is configured
	user    AuthInfo
}

// Resolve picks the context (--context or current-context), its cluster and user (or --cluster/--user),
// applies the other flags the way kubectl does and makes every path absolute. With no server configured at
// all it uses the pod's service account when running in a cluster, and http://localhost:8080 otherwise.
//
// Errors are kubectl's: `context "x" does not exist`, `cluster "x" does not exist`, `auth info "x" does not
// exist`, and a *ConfigurationError for a kubeconfig that can't work (unreadable certificate files,
// conflicting credentials, ...).
func (s *Stack) Resolve(o *Overrides) (*Resolved, error) {
	if o == nil {
		o = &Overrides{}
	}
	if s.missingExplicit != nil {
		return nil, s.missingExplicit
	}
	sel := s.selectEntries(o)
	// kubectl checks the user first, then the context, then the cluster.
	// Beyond kubectl's words, the names that do exist: usually the fix is a typo away.
	if sel.userMissing {
		return nil, fmt.Errorf("auth info %q does not exist%s", sel.userName, s.known(KindUser, "users"))
	}
	if sel.contextRequired && !sel.contextFound {
		return nil, fmt.Errorf("context %q does not exist%s", sel.contextName, s.known(KindContext, "contexts"))
	}
	if sel.clusterMissing {
		return nil, fmt.Errorf("cluster %q does not exist%s", sel.clusterName, s.known(KindCluster, "clusters"))
	}
	// kubectl would quietly fall back to localhost:8080 here; naming the dangling reference and the file that
	// holds it says what to fix.
	if sel.contextFound && sel.clusterName != "" && !sel.clusterFound && sel.cluster.Server == "" {
		return nil, fmt.Errorf("%s refers to cluster %q, which no kubeconfig file defines", s.describe(KindContext, sel.contextName), sel.clusterName)
	}
	if err := s.confirmUsable(sel); err != nil {
		return nil, err
	}
	timeout, err := ParseTimeout(o.RequestTimeout)
	if err != nil {
		return nil, err
	}
	ns, explicit := s.namespace(sel, o)

	if sel.cluster.Server == "" && s.inClusterPossible() {
		r, err := s.inCluster(o)
		if err != nil {
			return nil, err
		}
		r.Namespace, r.NamespaceExplicit, r.RequestTimeout = ns, explicit, timeout
		return r, nil
	}

	cl, u := sel.cluster, sel.user
	serverFrom := "--server"
	switch {
	case o.Server != "":
	case cl.Server != "":
		serverFrom = "server of " + s.describe(KindCluster, sel.clusterName)
	default:
		cl.Server, serverFrom = s.defaultServer()
	}
	server, err := normalizeServer(cl.Server)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", serverFrom, err)
	}
	r := &Resolved{
		ContextName:        sel.contextName,
		ClusterName:        sel.clusterName,
		UserName:           sel.userName,
		Namespace:          ns,
		NamespaceExplicit:  explicit,
		Server:             server,
		ProxyURL:           cl.ProxyURL,
		DisableCompression: cl.DisableCompression,
		RequestTimeout:     timeout,
	}
	if u.Impersonate != "" {
		r.Impersonate = u.Impersonate
		r.ImpersonateUID = u.ImpersonateUID
		r.ImpersonateGroups = u.ImpersonateGroups
		r.ImpersonateUserExtra = u.ImpersonateUserExtra
	}
	// Like kubectl, never hand credentials or TLS settings to a plain-HTTP server.
	if !strings.HasPrefix(r.Server, "https://") {
		return r, nil
	}
	r.TLSServerName = cl.TLSServerName
	r.InsecureSkipTLSVerify = cl.InsecureSkipTLSVerify
	r.CertificateAuthority = cl.CertificateAuthority
	r.CertificateAuthorityData = cl.CertificateAuthorityData

	switch {
	case u.Token != "":
		r.Token, r.TokenFile = u.Token, u.TokenFile
	case u.TokenFile != "":
		// kubectl reads the file up front and fails if it can't; the client reads it again per request.
		// kubectl's error names only the token's path; this one also says which kubeconfig set it.
		if _, err := os.ReadFile(u.TokenFile); err != nil {
			return nil, fmt.Errorf("tokenFile of %s: %w", s.describe(KindUser, sel.userName), err)
		}
		r.TokenFile = u.TokenFile
	}
	if u.ClientCertificate != "" || len(u.ClientCertificateData) > 0 {
		r.ClientCertificate, r.ClientCertificateData = u.ClientCertificate, u.ClientCertificateData
		r.ClientKey, r.ClientKeyData = u.ClientKey, u.ClientKeyData
	}
	if u.Username != "" || u.Password != "" {
		r.Username, r.Password = u.Username, u.Password
	}
	if u.Exec != nil {
		r.Exec = u.Exec
		r.Exec.InstallHint = cleanANSIEscapes(r.Exec.InstallHint)
		for _, ext := range cl.Extensions {
			if ext.Name == execClusterExtension {
				r.ExecClusterConfig = ext.Extension
			}
		}
	}
	if u.AuthProvider != nil && r.Token == "" && r.TokenFile == "" && r.Exec == nil &&
		r.ClientCertificate == "" && len(r.ClientCertificateData) == 0 && r.Username == "" && r.Password == "" {
		return nil, fmt.Errorf("user %q uses the %q auth-provider, which kubex does not support: use an exec credential plugin instead", sel.userName, u.AuthProvider.Name)
	}
	return r, nil
}

// known lists the names of kind for an error about one that does not exist.
func (s *Stack) known(kind EntryKind, plural string) string {
	names := s.Merged().Names(kind)
	if len(names) == 0 {
		return "; the kubeconfig has no " + plural
	}
	return "; the kubeconfig has: " + strings.Join(names, ", ")
}

// Namespace is the namespace a command works in and whether -n chose it, with kubectl's precedence: -n, the
// context's namespace, the pod's namespace when running in a cluster, "default". It validates the selected
// context as kubectl's namespaced commands do before anything else, so its errors are the ones kubectl
// users see first (`Error in configuration: context was not found for specified context: x`).
func (s *Stack) Namespace(o *Overrides) (string, bool, error) {
	if o == nil {
		o = &Overrides{}
	}
	if s.missingExplicit != nil {
		return "", false, s.missingExplicit
	}
	if o.Namespace != "" {
		return o.Namespace, true, nil
	}
	sel := s.selectEntries(o)
	if err := s.confirmUsable(sel); err != nil {
		return "", false, err
	}
	ns, explicit := s.namespace(sel, o)
	return ns, explicit, nil
}

func (s *Stack) namespace(sel *selection, o *Overrides) (string, bool) {
	if o.Namespace != "" {
		return o.Namespace, true
	}
	if sel.context.Namespace != "" {
		return sel.context.Namespace, false
	}
	if s.inClusterPossible() {
		if ns := s.getenv("POD_NAMESPACE"); ns != "" {
			return ns, false
		}
		if b, err := os.ReadFile(filepath.Join(s.inClusterDir, "namespace")); err == nil {
			if ns := strings.TrimSpace(string(b)); ns != "" {
				return ns, false
			}
		}
	}
	return "default", false
}

func (s *Stack) selectEntries(o *Overrides) *selection {
	sel := &selection{contextName: o.Context, contextRequired: o.Context != ""}
	if sel.contextName == "" {
		sel.contextName = s.merged.CurrentContext
	}
	if c, ok := findContext(s.merged, sel.contextName); ok {
		sel.context, sel.contextFound = *c.DeepCopy(), true
	}
	if o.Cluster != "" {
		sel.context.Cluster = o.Cluster
	}
	if o.User != "" {
		sel.context.AuthInfo = o.User
	}
	if o.Namespace != "" {
		sel.context.Namespace = o.Namespace
	}
	sel.clusterName, sel.userName = sel.context.Cluster, sel.context.AuthInfo

	if c, ok := findCluster(s.merged, sel.clusterName); ok {
		sel.cluster, sel.clusterFound = *c.DeepCopy(), true
		s.absClusterPaths(sel.clusterName, &sel.cluster)
	} else {
		sel.clusterMissing = o.Cluster != ""
	}
	if u, ok := findUser(s.merged, sel.userName); ok {
		sel.user = *u.DeepCopy()
		s.absUserPaths(sel.userName, &sel.user)
	} else {
		sel.userMissing = o.User != ""
	}

	// Flags go on top; a flag's path is relative to the working directory.
	cl := &sel.cluster
	setIf(&cl.Server, o.Server)
	setIf(&cl.TLSServerName, o.TLSServerName)
	setIf(&cl.CertificateAuthority, absPath(o.CertificateAuthority))
	cl.InsecureSkipTLSVerify = cl.InsecureSkipTLSVerify || o.InsecureSkipTLSVerify
	cl.DisableCompression = cl.DisableCompression || o.DisableCompression
	// --insecure-skip-tls-verify or --certificate-authority replace all of the file's CA settings, so that a
	// file's CA can't clash with the flag; --server or --tls-server-name replace its tls-server-name.
	if o.InsecureSkipTLSVerify || o.CertificateAuthority != "" {
		cl.InsecureSkipTLSVerify = o.InsecureSkipTLSVerify
		cl.CertificateAuthority = absPath(o.CertificateAuthority)
		cl.CertificateAuthorityData = nil
	}
	if o.TLSServerName != "" || o.Server != "" {
		cl.TLSServerName = o.TLSServerName
	}

	u := &sel.user
	setIf(&u.ClientCertificate, absPath(o.ClientCertificate))
	setIf(&u.ClientKey, absPath(o.ClientKey))
	setIf(&u.Username, o.Username)
	setIf(&u.Password, o.Password)
	setIf(&u.Impersonate, o.Impersonate)
	setIf(&u.ImpersonateUID, o.ImpersonateUID)
	if len(o.ImpersonateGroups) > 0 {
		u.ImpersonateGroups = o.ImpersonateGroups
	}
	if o.Token != "" {
		// A token on the command line is the credential to use: kubectl would still re-read the file's
		// tokenFile over it and would not run the exec plugin, so drop both, and basic auth with them.
		// Client certificates stay, as kubectl presents them alongside the token.
		u.Token, u.TokenFile, u.Exec = o.Token, "", nil
		if o.Username == "" && o.Password == "" {
			u.Username, u.Password = "", ""
		}
	}
	return sel
}

// absClusterPaths resolves the cluster's relative paths against the directory of the file that holds it.
func (s *Stack) absClusterPaths(name string, c *Cluster) {
	if at, ok := s.origins[KindCluster][name]; ok {
		base := originDir(at.File)
		c.CertificateAuthority = resolveAgainst(c.CertificateAuthority, base)
	}
}

// absUserPaths does the same for a user's certificate, key, token file and an exec command given as a path.
func (s *Stack) absUserPaths(name string, u *AuthInfo) {
	at, ok := s.origins[KindUser][name]
	if !ok {
		return
	}
	base := originDir(at.File)
	u.ClientCertificate = resolveAgainst(u.ClientCertificate, base)
	u.ClientKey = resolveAgainst(u.ClientKey, base)
	u.TokenFile = resolveAgainst(u.TokenFile, base)
	if u.Exec != nil && strings.ContainsRune(u.Exec.Command, filepath.Separator) {
		u.Exec.Command = resolveAgainst(u.Exec.Command, base)
	}
}

func originDir(file string) string {
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return filepath.Dir(file)
	}
	return dir
}

func resolveAgainst(p, base string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

func absPath(p string) string {
	if p == "" {
		return ""
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

// defaultServer is the server to use when nothing configures one, and where it came from, for errors.
func (s *Stack) defaultServer() (server, from string) {
	if m := s.getenv("KUBERNETES_MASTER"); m != "" {
		return m, "$KUBERNETES_MASTER"
	}
	return defaultServer, "default server"
}

// describe names an entry and the file (and document) that defines it, so that an error says where to
// look: `cluster "c" in "/home/me/.kube/config" (document 2)`.
func (s *Stack) describe(kind EntryKind, name string) string {
	d := fmt.Sprintf("%s %q", kind, name)
	if at, ok := s.Origin(kind, name); ok {
		d += fmt.Sprintf(" in %q", at.File)
		if at.Doc > 1 {
			d += fmt.Sprintf(" (document %d)", at.Doc)
		}
	}
	return d
}

// normalizeServer does to the server what kubectl's REST client does: a URL with a path loses its query
// and fragment, and an address without a scheme is taken as plain http (kubectl only assumes https when
// TLS settings are present, and at that point it has not looked at them yet). What is no URL even with a
// scheme in front ("https://[::1", "https://", "host/path") is refused with kubectl's error, instead of
// becoming a request to a host named "https".
func normalizeServer(server string) (string, error) {
	if u, err := url.ParseRequestURI(server); err == nil && u.Opaque == "" && len(u.Path) > 1 {
		u.RawQuery, u.Fragment = "", ""
		server = u.String()
	}
	if u, err := url.Parse(server); err == nil && u.Scheme != "" && u.Host != "" {
		return server, nil
	}
	// kubectl's rule: prefix a scheme and accept the result only as a bare host:port. kubectl reports a
	// prefixed address that still won't parse ("[::1") with Go's parse error; its own wording is clearer.
	withScheme := "http://" + server
	if u, err := url.Parse(withScheme); err != nil || (u.Path != "" && u.Path != "/") {
		return "", fmt.Errorf("host must be a URL or a host:port pair: %q", RedactURL(server))
	}
	return withScheme, nil
}

// inClusterPossible is kubectl's test: the service environment variables and a token file.
func (s *Stack) inClusterPossible() bool {
	if s.getenv("KUBERNETES_SERVICE_HOST") == "" || s.getenv("KUBERNETES_SERVICE_PORT") == "" {
		return false
	}
	st, err := os.Stat(filepath.Join(s.inClusterDir, "token"))
	return err == nil && !st.IsDir()
}

// inCluster builds the service-account configuration. kubectl honours only --server, --token and
// --certificate-authority there; kubex applies the other connection flags too, since ignoring them
// silently (e.g. --as) surprises more than it helps.
func (s *Stack) inCluster(o *Overrides) (*Resolved, error) {
	tokenFile := filepath.Join(s.inClusterDir, "token")
	if _, err := os.ReadFile(tokenFile); err != nil {
		return nil, err
	}
	r := &Resolved{
		InCluster:          true,
		Server:             "https://" + net.JoinHostPort(s.getenv("KUBERNETES_SERVICE_HOST"), s.getenv("KUBERNETES_SERVICE_PORT")),
		TokenFile:          tokenFile,
		DisableCompression: o.DisableCompression,
		TLSServerName:      o.TLSServerName,
		ClientCertificate:  absPath(o.ClientCertificate),
		ClientKey:          absPath(o.ClientKey),
		Username:           o.Username,
		Password:           o.Password,
	}
	if ca := filepath.Join(s.inClusterDir, "ca.crt"); fileExists(ca) {
		r.CertificateAuthority = ca
	}
	if o.Server != "" {
		server, err := normalizeServer(o.Server)
		if err != nil {
			return nil, fmt.Errorf("--server: %w", err)
		}
		r.Server = server
	}
	if o.Token != "" {
		r.Token, r.TokenFile = o.Token, ""
	}
	if o.InsecureSkipTLSVerify || o.CertificateAuthority != "" {
		r.InsecureSkipTLSVerify = o.InsecureSkipTLSVerify
		r.CertificateAuthority = absPath(o.CertificateAuthority)
	}
	if o.Impersonate != "" {
		r.Impersonate, r.ImpersonateUID, r.ImpersonateGroups = o.Impersonate, o.ImpersonateUID, o.ImpersonateGroups
	} else if o.ImpersonateUID != "" || len(o.ImpersonateGroups) > 0 {
		return nil, errors.New("requesting uid, groups or user-extra without impersonating a user")
	}
	return r, nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// cleanANSIEscapes keeps an exec plugin's install hint from driving the terminal: control characters other
// than tab and line breaks are written as U+XXXX, as kubectl does.
func cleanANSIEscapes(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z) || (r >= '\t' && r <= '\r') {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "%U", r)
		}
	}
	return b.String()
}

func findContext(c *Config, name string) (*Context, bool) {
	for i := range c.Contexts {
		if c.Contexts[i].Name == name {
			return &c.Contexts[i].Context, true
		}
	}
	return nil, false
}

func findCluster(c *Config, name string) (*Cluster, bool) {
	for i := range c.Clusters {
		if c.Clusters[i].Name == name {
			return &c.Clusters[i].Cluster, true
		}
	}
	return nil, false
}

func findUser(c *Config, name string) (*AuthInfo, bool) {
	for i := range c.AuthInfos {
		if c.AuthInfos[i].Name == name {
			return &c.AuthInfos[i].User, true
		}
	}
	return nil, false
}
