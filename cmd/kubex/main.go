// Command kubex is a fast kubectl-like command-line tool for Kubernetes.
package main

import (
	"os"

	"github.com/kubex-cli/kubex/internal/cmd"
)

func main() { os.Exit(cmd.Main(os.Args[1:])) }
