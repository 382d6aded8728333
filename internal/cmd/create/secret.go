package create

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

type secretObj struct {
	base
	Data map[string][]byte `json:"data,omitempty"`
	Type string            `json:"type,omitempty"`
}

func newSecret(name, namespace, typ string) *secretObj {
	return &secretObj{base: newBase("v1", "Secret", name, namespace), Type: typ, Data: map[string][]byte{}}
}

// appendSecretHash is --append-hash for a secret.
func (s *secretObj) appendHash() error {
	h, err := contentHash(map[string]any{"kind": "Secret", "type": s.Type, "name": s.Metadata.Name, "data": s.Data})
	if err != nil {
		return err
	}
	s.Metadata.Name += "-" + h
	return nil
}

func (s *secretObj) add(key string, data []byte) error {
	if errs := isConfigMapKey(key); len(errs) != 0 {
		return fmt.Errorf("%q is not valid key name for a Secret %s", key, strings.Join(errs, ";"))
	}
	if _, ok := s.Data[key]; ok {
		return fmt.Errorf("cannot add key %s, another key by that name already exists", key)
	}
	s.Data[key] = data
	return nil
}

func newCmdSecret(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secret (docker-registry | generic | tls)",
		Short: "Create a secret using a specified subcommand",
		Long:  "Create a secret with specified type.\n\n A docker-registry type secret is for accessing a container registry.\n\n A generic type secret indicate an Opaque secret type.\n\n A tls type secret holds TLS certificate and its associated key.",
		Run:   func(cmd *cobra.Command, args []string) { _ = cmd.Help() },
	}
	cmd.AddCommand(newCmdSecretDockerRegistry(f, streams), newCmdSecretGeneric(f, streams), newCmdSecretTLS(f, streams))
	return cmd
}

var secretWrap = wrapf("failed to create secret ")

func newCmdSecretGeneric(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var files, literals, envFiles []string
	var typ string
	var appendHash bool
	cmd := newGenerator(&o, genSpec{
		use:   "generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
		short: "Create a secret from a local file, directory, or literal value",
		long: `Create a secret based on a file, directory, or specified literal value.

 A single secret may package one or more key/value pairs.

 When creating a secret based on a file, the key will default to the basename of the file, and the value will default to the file content. If the basename is an invalid key or you wish to chose your own, you may specify an alternate key.

 When creating a secret based on a directory, each file whose basename is a valid key in the directory will be packaged into the secret. Any directory entries except regular files are ignored (e.g. subdirectories, symlinks, devices, pipes, etc).`,
		example: `  # Create a new secret named my-secret with keys for each file in folder bar
  kubex create secret generic my-secret --from-file=path/to/bar

  # Create a new secret named my-secret with key1=supersecret and key2=topsecret
  kubex create secret generic my-secret --from-literal=key1=supersecret --from-literal=key2=topsecret

  # Create a new secret named my-secret from env files
  kubex create secret generic my-secret --from-env-file=path/to/foo.env --from-env-file=path/to/bar.env`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			if len(envFiles) > 0 && (len(files) > 0 || len(literals) > 0) {
				return nil, errors.New("from-env-file cannot be combined with from-file or from-literal")
			}
			s := newSecret(name, o.enforced(), typ)
			for _, l := range literals {
				k, v, err := parseLiteralSource(l)
				if err != nil {
					return nil, err
				}
				if err := s.add(k, []byte(v)); err != nil {
					return nil, err
				}
			}
			err := fromFiles(files, func(key, file string) error {
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				return s.add(key, b)
			})
			if err != nil {
				return nil, err
			}
			if err := fromEnvFiles(envFiles, "env secret file cannot be a directory", func(k, v string) error { return s.add(k, []byte(v)) }); err != nil {
				return nil, err
			}
			if appendHash {
				if err := s.appendHash(); err != nil {
					return nil, err
				}
			}
			return s, nil
		},
		wrap: secretWrap,
	})
	fs := cmd.Flags()
	fs.StringSliceVar(&files, "from-file", nil, "Key files can be specified using their file path, in which case a default name will be given to them, or optionally with a name and file path, in which case the given name will be used.  Specifying a directory will iterate each named file in the directory that is a valid secret key.")
	fs.StringArrayVar(&literals, "from-literal", nil, "Specify a key and literal value to insert in secret (i.e. mykey=somevalue)")
	fs.StringSliceVar(&envFiles, "from-env-file", nil, "Specify the path to a file to read lines of key=val pairs to create a secret.")
	fs.StringVar(&typ, "type", "", "The type of secret to create")
	fs.BoolVar(&appendHash, "append-hash", false, "Append a hash of the secret to its name.")
	return cmd
}

func newCmdSecretTLS(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var certFile, keyFile string
	var appendHash bool
	cmd := newGenerator(&o, genSpec{
		use:     "tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none]",
		short:   "Create a TLS secret",
		long:    "Create a TLS secret from the given public/private key pair.\n\n The public/private key pair must exist beforehand. The public key certificate must be .PEM encoded and match the given private key.",
		example: "  # Create a new TLS secret named tls-secret with the given key pair\n  kubex create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key",
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			if keyFile == "" || certFile == "" {
				return nil, errors.New("key and cert must be specified")
			}
			read := func(file string) ([]byte, error) {
				b, err := os.ReadFile(file)
				if err != nil {
					//lint:ignore ST1005 kubectl's wording
					return nil, fmt.Errorf("Cannot read file %v, %v", file, err)
				}
				return b, nil
			}
			cert, err := read(certFile)
			if err != nil {
				return nil, err
			}
			key, err := read(keyFile)
			if err != nil {
				return nil, err
			}
			if _, err := tls.X509KeyPair(cert, key); err != nil {
				return nil, err
			}
			s := newSecret(name, o.enforced(), "kubernetes.io/tls")
			s.Data["tls.crt"], s.Data["tls.key"] = cert, key
			if appendHash {
				if err := s.appendHash(); err != nil {
					return nil, err
				}
			}
			return s, nil
		},
		wrap: secretWrap,
	})
	fs := cmd.Flags()
	fs.StringVar(&certFile, "cert", "", "Path to PEM encoded public key certificate.")
	fs.StringVar(&keyFile, "key", "", "Path to private key associated with given certificate.")
	fs.BoolVar(&appendHash, "append-hash", false, "Append a hash of the secret to its name.")
	return cmd
}
