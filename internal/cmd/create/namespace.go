package create

import (
	"context"
	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

type namespaceObj struct {
	base
	Spec   struct{} `json:"spec"`
	Status struct{} `json:"status"`
}

func newCmdNamespace(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	return newGenerator(&o, genSpec{
		use:     "namespace NAME [--dry-run=server|client|none]",
		aliases: []string{"ns"},
		short:   "Create a namespace with the specified name",
		long:    "Create a namespace with the specified name.",
		example: "  # Create a new namespace named my-namespace\n  kubex create namespace my-namespace",
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			return &namespaceObj{base: newBase("v1", "Namespace", name, "")}, nil
		},
	})
}

type serviceAccountObj struct{ base }

func newCmdServiceAccount(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	return newGenerator(&o, genSpec{
		use:     "serviceaccount NAME [--dry-run=server|client|none]",
		aliases: []string{"sa"},
		short:   "Create a service account with the specified name",
		long:    "Create a service account with the specified name.",
		example: "  # Create a new service account named my-service-account\n  kubex create serviceaccount my-service-account",
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			return &serviceAccountObj{base: newBase("v1", "ServiceAccount", name, o.enforced())}, nil
		},
		wrap: wrapf("failed to create serviceaccount: "),
	})
}
