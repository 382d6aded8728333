package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/iostreams"
	kubeconfig "github.com/kubex-cli/kubex/pkg/config"
)

type manualLoader struct{ o *kubeconfig.Overrides }

func (m manualLoader) KubeconfigStack() (*kubeconfig.Stack, error) {
	return (&kubeconfig.Loader{}).Load(m.o)
}

func TestManual(t *testing.T) {
	args := os.Getenv("KX_ARGS")
	if args == "" {
		t.Skip()
	}
	streams := &iostreams.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	o := &kubeconfig.Overrides{}
	root := &cobra.Command{Use: "kubex", SilenceErrors: true, SilenceUsage: true}
	o.AddFlags(root.PersistentFlags())
	root.SetOut(os.Stdout)
	root.AddCommand(NewCmdConfig(manualLoader{o}, streams))
	root.SetArgs(strings.Fields(args))
	err := root.Execute()
	if err != nil {
		var um interface{ UserMessage() string }
		if errors.As(err, &um) {
			fmt.Fprintln(os.Stderr, um.UserMessage())
		} else {
			fmt.Fprintln(os.Stderr, "error: "+err.Error())
		}
		os.Exit(1)
	}
	if os.Getenv("KX_RESOLVE") != "" {
		s, err := manualLoader{o}.KubeconfigStack()
		if err != nil { fmt.Println(err); return }
		r, err := s.Resolve(o)
		fmt.Printf("%+v\n%v\n", r, err)
	}
	os.Exit(0)
}
