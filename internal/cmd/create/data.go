package create

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

// The key-value sources of configmaps and secrets: --from-literal, --from-file (a file, key=file or a
// directory) and --from-env-file, read as kubectl reads them.

func parseLiteralSource(source string) (key, value string, err error) {
	k, v, ok := strings.Cut(source, "=")
	if !ok || k == "" && strings.Index(source, "=") == 0 {
		return "", "", fmt.Errorf("invalid literal source %v, expected key=value", source)
	}
	return k, v, nil
}

func parseFileSource(source string) (key, file string, err error) {
	n := strings.Count(source, "=")
	switch {
	case n == 0:
		return path.Base(filepath.ToSlash(source)), source, nil
	case n == 1 && strings.HasPrefix(source, "="):
		return "", "", fmt.Errorf("key name for file path %v missing", strings.TrimPrefix(source, "="))
	case n == 1 && strings.HasSuffix(source, "="):
		return "", "", fmt.Errorf("file path for key name %v missing", strings.TrimSuffix(source, "="))
	case n > 1:
		return "", "", errors.New("key names or file paths cannot contain '='")
	}
	k, f, _ := strings.Cut(source, "=")
	return k, f, nil
}

// statError is kubectl's "error reading FILE: CAUSE".
func statError(file string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("error reading %s: %v", file, pe.Err)
	}
	return fmt.Errorf("error reading %s: %v", file, err)
}

