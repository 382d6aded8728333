package get

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
)

// completionTimeout keeps a Tab from hanging the shell when the cluster does not answer.
const completionTimeout = time.Second

// completeTypes completes the first argument with the resource types the server serves, from the
// discovery cache when it is fresh.
func completeTypes(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		d, err := f.Discovery()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		d.PreferCache()
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		rs, _ := d.PreferredResources(ctx)
		var out []cobra.Completion
		for _, r := range rs {
			if strings.Contains(r.Name, "/") || !r.HasVerb("list") || !strings.HasPrefix(r.Name, toComplete) {
				continue
			}
			out = append(out, r.Name)
		}
		slices.Sort(out)
		return slices.Compact(out), cobra.ShellCompDirectiveNoFileComp
	}
}
