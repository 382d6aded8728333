package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// ConfigurationError is a selected context, cluster or user that can't work. Its messages are kubectl's.
type ConfigurationError struct {
	Errs []error
}

// Error reads like kubectl's "invalid configuration: ..." error value.
func (e *ConfigurationError) Error() string {
	if len(e.Errs) == 1 {
		return "invalid configuration: " + e.Errs[0].Error()
	}
	seen := map[string]bool{}
	var msgs []string
	for _, err := range e.Errs {
		if m := err.Error(); !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return "invalid configuration: " + msgs[0]
	}
	return "invalid configuration: [" + strings.Join(msgs, ", ") + "]"
}

// UserMessage is what kubectl prints for it, without a trailing newline: one problem as "error: ..." (or
// "Error in configuration: ..." for a missing context), several as a bulleted list.
func (e *ConfigurationError) UserMessage() string {
	if len(e.Errs) == 1 {
		var nf *contextNotFoundError
		if errors.As(e.Errs[0], &nf) {
			return "Error in configuration: " + nf.Error()
		}
		return "error: " + e.Errs[0].Error()
	}
	var b strings.Builder
	b.WriteString("Error in configuration: ")
	for _, err := range e.Errs {
		b.WriteString("\n* " + err.Error())
	}
	return b.String()
}

func (e *ConfigurationError) Unwrap() []error { return e.Errs }

type contextNotFoundError struct{ name string }

func (e *contextNotFoundError) Error() string {
	return "context was not found for specified context: " + e.name
}

// confirmUsable checks the selection as kubectl's ConfirmUsable does, collecting every problem.
func (s *Stack) confirmUsable(sel *selection) error {
	var errs []error
	if sel.contextName != "" && !sel.contextFound {
		errs = append(errs, &contextNotFoundError{sel.contextName})
	}
	user := sel.user
	if sel.userMissing {
		user = AuthInfo{}
	}
	errs = append(errs, validateUser(sel.userName, user)...)
	cluster := sel.cluster
	switch {
	case sel.clusterMissing:
		cluster = Cluster{}
	case cluster.Server == "":
		cluster.Server, _ = s.defaultServer()
	}
	errs = append(errs, validateCluster(sel.clusterName, cluster)...)
	if len(errs) == 0 {
		return nil
	}
	return &ConfigurationError{Errs: errs}
}

func validateCluster(name string, c Cluster) []error {
	var errs []error
	if c.Server == "" {
		if name == "" {
			errs = append(errs, errors.New("default cluster has no server defined"))
		} else {
			errs = append(errs, fmt.Errorf("no server found for cluster %q", name))
		}
	}
	if c.ProxyURL != "" {
		if err := checkProxyURL(c.ProxyURL); err != nil {
			errs = append(errs, fmt.Errorf("invalid 'proxy-url' %q for cluster %q: %w", RedactURL(c.ProxyURL), name, err))
		}
	}
	if c.CertificateAuthority != "" && len(c.CertificateAuthorityData) != 0 {
		//lint:ignore ST1005 client-go's wording, full stop included
		errs = append(errs, fmt.Errorf("certificate-authority-data and certificate-authority are both specified for %v. certificate-authority-data will override.", name))
	}
	if c.CertificateAuthority != "" {
		if err := canRead(c.CertificateAuthority); err != nil {
			errs = append(errs, fmt.Errorf("unable to read certificate-authority %v for %v due to %w", c.CertificateAuthority, name, err))
		}
	}
	return errs
}

