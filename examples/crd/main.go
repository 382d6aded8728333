// Command crd defines a custom resource with a Go struct of its own: it applies the resource's
// CustomResourceDefinition, waits until the API server serves it (Established), then creates an object,
// reads it, patches its status and deletes it.
//
//	go run ./examples/crd -n NS
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/kubex-cli/kubex/pkg/client"
)

func main() {
	namespace := flag.String("n", "", "namespace (default: the kubeconfig context's)")
	flag.Parse()
	c, err := client.Load(client.WithNamespace(*namespace))
	check(err)
	ctx := context.Background()
	check(applyCRD(ctx, c))

	crontabs := client.NewAPI[CronTab](c, c.Namespace(), client.ForResource(crontabResource))
	created, err := crontabs.Create(ctx, &CronTab{TypeMeta: crontabType, Metadata: client.Meta{Name: "nightly"},
		Spec: CronTabSpec{Schedule: "0 3 * * *", Image: "backup:1"}}, client.WriteOptions{})
	check(err)
	fmt.Printf("created %s/%s\n", created.Metadata.Namespace, created.Metadata.Name)
	got, err := crontabs.Get(ctx, "nightly")
	check(err)
	fmt.Printf("got %s: schedule %q, image %s\n", got.Metadata.Name, got.Spec.Schedule, got.Spec.Image)
	status := client.Merge(map[string]any{"status": CronTabStatus{LastRun: "2026-01-01T03:00:00Z", Runs: 1}})
	patched, err := crontabs.PatchStatus(ctx, "nightly", status, client.PatchOptions{})
	check(err)
	fmt.Printf("status: last run %s, %d run(s)\n", patched.Status.LastRun, patched.Status.Runs)
	check(crontabs.Delete(ctx, "nightly", client.DeleteOptions{}))
	fmt.Println("deleted nightly")
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
