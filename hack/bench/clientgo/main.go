// Command clientgo is the client-go side of the bench's library rows: the program of hack/bench/library
// written with client-go's typed clientset, as a client-go user writes it. It is its own module so that
// kubex's module never requires client-go's REST client.
//
//	clientgo [-protobuf] list    # list every pod of every namespace, print how many
//	clientgo [-protobuf] first   # List, then print each pod's name
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	protobuf := flag.Bool("protobuf", false, "ask for protobuf (config.ContentType)")
	flag.Parse()
	if err := run(context.Background(), *protobuf, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "clientgo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, protobuf bool, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: clientgo [-protobuf] list|first")
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	config, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, nil).ClientConfig()
	if err != nil {
		return err
	}
	if protobuf {
		config.ContentType = "application/vnd.kubernetes.protobuf"
	}
	cs, err := kubernetes.NewForConfig(config)
	if err != nil {
		return err
	}
	list, err := cs.CoreV1().Pods("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	switch args[0] {
	case "list":
		fmt.Println(len(list.Items), containers(list.Items))
	case "first":
		for _, p := range list.Items {
			fmt.Println(p.Name)
		}
	default:
		return fmt.Errorf("unknown mode %q", args[0])
	}
	return nil
}

func containers(pods []corev1.Pod) int {
	n := 0
	for _, p := range pods {
		n += len(p.Spec.Containers)
	}
	return n
}
