package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/iostreams"
	kubeconfig "github.com/kubex-cli/kubex/pkg/config"
)

// SetClusterOptions are the inputs of `kubex config set-cluster`.
type SetClusterOptions struct {
	Loader StackLoader
	Out    io.Writer

	Name                  string
	Server                string
	TLSServerName         string
	InsecureSkipTLSVerify bool
	CertificateAuthority  string
	EmbedCerts            bool
	ProxyURL              string

	// Which flags were given: kubectl treats a flag set to "" or false as a value to write.
	serverSet, tlsServerNameSet, insecureSet, caSet, proxyURLSet bool
}

// NewCmdConfigSetCluster builds `kubex config set-cluster`.
func NewCmdConfigSetCluster(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &SetClusterOptions{Loader: l, Out: streams.Out}
	cmd := &cobra.Command{
		Use:                   "set-cluster NAME [--server=server] [--certificate-authority=path/to/certificate/authority] [--insecure-skip-tls-verify=true] [--tls-server-name=example.com]",
		DisableFlagsInUseLine: true,
		Short:                 "Set a cluster entry in kubeconfig",
		Long: `Set a cluster entry in kubeconfig.

Specifying a name that already exists will merge new fields on top of existing values for those fields.`,
		Example: `  # Set only the server field on the e2e cluster entry without touching other values
  kubex config set-cluster e2e --server=https://1.2.3.4

  # Embed certificate authority data for the e2e cluster entry
  kubex config set-cluster e2e --embed-certs --certificate-authority=~/.kube/e2e/kubernetes.ca.crt

  # Disable cert checking for the e2e cluster entry
  kubex config set-cluster e2e --insecure-skip-tls-verify=true

  # Set the custom TLS server name to use for validation for the e2e cluster entry
  kubex config set-cluster e2e --tls-server-name=my-cluster-name

  # Set the proxy URL for the e2e cluster entry
  kubex config set-cluster e2e --proxy-url=https://1.2.3.4`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			if err := o.Run(); err != nil {
				return err
			}
			_, err := fmt.Fprintf(o.Out, "Cluster %q set.\n", o.Name)
			return err
		},
	}
	// These shadow the global flags of the same names, as in kubectl.
	f := cmd.Flags()
	f.StringVar(&o.Server, "server", "", "server for the cluster entry in kubeconfig")
	f.StringVar(&o.TLSServerName, "tls-server-name", "", "tls-server-name for the cluster entry in kubeconfig")
	f.BoolVar(&o.InsecureSkipTLSVerify, "insecure-skip-tls-verify", false, "insecure-skip-tls-verify for the cluster entry in kubeconfig")
	f.StringVar(&o.CertificateAuthority, "certificate-authority", "", "Path to certificate-authority file for the cluster entry in kubeconfig")
	_ = cmd.MarkFlagFilename("certificate-authority")
	f.BoolVar(&o.EmbedCerts, "embed-certs", false, "embed-certs for the cluster entry in kubeconfig")
	f.StringVar(&o.ProxyURL, "proxy-url", "", "proxy-url for the cluster entry in kubeconfig")
	return cmd
}

// Complete takes the one name and notes which flags were given.
func (o *SetClusterOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return helpErrorf(cmd, "Unexpected args: %v", args)
	}
	o.Name = args[0]
	f := cmd.Flags()
	o.serverSet, o.tlsServerNameSet, o.insecureSet = f.Changed("server"), f.Changed("tls-server-name"), f.Changed("insecure-skip-tls-verify")
	o.caSet, o.proxyURLSet = f.Changed("certificate-authority"), f.Changed("proxy-url")
	return nil
}

// Validate checks the flags before the kubeconfig is read, in kubectl's order.
func (o *SetClusterOptions) Validate() error {
	if o.Name == "" {
		return errors.New("you must specify a non-empty cluster name")
	}
	if o.InsecureSkipTLSVerify && o.CertificateAuthority != "" {
		return errors.New("you cannot specify a certificate authority and insecure mode at the same time")
	}
	if o.EmbedCerts {
		if o.CertificateAuthority == "" {
			return errors.New("you must specify a --certificate-authority to embed")
		}
		if _, err := os.Stat(o.CertificateAuthority); err != nil {
			return fmt.Errorf("could not stat certificate-authority file %s: %v", o.CertificateAuthority, err)
		}
	}
	return nil
}

// Run merges the flags into the cluster (or a new one) and writes it.
func (o *SetClusterOptions) Run() error {
	s, err := o.Loader.KubeconfigStack()
	if err != nil {
		return err
	}
	cfg := s.Merged()
	c := &findOrAdd(&cfg.Clusters, func(c kubeconfig.NamedCluster) bool { return c.Name == o.Name },
		kubeconfig.NamedCluster{Name: o.Name}).Cluster
	before := *c.DeepCopy()
	o.modify(c)
	if !reflect.DeepEqual(before, *c) {
		relativize(entryDir(s, kubeconfig.KindCluster, o.Name), &c.CertificateAuthority)
	}
	return s.Modify(cfg)
}

