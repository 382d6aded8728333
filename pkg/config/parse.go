package config

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/kubex-cli/kubex/internal/yamldoc"
)

// parseDocument decodes one chunk. YAML errors name the file's line, not the document's. nil, nil means an
// empty document.
func parseDocument(c yamldoc.Chunk) (*Config, error) {
	j, err := yamldoc.ToJSON(c)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(bytes.TrimSpace(j), []byte("null")) {
		return nil, nil
	}
	var cfg Config
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber() // extension payloads keep their numbers exactly
	if err := dec.Decode(&cfg); err != nil {
		var b64 base64.CorruptInputError
		if errors.As(err, &b64) {
			return nil, locateBadBase64(j, err)
		}
		return nil, asV1TypeError(err)
	}
	if err := checkKind(&cfg); err != nil {
		return nil, err
	}
	if err := checkDuplicates(&cfg); err != nil {
		return nil, err
	}
	defaultExec(&cfg)
	return &cfg, nil
}

// locateBadBase64 says which *-data field holds the base64 that would not decode: encoding/json reports
// only "illegal base64 data at input byte N", which leaves the user to search every entry. It runs on the
// error path only, so decoding the document a second time costs nothing that matters.
func locateBadBase64(doc []byte, err error) error {
	type data struct {
		CA   *string `json:"certificate-authority-data"`
		Cert *string `json:"client-certificate-data"`
		Key  *string `json:"client-key-data"`
	}
	var raw struct {
		Clusters []struct {
			Name    string `json:"name"`
			Cluster data   `json:"cluster"`
		} `json:"clusters"`
		Users []struct {
			Name string `json:"name"`
			User data   `json:"user"`
		} `json:"users"`
	}
	if json.Unmarshal(doc, &raw) != nil {
		return err
	}
	// encoding/json decodes []byte with StdEncoding, so this finds the value it stopped at. Clusters come
	// first and the fields in this order, as they do in the JSON that YAMLToJSON sorts.
	bad := func(v *string) bool {
		if v == nil {
			return false
		}
		_, e := base64.StdEncoding.DecodeString(*v)
		return e != nil
	}
	for _, c := range raw.Clusters {
		if bad(c.Cluster.CA) {
			return fmt.Errorf("certificate-authority-data of cluster %q: %w", c.Name, err)
		}
	}
	for _, u := range raw.Users {
		if bad(u.User.Cert) {
			return fmt.Errorf("client-certificate-data of user %q: %w", u.Name, err)
		}
		if bad(u.User.Key) {
			return fmt.Errorf("client-key-data of user %q: %w", u.Name, err)
		}
	}
	return err
}

// asV1TypeError words a type mismatch with kubeconfig's v1 type names, as kubectl reports it
// ("... of type []v1.NamedCluster"), instead of this package's.
func asV1TypeError(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	msg := err.Error()
	i := strings.LastIndex(msg, " of type ")
	if i < 0 {
		return err
	}
	t := strings.NewReplacer("config.NamedUser", "v1.NamedAuthInfo", "config.", "v1.").Replace(msg[i:])
	return errors.New(msg[:i] + t)
}

// checkKind accepts what kubectl's decoder accepts: apiVersion v1 and kind Config, either may be left out.
func checkKind(c *Config) error {
	version, kind := c.APIVersion, c.Kind
	if version == "" {
		version = "v1"
	}
	if kind == "" {
		kind = "Config"
	}
	if version != "v1" || kind != "Config" {
		// kubectl's wording, scheme name included, so that scripts matching it keep working.
		return fmt.Errorf("no kind %q is registered for version %q in scheme %q", kind, version, "pkg/runtime/scheme.go:110")
	}
	return nil
}

// checkDuplicates rejects a name listed twice in one document; kubectl does the same per file. Across
// documents and files a repeated name is normal: the first one wins.
func checkDuplicates(c *Config) error {
	check := func(what string, names []string) error {
		seen := make(map[string]bool, len(names))
		for _, n := range names {
			if seen[n] {
				return fmt.Errorf("duplicate name %q in %s list", n, what)
			}
			seen[n] = true
		}
		return nil
	}
	var clusters, users, contexts, extensions []string
	for _, n := range c.Clusters {
		clusters = append(clusters, n.Name)
	}
	for _, n := range c.AuthInfos {
		users = append(users, n.Name)
	}
	for _, n := range c.Contexts {
		contexts = append(contexts, n.Name)
	}
	for _, n := range c.Extensions {
		extensions = append(extensions, n.Name)
	}
	for _, e := range []error{
		check("clusters", clusters), check("users", users), check("contexts", contexts), check("extensions", extensions),
	} {
		if e != nil {
			return e
		}
	}
	return nil
}

// defaultExec applies kubeconfig v1's only defaulting rule: plugins of the beta and alpha APIs that don't say
// otherwise may use the terminal. kubectl shows and writes the defaulted value, so we do too.
func defaultExec(c *Config) {
	for i := range c.AuthInfos {
		e := c.AuthInfos[i].User.Exec
		if e == nil || e.InteractiveMode != "" {
			continue
		}
		switch e.APIVersion {
		case "client.authentication.k8s.io/v1beta1", "client.authentication.k8s.io/v1alpha1":
			e.InteractiveMode = "IfAvailable"
		}
	}
}
