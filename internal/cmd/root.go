// Package cmd assembles kubex's command tree.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmd/apiresources"
	"github.com/kubex-cli/kubex/internal/cmd/apply"
	authcmd "github.com/kubex-cli/kubex/internal/cmd/auth"
	"github.com/kubex-cli/kubex/internal/cmd/completion"
	configcmd "github.com/kubex-cli/kubex/internal/cmd/config"
	"github.com/kubex-cli/kubex/internal/cmd/cp"
	"github.com/kubex-cli/kubex/internal/cmd/create"
	ctxcmd "github.com/kubex-cli/kubex/internal/cmd/ctx"
	deletecmd "github.com/kubex-cli/kubex/internal/cmd/delete"
	"github.com/kubex-cli/kubex/internal/cmd/describe"
	eventscmd "github.com/kubex-cli/kubex/internal/cmd/events"
	execcmd "github.com/kubex-cli/kubex/internal/cmd/exec"
	"github.com/kubex-cli/kubex/internal/cmd/get"
	"github.com/kubex-cli/kubex/internal/cmd/label"
	logscmd "github.com/kubex-cli/kubex/internal/cmd/logs"
	nodecmd "github.com/kubex-cli/kubex/internal/cmd/node"
	"github.com/kubex-cli/kubex/internal/cmd/patch"
	portforwardcmd "github.com/kubex-cli/kubex/internal/cmd/portforward"
	"github.com/kubex-cli/kubex/internal/cmd/replace"
	"github.com/kubex-cli/kubex/internal/cmd/rollout"
	"github.com/kubex-cli/kubex/internal/cmd/scale"
	versioncmd "github.com/kubex-cli/kubex/internal/cmd/version"
	waitcmd "github.com/kubex-cli/kubex/internal/cmd/wait"
	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
	"github.com/kubex-cli/kubex/pkg/config"
)

// NewRootCmd builds the `kubex` command with kubectl's global flags and every subcommand.
func NewRootCmd(f *cmdutil.Factory) *cobra.Command {
	root := &cobra.Command{
		Use:           "kubex",
		Short:         "kubex controls the Kubernetes cluster manager, fast",
		Long:          "kubex is a fast kubectl-like command-line tool for Kubernetes.",
		SilenceErrors: true,
		SilenceUsage:  true,
		// kubex's own completion command replaces cobra's, which exits 0 on a missing shell.
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		// Without subcommand, show help as kubectl does.
		Run: func(cmd *cobra.Command, _ []string) { cmd.Help() },
	}
	root.SetIn(f.IOStreams.In)
	root.SetOut(f.IOStreams.Out)
	root.SetErr(f.IOStreams.ErrOut)
	root.SetFlagErrorFunc(cmdutil.FlagError)

	pf := root.PersistentFlags()
	cmdutil.AddOverrideFlags(pf, f.Overrides)
	pf.IntVarP(&f.Verbosity, "v", "v", 0, "number for the log level verbosity")
	noColor := false
	pf.BoolVar(&noColor, "no-color", false, "Never print colour, even on a terminal (NO_COLOR does the same).")
	root.PersistentPreRun = func(*cobra.Command, []string) {
		if noColor {
			f.IOStreams.DisableColor()
		}
	}
	for flag, kind := range map[string]config.EntryKind{"context": config.KindContext, "cluster": config.KindCluster, "user": config.KindUser} {
		_ = root.RegisterFlagCompletionFunc(flag, cmdutil.KubeconfigNames(f.KubeconfigStack, kind))
	}
	_ = root.RegisterFlagCompletionFunc("namespace", cmdutil.CompleteNamespaces(f))

	root.AddCommand(
		versioncmd.NewCmdVersion(f, f.IOStreams),
		completion.NewCmdCompletion(f.IOStreams),
		get.NewCmdGet(f, f.IOStreams),
		get.NewCmdWatch(f, f.IOStreams),
		create.NewCmdCreate(f, f.IOStreams),
		apply.NewCmdApply(f, f.IOStreams),
		apply.NewCmdDiff(f, f.IOStreams),
		deletecmd.NewCmdDelete(f, f.IOStreams),
		waitcmd.NewCmdWait(f, f.IOStreams),
		patch.NewCmdPatch(f, f.IOStreams),
		configcmd.NewCmdConfig(f, f.IOStreams),
		ctxcmd.NewCmdCtx(f, f.IOStreams),
		ctxcmd.NewCmdNs(f, f.IOStreams),
		apiresources.NewCmdAPIResources(f, f.IOStreams),
		apiresources.NewCmdAPIVersions(f, f.IOStreams),
		execcmd.NewCmdExec(f, f.IOStreams),
		execcmd.NewCmdAttach(f, f.IOStreams),
		logscmd.NewCmdLogs(f, f.IOStreams),
		portforwardcmd.NewCmdPortForward(f, f.IOStreams),
		cp.NewCmdCp(f, f.IOStreams),
		describe.NewCmdDescribe(f, f.IOStreams),
		eventscmd.NewCmdEvents(f, f.IOStreams),
		authcmd.NewCmdAuth(f, f.IOStreams),
		rollout.NewCmdRollout(f, f.IOStreams),
		nodecmd.NewCmdCordon(f, f.IOStreams),
		nodecmd.NewCmdUncordon(f, f.IOStreams),
		label.NewCmdLabel(f, f.IOStreams),
		label.NewCmdAnnotate(f, f.IOStreams),
		scale.NewCmdScale(f, f.IOStreams),
		replace.NewCmdReplace(f, f.IOStreams),
	)
	groupCommands(root)
	return root
}

// Main runs kubex with args and returns the process exit code. The first Ctrl-C (or SIGTERM, SIGHUP)
// cancels the command's context so that requests stop, plugins are killed and terminals are restored; the
// command reports what it did (its error, unless that is only the cancellation), then kubex dies of that
// signal, so that a shell loop around it stops too. A second signal, for code that does not watch its
// context (a read of a terminal's stdin), exits at once with 128+signal (130 for Ctrl-C). A panic becomes
// one line and exit code 1: users never see a Go stack trace.
func Main(args []string) (code int) {
	streams := iostreams.System(os.Getenv)
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(streams.ErrOut, "error: internal error: %v (please report it)\n", r)
			code = 1
		}
	}()
	f := cmdutil.New(streams, os.Environ())
	root := NewRootCmd(f)
	root.SetArgs(args)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(signals)
	received := watchSignals(signals, cancel, os.Exit)

	cmd, err := root.ExecuteContextC(ctx)
	if sig, ok := received.Load().(syscall.Signal); ok {
		if err == nil && cmd != nil && cmd.Annotations[cmdutil.InterruptEndsCommand] != "" {
			return 0
		}
		if err != nil && !errors.Is(err, context.Canceled) {
			cmdutil.PrintError(streams.ErrOut, err)
		}
		dieOf(sig)
		return 128 + int(sig) // if the signal did not end the process
	}
	if streams.ColorEnabledStderr() {
		return cmdutil.PrintErrorColor(streams.ErrOut, err)
	}
	return cmdutil.PrintError(streams.ErrOut, err)
}

// watchSignals cancels on the first signal and records it; on the second it calls exit(128+signal) at
// once.
func watchSignals(signals <-chan os.Signal, cancel func(), exit func(int)) *atomic.Value {
	var received atomic.Value
	go func() {
		sig, ok := <-signals
		if !ok {
			return
		}
		received.Store(sig)
		cancel()
		if sig, ok := <-signals; ok {
			code := 130
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			exit(code)
		}
	}()
	return &received
}