// modify applies kubectl's rules: a new server drops tls-server-name, insecure mode drops the CA, a CA
// drops insecure mode and the other form of the CA.
func (o *SetClusterOptions) modify(c *kubeconfig.Cluster) {
	if o.serverSet {
		c.Server = o.Server
		c.TLSServerName = ""
	}
	if o.tlsServerNameSet {
		c.TLSServerName = o.TLSServerName
	}
	if o.insecureSet {
		c.InsecureSkipTLSVerify = o.InsecureSkipTLSVerify
		if c.InsecureSkipTLSVerify {
			c.CertificateAuthority = ""
			c.CertificateAuthorityData = nil
		}
	}
	if o.caSet {
		if o.EmbedCerts {
			c.CertificateAuthorityData, _ = os.ReadFile(o.CertificateAuthority) // Validate stat'ed it
			c.InsecureSkipTLSVerify = false
			c.CertificateAuthority = ""
		} else {
			// Like kubectl, an empty value becomes the working directory.
			c.CertificateAuthority, _ = filepath.Abs(o.CertificateAuthority)
			if c.CertificateAuthority != "" {
				c.InsecureSkipTLSVerify = false
				c.CertificateAuthorityData = nil
			}
		}
	}
	if o.proxyURLSet {
		c.ProxyURL = o.ProxyURL
	}
}

// SetCredentialsOptions are the inputs of `kubex config set-credentials`.
type SetCredentialsOptions struct {
	Loader StackLoader
	Out    io.Writer

	Name              string
	ClientCertificate string
	ClientKey         string
	Token             string
	Username          string
	Password          string
	EmbedCerts        bool

	certSet, keySet, tokenSet, usernameSet, passwordSet bool
}

// NewCmdConfigSetCredentials builds `kubex config set-credentials`.
func NewCmdConfigSetCredentials(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &SetCredentialsOptions{Loader: l, Out: streams.Out}
	cmd := &cobra.Command{
		Use:                   "set-credentials NAME [--client-certificate=path/to/certfile] [--client-key=path/to/keyfile] [--token=bearer_token] [--username=basic_user] [--password=basic_password]",
		DisableFlagsInUseLine: true,
		Short:                 "Set a user entry in kubeconfig",
		Long: `Set a user entry in kubeconfig.

Specifying a name that already exists will merge new fields on top of existing values.

    Client-certificate flags:
    --client-certificate=certfile --client-key=keyfile

    Bearer token flags:
      --token=bearer_token

    Basic auth flags:
      --username=basic_user --password=basic_password

Bearer token and basic auth are mutually exclusive.`,
		Example: `  # Set only the "client-key" field on the "cluster-admin"
  # entry, without touching other values
  kubex config set-credentials cluster-admin --client-key=~/.kube/admin.key

  # Set basic auth for the "cluster-admin" entry
  kubex config set-credentials cluster-admin --username=admin --password=uXFGweU9l35qcif

  # Embed client certificate data in the "cluster-admin" entry
  kubex config set-credentials cluster-admin --client-certificate=~/.kube/admin.crt --embed-certs=true`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			if err := o.Run(); err != nil {
				return err
			}
			_, err := fmt.Fprintf(o.Out, "User %q set.\n", o.Name)
			return err
		},
	}
	// These shadow the global flags of the same names, as in kubectl.
	f := cmd.Flags()
	f.StringVar(&o.ClientCertificate, "client-certificate", "", "Path to client-certificate file for the user entry in kubeconfig")
	_ = cmd.MarkFlagFilename("client-certificate")
	f.StringVar(&o.ClientKey, "client-key", "", "Path to client-key file for the user entry in kubeconfig")
	_ = cmd.MarkFlagFilename("client-key")
	f.StringVar(&o.Token, "token", "", "token for the user entry in kubeconfig")
	f.StringVar(&o.Username, "username", "", "username for the user entry in kubeconfig")
	f.StringVar(&o.Password, "password", "", "password for the user entry in kubeconfig")
	f.BoolVar(&o.EmbedCerts, "embed-certs", false, "Embed client cert/key for the user entry in kubeconfig")
	return cmd
}

// Complete takes the one name and notes which flags were given. Unlike its siblings, kubectl's message
// here is lower-case.
func (o *SetCredentialsOptions) Complete(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return helpErrorf(cmd, "unexpected args: %v", args)
	}
	o.Name = args[0]
	f := cmd.Flags()
	o.certSet, o.keySet, o.tokenSet = f.Changed("client-certificate"), f.Changed("client-key"), f.Changed("token")
	o.usernameSet, o.passwordSet = f.Changed("username"), f.Changed("password")
	return nil
}

