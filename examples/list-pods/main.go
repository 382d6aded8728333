// Command list-pods prints one line "NAMESPACE/NAME PHASE" per pod, in the server's order: the pods of
// the kubeconfig context's namespace, of -n NS, or of every namespace with -A.
//
//	go run ./examples/list-pods [-n NS | -A]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubex-cli/kubex/pkg/client"
)

func main() {
	namespace := flag.String("n", "", "namespace (default: the kubeconfig context's)")
	all := flag.Bool("A", false, "list the pods of every namespace")
	flag.Parse()

	c, err := client.Load(client.WithNamespace(*namespace))
	check(err)
	ns := c.Namespace()
	if *all {
		ns = "" // every namespace
	}
	// Each lists page by page (500 pods a page), decoding each pod as it comes.
	pods := client.NewAPI[corev1.Pod](c, ns)
	for pod, err := range pods.Each(context.Background(), client.ListOptions{}) {
		check(err)
		fmt.Printf("%s/%s %s\n", pod.Namespace, pod.Name, pod.Status.Phase)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
