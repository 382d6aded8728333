// Command watch prints "ADDED|MODIFIED|DELETED NAMESPACE/NAME" for every ConfigMap of a namespace (first
// those that exist, as ADDED), then for every change, until interrupted. The watch resumes across
// dropped connections and API server restarts without losing or repeating a change.
//
//	go run ./examples/watch -n NS
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubex-cli/kubex/pkg/client"
)

func main() {
	namespace := flag.String("n", "", "namespace (default: the kubeconfig context's)")
	flag.Parse()
	c, err := client.Load(client.WithNamespace(*namespace))
	check(err)

	// Ctrl-C ends the watch; Watch then returns nil.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	configMaps := client.NewAPI[corev1.ConfigMap](c, c.Namespace())
	err = configMaps.Watch(ctx, client.WatchOptions{}, func(e client.Event[corev1.ConfigMap]) error {
		_, err := fmt.Printf("%s %s/%s\n", e.Type, e.Object.Namespace, e.Object.Name)
		return err
	})
	check(err)
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
