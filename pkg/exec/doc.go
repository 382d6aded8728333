// Package exec runs remote processes — a command in a container (exec) or a container's main process
// (attach) — over the Kubernetes channel protocol of pkg/client/stream: a Process with its streams, its
// terminal size and its exit code; and the local terminal's side of it: raw mode with golang.org/x/term,
// resize events, and the terminal always restored.
//
// A Process is started from a Dialer, the request that opens its websocket; pkg/client's
// Resource.Exec and Resource.Attach build that request and call Start:
//
//	p, err := pods.Exec(ctx, "web-0", exec.Options{Command: []string{"date"}, Stdout: os.Stdout, Stderr: os.Stderr})
//	if err != nil { ... }
//	err = p.Wait() // nil on exit code 0, an *exec.ExitError otherwise
package exec
