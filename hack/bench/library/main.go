// Command library is the kubex side of the bench's library rows: the few lines a Go program using the
// kubex library writes to list every pod into k8s.io/api structs. hack/bench/clientgo is the same program
// written with client-go; the bench builds both and runs each as a process of its own.
//
//	library list    # list every pod of every namespace, print how many
//	library first   # print each pod's name as it arrives
//
// KUBEX_BENCH_CPUPROFILE=FILE writes a CPU profile of the run to FILE.
package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime/pprof"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubex-cli/kubex/pkg/client"
)

func main() {
	if path := os.Getenv("KUBEX_BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	if err := run(context.Background(), os.Args[1:]); err != nil {
		pprof.StopCPUProfile()
		fail(err)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: library list|first")
	}
	c, err := client.Load()
	if err != nil {
		return err
	}
	pods := client.NewAPI[corev1.Pod](c, "")
	switch args[0] {
	case "list":
		list, err := pods.List(ctx, client.ListOptions{})
		if err != nil {
			return err
		}
		fmt.Println(len(list), containers(list))
	case "first":
		out := bufio.NewWriter(os.Stdout)
		for p, err := range pods.Each(ctx, client.ListOptions{}) {
			if err != nil {
				return err
			}
			fmt.Fprintln(out, p.Name)
			if err := out.Flush(); err != nil { // each name as it arrives
				return err
			}
		}
	default:
		return fmt.Errorf("unknown mode %q", args[0])
	}
	return nil
}

// containers reads every pod, so that the list is used as a program would.
func containers(pods []corev1.Pod) int {
	n := 0
	for _, p := range pods {
		n += len(p.Spec.Containers)
	}
	return n
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "library:", err)
	os.Exit(1)
}
