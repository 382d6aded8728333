package cmd

import "github.com/spf13/cobra"

// commandGroups sorts the commands in help as kubectl's help does.
var commandGroups = []struct {
	id, title string
	commands  []string
}{
	{"basic", "Basic Commands:", []string{"get", "watch", "delete"}},
	{"deploy", "Deploy and Change Commands:", []string{"apply", "diff", "patch", "wait", "rollout", "scale", "replace"}},
	{"cluster", "Cluster Management Commands:", []string{"cordon", "uncordon"}},
	{"troubleshooting", "Troubleshooting and Debugging Commands:", []string{"describe", "logs", "attach", "exec", "port-forward", "cp", "events", "auth"}},
	{"settings", "Settings Commands:", []string{"ctx", "ns", "config", "completion", "label", "annotate"}},
	{"other", "Other Commands:", nil},
}

// groupCommands puts every subcommand of root in its help group; any not listed is "Other".
func groupCommands(root *cobra.Command) {
	group := map[string]string{}
	for _, g := range commandGroups {
		root.AddGroup(&cobra.Group{ID: g.id, Title: g.title})
		for _, name := range g.commands {
			group[name] = g.id
		}
	}
	for _, c := range root.Commands() {
		if id, ok := group[c.Name()]; ok {
			c.GroupID = id
		} else if c.GroupID == "" {
			c.GroupID = "other"
		}
	}
	root.SetHelpCommandGroupID("other")
}
