package get

import (
	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
)

// completeTypes completes get's and watch's arguments: resource types from the discovery cache, then
// names (or TYPE/NAME), fetched with a short timeout.
func completeTypes(f *cmdutil.Factory) cobra.CompletionFunc { return cmdutil.CompleteResources(f) }
