package config

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// ViewOptions are `config view`'s flags.
type ViewOptions struct {
	Minify  bool   // only the current context and what it references
	Flatten bool   // certificate files inlined as *-data fields; implies Raw
	Raw     bool   // show secrets and certificate data
	Context string // with Minify, the context to keep instead of current-context (kubectl's --context)
}

// dataOmitted returns the bytes whose base64 form reads "DATA+OMITTED", kubectl's placeholder for data fields.
func dataOmitted() []byte {
	b, _ := base64.StdEncoding.DecodeString("DATA+OMITTED")
	return b
}

// View is the merged config as `kubectl config view` shows it: paths as written, secrets redacted unless
// Raw or Flatten.
func (s *Stack) View(opts ViewOptions) (*Config, error) {
	c := s.Merged()
	if opts.Minify {
		if opts.Context != "" {
			c.CurrentContext = opts.Context
		}
		if err := minify(c); err != nil {
			return nil, err
		}
	}
	switch {
	case opts.Flatten:
		if err := s.flatten(c); err != nil {
			return nil, err
		}
	case !opts.Raw:
		redact(c)
	}
	return c, nil
}

func minify(c *Config) error {
	if c.CurrentContext == "" {
		return errors.New("current-context must exist in order to minify")
	}
	ctx, ok := findContext(c, c.CurrentContext)
	if !ok {
		return fmt.Errorf("cannot locate context %v", c.CurrentContext)
	}
	c.Contexts = []NamedContext{{Name: c.CurrentContext, Context: *ctx}}
	var clusters []NamedCluster
	if ctx.Cluster != "" {
		cl, ok := findCluster(c, ctx.Cluster)
		if !ok {
			return fmt.Errorf("cannot locate cluster %v", ctx.Cluster)
		}
		clusters = []NamedCluster{{Name: ctx.Cluster, Cluster: *cl}}
	}
	var users []NamedUser
	if ctx.AuthInfo != "" {
		u, ok := findUser(c, ctx.AuthInfo)
		if !ok {
			return fmt.Errorf("cannot locate user %v", ctx.AuthInfo)
		}
		users = []NamedUser{{Name: ctx.AuthInfo, User: *u}}
	}
	c.Clusters, c.AuthInfos = clusters, users
	return nil
}

// redact hides what kubectl hides: passwords and tokens become REDACTED, certificate and key data
// DATA+OMITTED. A present-but-empty client-key-data counts as present, as in kubectl. It also hides
// what kubectl shows: the password of a server or proxy-url URL (RedactURL; a URL without one is left
// as written).
func redact(c *Config) {
	for i := range c.AuthInfos {
		u := &c.AuthInfos[i].User
		if u.Password != "" {
			u.Password = "REDACTED"
		}
		if u.Token != "" {
			u.Token = "REDACTED"
		}
		if u.ClientKeyData != nil {
			u.ClientKeyData = dataOmitted()
		}
		if len(u.ClientCertificateData) > 0 {
			u.ClientCertificateData = dataOmitted()
		}
	}
	for i := range c.Clusters {
		cl := &c.Clusters[i].Cluster
		if len(cl.CertificateAuthorityData) > 0 {
			cl.CertificateAuthorityData = dataOmitted()
		}
		cl.Server = RedactURL(cl.Server)
		cl.ProxyURL = RedactURL(cl.ProxyURL)
	}
}

// flatten reads certificate, key and CA files into the matching *-data fields, each path taken relative to
// the file that holds the entry.
func (s *Stack) flatten(c *Config) error {
	for i := range c.AuthInfos {
		u := &c.AuthInfos[i].User
		base := s.entryDir(KindUser, c.AuthInfos[i].Name)
		if err := inline(&u.ClientCertificate, &u.ClientCertificateData, base); err != nil {
			return err
		}
		if err := inline(&u.ClientKey, &u.ClientKeyData, base); err != nil {
			return err
		}
	}
	for i := range c.Clusters {
		cl := &c.Clusters[i].Cluster
		if err := inline(&cl.CertificateAuthority, &cl.CertificateAuthorityData, s.entryDir(KindCluster, c.Clusters[i].Name)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Stack) entryDir(kind EntryKind, name string) string {
	if at, ok := s.origins[kind][name]; ok {
		return originDir(at.File)
	}
	wd, _ := os.Getwd()
	return wd
}

func inline(path *string, data *[]byte, base string) error {
	if *path == "" {
		return nil
	}
	if len(*data) > 0 {
		return errors.New("cannot have values for both path and contents")
	}
	b, err := os.ReadFile(resolveAgainst(*path, base))
	if err != nil {
		return err
	}
	*path, *data = "", b
	return nil
}

// EncodeYAML writes c as kubectl does: through JSON, so keys come out sorted, with apiVersion and kind set.
func EncodeYAML(c *Config) ([]byte, error) {
	c = c.DeepCopy()
	normalize(c)
	return yaml.Marshal(c)
}

// EncodeJSON writes c as kubectl's -o json does: fields in declaration order, four-space indent, a final
// newline.
func EncodeJSON(c *Config) ([]byte, error) {
	c = c.DeepCopy()
	normalize(c)
	b, err := json.MarshalIndent(c, "", "    ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