// fromFiles calls add for every key of the --from-file sources: each regular file of a directory, or the
// file under its basename or given key.
func fromFiles(sources []string, add func(key, file string) error) error {
	for _, source := range sources {
		key, file, err := parseFileSource(source)
		if err != nil {
			return err
		}
		info, err := os.Stat(file)
		if err != nil {
			return statError(file, err)
		}
		if !info.IsDir() {
			if err := add(key, file); err != nil {
				return err
			}
			continue
		}
		if strings.Contains(source, "=") {
			return errors.New("cannot give a key name for a directory path")
		}
		entries, err := os.ReadDir(file)
		if err != nil {
			return fmt.Errorf("error listing files in %s: %v", file, err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				if err := add(e.Name(), filepath.Join(file, e.Name())); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// fromEnvFiles calls add for every KEY=value line of the --from-env-file sources.
func fromEnvFiles(sources []string, dirError string, add func(key, value string) error) error {
	for _, source := range sources {
		info, err := os.Stat(source)
		if err != nil {
			return statError(source, err)
		}
		if info.IsDir() {
			return errors.New(dirError)
		}
		if err := readEnvFile(source, add); err != nil {
			return err
		}
	}
	return nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func readEnvFile(file string, add func(key, value string) error) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for n := 0; s.Scan(); n++ {
		line := s.Bytes()
		if !utf8.Valid(line) {
			return fmt.Errorf("env file %s contains invalid utf8 bytes at line %d: %v", file, n+1, line)
		}
		if n == 0 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		line = bytes.TrimLeftFunc(line, unicode.IsSpace)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, value, hasValue := strings.Cut(string(line), "=")
		if errs := isEnvVarName(key); len(errs) != 0 {
			return fmt.Errorf("%q is not a valid key name: %s", key, strings.Join(errs, ";"))
		}
		if !hasValue {
			value = os.Getenv(key)
		}
		if err := add(key, value); err != nil {
			return err
		}
	}
	return nil
}

// The validation messages of k8s.io/apimachinery's IsConfigMapKey and IsEnvVarName.
var (
	configMapKeyRE = regexp.MustCompile(`^[-._a-zA-Z0-9]+$`)
	envVarNameRE   = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)
)

func isConfigMapKey(v string) []string {
	var errs []string
	if len(v) > 253 {
		errs = append(errs, "must be no more than 253 characters")
	}
	if !configMapKeyRE.MatchString(v) {
		errs = append(errs, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
	}
	return append(errs, chDirPrefix(v)...)
}

func isEnvVarName(v string) []string {
	var errs []string
	if !envVarNameRE.MatchString(v) {
		errs = append(errs, "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
	}
	return append(errs, chDirPrefix(v)...)
}

func chDirPrefix(v string) []string {
	switch {
	case v == ".":
		return []string{`must not be '.'`}
	case v == "..":
		return []string{`must not be '..'`}
	case strings.HasPrefix(v, ".."):
		return []string{`must not start with '..'`}
	}
	return nil
}

// contentHash is kubectl's --append-hash suffix (k8s.io/kubectl/pkg/util/hash): the first ten hex digits
// of the SHA-256 of a small JSON encoding, with 0, 1, 3, a and e swapped for letters so that the suffix
// never reads as a number or a word.
func contentHash(v map[string]any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	hex := []rune(fmt.Sprintf("%x", sha256.Sum256(b))[:10])
	for i, r := range hex {
		switch r {
		case '0':
			hex[i] = 'g'
		case '1':
			hex[i] = 'h'
		case '3':
			hex[i] = 'k'
		case 'a':
			hex[i] = 'm'
		case 'e':
			hex[i] = 't'
		}
	}
	return string(hex), nil
}

type configMapObj struct {
	base
	Data       map[string]string `json:"data,omitempty"`
	BinaryData map[string][]byte `json:"binaryData,omitempty"`
}

func newCmdConfigMap(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var files, literals, envFiles []string
	var appendHash bool
	cmd := newGenerator(&o, genSpec{
		use:     "configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]",
		aliases: []string{"cm"},
		short:   "Create a config map from a local file, directory or literal value",
		long: `Create a config map based on a file, directory, or specified literal value.

 A single config map may package one or more key/value pairs.

 When creating a config map based on a file, the key will default to the basename of the file, and the value will default to the file content.  If the basename is an invalid key, you may specify an alternate key.

 When creating a config map based on a directory, each file whose basename is a valid key in the directory will be packaged into the config map.  Any directory entries except regular files are ignored (e.g. subdirectories, symlinks, devices, pipes, etc).`,
		example: `  # Create a new config map named my-config based on folder bar
  kubex create configmap my-config --from-file=path/to/bar

  # Create a new config map named my-config with specified keys instead of file basenames on disk
  kubex create configmap my-config --from-file=key1=/path/to/bar/file1.txt --from-file=key2=/path/to/bar/file2.txt

  # Create a new config map named my-config with key1=config1 and key2=config2
  kubex create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2

  # Create a new config map named my-config from an env file
  kubex create configmap my-config --from-env-file=path/to/foo.env --from-env-file=path/to/bar.env`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			if len(envFiles) > 0 && (len(files) > 0 || len(literals) > 0) {
				return nil, errors.New("from-env-file cannot be combined with from-file or from-literal")
			}
			cm := &configMapObj{base: newBase("v1", "ConfigMap", name, o.enforced()), Data: map[string]string{}, BinaryData: map[string][]byte{}}
			check := func(key string) error {
				if errs := isConfigMapKey(key); len(errs) > 0 {
					return fmt.Errorf("%q is not a valid key name for a ConfigMap: %s", key, strings.Join(errs, ","))
				}
				if _, ok := cm.Data[key]; ok {
					return fmt.Errorf("cannot add key %q, another key by that name already exists in Data for ConfigMap %q", key, name)
				}
				if _, ok := cm.BinaryData[key]; ok {
					return fmt.Errorf("cannot add key %q, another key by that name already exists in BinaryData for ConfigMap %q", key, name)
				}
				return nil
			}
			addLiteral := func(key, value string) error {
				if err := check(key); err != nil {
					return err
				}
				cm.Data[key] = value
				return nil
			}
			err := fromFiles(files, func(key, file string) error {
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				if utf8.Valid(b) {
					return addLiteral(key, string(b))
				}
				if err := check(key); err != nil {
					return err
				}
				cm.BinaryData[key] = b
				return nil
			})
			if err != nil {
				return nil, err
			}
			for _, l := range literals {
				k, v, err := parseLiteralSource(l)
				if err != nil {
					return nil, err
				}
				if err := addLiteral(k, v); err != nil {
					return nil, err
				}
			}
			if err := fromEnvFiles(envFiles, "env config file cannot be a directory", addLiteral); err != nil {
				return nil, err
			}
			if appendHash {
				m := map[string]any{"kind": "ConfigMap", "name": name, "data": cm.Data}
				if len(cm.BinaryData) > 0 {
					m["binaryData"] = cm.BinaryData
				}
				h, err := contentHash(m)
				if err != nil {
					return nil, err
				}
				cm.Metadata.Name = name + "-" + h
			}
			return cm, nil
		},
		wrap: wrapf("failed to create configmap: "),
	})
	fs := cmd.Flags()
	fs.StringSliceVar(&files, "from-file", nil, "Key file can be specified using its file path, in which case file basename will be used as configmap key, or optionally with a key and file path, in which case the given key will be used.  Specifying a directory will iterate each named file in the directory whose basename is a valid configmap key.")
	fs.StringArrayVar(&literals, "from-literal", nil, "Specify a key and literal value to insert in configmap (i.e. mykey=somevalue)")
	fs.StringSliceVar(&envFiles, "from-env-file", nil, "Specify the path to a file to read lines of key=val pairs to create a configmap.")
	fs.BoolVar(&appendHash, "append-hash", false, "Append a hash of the configmap to its name.")
	return cmd
}