func validateUser(name string, u AuthInfo) []error {
	var errs []error
	var methods []string
	if u.Token != "" {
		methods = append(methods, "token")
	}
	if u.Username != "" || u.Password != "" {
		methods = append(methods, "basicAuth")
	}
	if u.ClientCertificate != "" || len(u.ClientCertificateData) != 0 {
		if u.ClientCertificate != "" && len(u.ClientCertificateData) != 0 {
			//lint:ignore ST1005 client-go's wording, full stop included
			errs = append(errs, fmt.Errorf("client-cert-data and client-cert are both specified for %v. client-cert-data will override.", name))
		}
		if u.ClientKey != "" && len(u.ClientKeyData) != 0 {
			errs = append(errs, fmt.Errorf("client-key-data and client-key are both specified for %v; client-key-data will override", name))
		}
		if u.ClientKey == "" && len(u.ClientKeyData) == 0 {
			//lint:ignore ST1005 client-go's wording, full stop included
			errs = append(errs, fmt.Errorf("client-key-data or client-key must be specified for %v to use the clientCert authentication method.", name))
		}
		if u.ClientCertificate != "" {
			if err := canRead(u.ClientCertificate); err != nil {
				errs = append(errs, fmt.Errorf("unable to read client-cert %v for %v due to %w", u.ClientCertificate, name, err))
			}
		}
		if u.ClientKey != "" {
			if err := canRead(u.ClientKey); err != nil {
				errs = append(errs, fmt.Errorf("unable to read client-key %v for %v due to %w", u.ClientKey, name, err))
			}
		}
	}
	if e := u.Exec; e != nil {
		if u.AuthProvider != nil {
			errs = append(errs, fmt.Errorf("authProvider cannot be provided in combination with an exec plugin for %s", name))
		}
		if e.Command == "" {
			errs = append(errs, fmt.Errorf("command must be specified for %v to use exec authentication plugin", name))
		}
		if e.APIVersion == "" {
			errs = append(errs, fmt.Errorf("apiVersion must be specified for %v to use exec authentication plugin", name))
		}
		for _, v := range e.Env {
			if v.Name == "" {
				errs = append(errs, fmt.Errorf("env variable name must be specified for %v to use exec authentication plugin", name))
			}
		}
		switch e.InteractiveMode {
		case "":
			errs = append(errs, fmt.Errorf("interactiveMode must be specified for %v to use exec authentication plugin", name))
		case "Never", "IfAvailable", "Always":
		default:
			errs = append(errs, fmt.Errorf("invalid interactiveMode for %v: %q", name, e.InteractiveMode))
		}
	}
	if len(methods) > 1 {
		errs = append(errs, fmt.Errorf("more than one authentication method found for %v; found %v, only one is allowed", name, methods))
	}
	if (u.ImpersonateUID != "" || len(u.ImpersonateGroups) > 0 || len(u.ImpersonateUserExtra) > 0) && u.Impersonate == "" {
		errs = append(errs, fmt.Errorf("requesting uid, groups or user-extra for %v without impersonating a user", name))
	}
	return errs
}

// checkProxyURL is kubectl's check, with kubectl's wording except that the URL is redacted.
func checkProxyURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("could not parse: %v", RedactURL(s))
	}
	switch u.Scheme {
	case "http", "https", "socks5":
		return nil
	}
	return fmt.Errorf("unsupported scheme %q, must be http, https, or socks5", u.Scheme)
}

// RedactURL hides the password of a URL such as a server or proxy-url, even one that does not parse (a
// parse error would otherwise quote the whole string), so that errors, logs and `config view` never show
// it. A URL without a password comes back unchanged. Of a URL that does not parse, everything up to its
// last '@' is hidden: a password may hold a '/' or '?' that would end the authority early.
func RedactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.Opaque == "" {
		if _, ok := u.User.Password(); !ok {
			return s
		}
		return u.Redacted()
	}
	prefix, rest, ok := strings.Cut(s, "://")
	if ok {
		prefix += "://"
	} else {
		prefix, rest = "", s
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		return prefix + "xxxxx" + rest[at:]
	}
	return s
}

// canRead is kubectl's check of a certificate, key or CA file: open it, read nothing. The client reads the
// file when it builds the TLS configuration; opening it here only makes the error kubectl's.
func canRead(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	return f.Close()
}