// Validate checks the flags before the kubeconfig is read, in kubectl's order.
func (o *SetCredentialsOptions) Validate() error {
	if o.Name == "" {
		return errors.New("you must specify a non-empty user name")
	}
	var methods []string
	if o.Token != "" {
		methods = append(methods, "--token")
	}
	if o.Username != "" || o.Password != "" {
		methods = append(methods, "--username/--password")
	}
	if len(methods) > 1 {
		return fmt.Errorf("you cannot specify more than one authentication method at the same time: %v", strings.Join(methods, ", "))
	}
	if o.EmbedCerts {
		if o.ClientCertificate == "" && o.ClientKey == "" {
			return errors.New("you must specify a --client-certificate or --client-key to embed")
		}
		if o.ClientCertificate != "" {
			if _, err := os.Stat(o.ClientCertificate); err != nil {
				return fmt.Errorf("could not stat client-certificate file %s: %v", o.ClientCertificate, err)
			}
		}
		if o.ClientKey != "" {
			if _, err := os.Stat(o.ClientKey); err != nil {
				return fmt.Errorf("could not stat client-key file %s: %v", o.ClientKey, err)
			}
		}
	}
	return nil
}

// Run merges the flags into the user (or a new one) and writes it.
func (o *SetCredentialsOptions) Run() error {
	s, err := o.Loader.KubeconfigStack()
	if err != nil {
		return err
	}
	cfg := s.Merged()
	u := &findOrAdd(&cfg.AuthInfos, func(u kubeconfig.NamedUser) bool { return u.Name == o.Name },
		kubeconfig.NamedUser{Name: o.Name}).User
	before := *u.DeepCopy()
	o.modify(u)
	if !reflect.DeepEqual(before, *u) {
		refs := []*string{&u.ClientCertificate, &u.ClientKey, &u.TokenFile}
		if u.Exec != nil && strings.ContainsRune(u.Exec.Command, filepath.Separator) {
			refs = append(refs, &u.Exec.Command)
		}
		relativize(entryDir(s, kubeconfig.KindUser, o.Name), refs...)
	}
	return s.Modify(cfg)
}

// modify applies kubectl's rules: a file replaces its embedded data (or the reverse with --embed-certs),
// and setting a token clears basic auth and the reverse.
func (o *SetCredentialsOptions) modify(u *kubeconfig.AuthInfo) {
	if o.certSet {
		if o.EmbedCerts {
			u.ClientCertificateData, _ = os.ReadFile(o.ClientCertificate) // Validate stat'ed it
			u.ClientCertificate = ""
		} else {
			u.ClientCertificate, _ = filepath.Abs(o.ClientCertificate)
			if u.ClientCertificate != "" {
				u.ClientCertificateData = nil
			}
		}
	}
	if o.keySet {
		if o.EmbedCerts {
			u.ClientKeyData, _ = os.ReadFile(o.ClientKey)
			u.ClientKey = ""
		} else {
			u.ClientKey, _ = filepath.Abs(o.ClientKey)
			if u.ClientKey != "" {
				u.ClientKeyData = nil
			}
		}
	}
	var setToken, setBasic bool
	if o.tokenSet {
		u.Token = o.Token
		setToken = u.Token != ""
	}
	if o.usernameSet {
		u.Username = o.Username
		setBasic = u.Username != ""
	}
	if o.passwordSet {
		u.Password = o.Password
		setBasic = setBasic || u.Password != ""
	}
	// kubectl always gives an auth provider a config map, so a "config: null" becomes "config: {}".
	if u.AuthProvider != nil && u.AuthProvider.Config == nil {
		u.AuthProvider.Config = map[string]string{}
	}
	if setToken || setBasic {
		if !setToken {
			u.Token = ""
		}
		if !setBasic {
			u.Username, u.Password = "", ""
		}
	}
}

// entryDir is the directory of the file an entry is (or will be) written to: the one that defines it, else
// the file new entries go to.
func entryDir(s *kubeconfig.Stack, kind kubeconfig.EntryKind, name string) string {
	file := s.DefaultFile()
	if at, ok := s.Origin(kind, name); ok {
		file = at.File
	}
	dir, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return filepath.Dir(file)
	}
	return dir
}

// relativize rewrites the paths of a changed entry the way kubectl writes them: relative to base when
// that needs no "../", absolute otherwise (kubectl resolves every path on load and relativizes on write).
func relativize(base string, refs ...*string) {
	for _, p := range refs {
		if *p == "" {
			continue
		}
		abs := *p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(base, abs)
		}
		rel, err := filepath.Rel(base, abs)
		switch {
		case err != nil:
			*p = abs
		case strings.HasPrefix(rel, "../"):
			*p = abs
		default:
			*p = rel
		}
	}
}

// findOrAdd returns the entry of list that is, appending added when there is none.
func findOrAdd[T any](list *[]T, is func(T) bool, added T) *T {
	i := slices.IndexFunc(*list, is)
	if i < 0 {
		*list = append(*list, added)
		i = len(*list) - 1
	}
	return &(*list)[i]
}
