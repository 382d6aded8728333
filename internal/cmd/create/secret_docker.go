package create

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

// dockerConfigJSONKey is the key of a kubernetes.io/dockerconfigjson secret.
const dockerConfigJSONKey = ".dockerconfigjson"

type dockerConfigEntry struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Email    string `json:"email,omitempty"`
	Auth     string `json:"auth,omitempty"`
}

type dockerConfigJSON struct {
	Auths map[string]dockerConfigEntry `json:"auths"`
}

func newCmdSecretDockerRegistry(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var files []string
	var username, password, email string
	server := "https://index.docker.io/v1/"
	var appendHash bool
	cmd := newGenerator(&o, genSpec{
		use:   "docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none]",
		short: "Create a secret for use with a Docker registry",
		long: `Create a new secret for use with Docker registries.

        Dockercfg secrets are used to authenticate against Docker registries.

        When using the Docker command line to push images, you can authenticate to a given registry by running:
        '$ docker login DOCKER_REGISTRY_SERVER --username=DOCKER_USER --password=DOCKER_PASSWORD --email=DOCKER_EMAIL'.

 That produces a ~/.dockercfg file that is used by subsequent 'docker push' and 'docker pull' commands to authenticate to the registry. The email address is optional.

        When creating applications, you may have a Docker registry that requires authentication.  In order for the
        nodes to pull images on your behalf, they must have the credentials.  You can provide this information
        by creating a dockercfg secret and attaching it to your service account.`,
		example: `  # If you do not already have a .dockercfg file, create a dockercfg secret directly
  kubex create secret docker-registry my-secret --docker-server=DOCKER_REGISTRY_SERVER --docker-username=DOCKER_USER --docker-password=DOCKER_PASSWORD --docker-email=DOCKER_EMAIL

  # Create a new secret named my-secret from ~/.docker/config.json
  kubex create secret docker-registry my-secret --from-file=path/to/.docker/config.json`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			for i, src := range files {
				if !strings.Contains(src, "=") {
					files[i] = dockerConfigJSONKey + "=" + src
				}
			}
			if len(files) == 0 && (username == "" || password == "" || server == "") {
				return nil, errors.New("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required")
			}
			s := newSecret(name, o.enforced(), "kubernetes.io/dockerconfigjson")
			if len(files) > 0 {
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
			} else {
				entry := dockerConfigEntry{Username: username, Password: password, Email: email,
					Auth: base64.StdEncoding.EncodeToString([]byte(username + ":" + password))}
				b, err := json.Marshal(dockerConfigJSON{Auths: map[string]dockerConfigEntry{server: entry}})
				if err != nil {
					return nil, err
				}
				s.Data[dockerConfigJSONKey] = b
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
	fs.StringVar(&username, "docker-username", "", "Username for Docker registry authentication")
	fs.StringVar(&password, "docker-password", "", "Password for Docker registry authentication")
	fs.StringVar(&email, "docker-email", "", "Email for Docker registry")
	fs.StringVar(&server, "docker-server", server, "Server location for Docker registry")
	fs.BoolVar(&appendHash, "append-hash", false, "Append a hash of the secret to its name.")
	fs.StringSliceVar(&files, "from-file", nil, "Key files can be specified using their file path, in which case a default name of "+dockerConfigJSONKey+" will be given to them, or optionally with a name and file path, in which case the given name will be used. Specifying a directory will iterate each named file in the directory that is a valid secret key. For this command, the key should always be "+dockerConfigJSONKey+".")
	return cmd
}
