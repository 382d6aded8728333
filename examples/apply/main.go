// Command apply server-side applies a ConfigMap built as a Go value. When another field manager owns a
// field it sets, it prints each conflicting field and its owner, then applies again with force, taking
// those fields over.
//
//	go run ./examples/apply -n NS
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubex-cli/kubex/pkg/client"
)

func main() {
	namespace := flag.String("n", "", "namespace (default: the kubeconfig context's)")
	flag.Parse()
	c, err := client.Load(client.WithNamespace(*namespace))
	check(err)

	settings := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, // apply needs them
		ObjectMeta: metav1.ObjectMeta{Name: "example-settings"},
		Data:       map[string]string{"color": "blue", "size": "large"},
	}
	ctx := context.Background()
	configMaps := client.NewAPI[corev1.ConfigMap](c, c.Namespace())
	opts := client.PatchOptions{FieldManager: "kubex-example"}
	applied, err := configMaps.Apply(ctx, settings, opts)
	if conflicts, ok := client.ConflictCauses(err); ok {
		for _, f := range conflicts {
			fmt.Printf("conflict: %s is owned by %q\n", f.Field, f.Manager)
		}
		opts.Force = true // take the fields over
		applied, err = configMaps.Apply(ctx, settings, opts)
	}
	check(err)
	fmt.Printf("configmap/%s applied: color=%s size=%s\n", applied.Name, applied.Data["color"], applied.Data["size"])
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
