package create

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

func init() {
	extraGenerators = append(extraGenerators, newCmdDeployment)
}

type deploymentObj struct {
	base
	Spec struct {
		Replicas *int32        `json:"replicas,omitempty"`
		Selector labelSelector `json:"selector"`
		Template podTemplate   `json:"template"`
		Strategy struct{}      `json:"strategy"`
	} `json:"spec"`
	Status struct{} `json:"status"`
}

func newCmdDeployment(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var images []string
	port, replicas := int32(-1), int32(1)
	cmd := newGenerator(&o, genSpec{
		use:     "deployment NAME --image=image -- [COMMAND] [args...]",
		aliases: []string{"deploy"},
		short:   "Create a deployment with the specified name",
		long:    "Create a deployment with the specified name.",
		example: `  # Create a deployment named my-dep that runs the busybox image
  kubex create deployment my-dep --image=busybox

  # Create a deployment with a command
  kubex create deployment my-dep --image=busybox -- date

  # Create a deployment named my-dep that runs the nginx image with 3 replicas
  kubex create deployment my-dep --image=nginx --replicas=3

  # Create a deployment named my-dep that runs the busybox image and expose port 5701
  kubex create deployment my-dep --image=busybox --port=5701

  # Create a deployment named my-dep that runs multiple containers
  kubex create deployment my-dep --image=busybox:latest --image=ubuntu:latest --image=nginx`,
		build: func(_ context.Context, name string, command []string) (generated, error) {
			if len(images) > 1 && len(command) > 0 {
				return nil, errors.New("cannot specify multiple --image options and command")
			}
			if len(command) == 0 {
				command = nil
			}
			labels := map[string]string{"app": name}
			d := &deploymentObj{base: newBase("apps/v1", "Deployment", name, o.enforced())}
			d.Metadata.Labels = labels
			d.Spec.Replicas = &replicas
			d.Spec.Selector.MatchLabels = labels
			d.Spec.Template.Metadata.Labels = labels
			d.Spec.Template.Spec.Containers = []container{}
			for _, image := range images {
				d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers,
					container{Name: containerName(image), Image: image, Command: command})
			}
			if port >= 0 && len(d.Spec.Template.Spec.Containers) > 0 {
				d.Spec.Template.Spec.Containers[0].Ports = []containerPort{{ContainerPort: port}}
			}
			return d, nil
		},
		wrap: wrapf("failed to create deployment: "),
	})
	fs := cmd.Flags()
	fs.StringSliceVar(&images, "image", nil, "Image names to run. A deployment can have multiple images set for multi-container pod.")
	_ = cmd.MarkFlagRequired("image")
	fs.Int32Var(&port, "port", port, "The containerPort that this deployment exposes.")
	fs.Int32VarP(&replicas, "replicas", "r", replicas, "Number of replicas to create. Default is 1.")
	return cmd
}

// containerName is kubectl's container name for an image: its last path element without tag or
// digest; with '_' or '.' replaced by '-' and a random suffix added.
func containerName(image string) string {
	name := image[strings.LastIndex(image, "/")+1:]
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	if strings.ContainsAny(name, "_.") {
		name = strings.NewReplacer("_", "-", ".", "-").Replace(name) + "-" + randomSuffix(5)
	}
	return name
}

// randomSuffix is n characters of apimachinery's rand.String alphabet (no vowels, no confusable digits).
func randomSuffix(n int) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, n)
	for i := range b {
		v, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}
