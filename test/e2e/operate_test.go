package e2e

import (
	"testing"
	"time"
)

// TestAuthCanIParity compares auth can-i and whoami with kubectl: answers, warnings, exit codes, the
// --list table.
func TestAuthCanIParity(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"auth", "can-i", "get", "pods"},
		{"auth", "can-i", "get", "deploy/x"},
		{"auth", "can-i", "get", "nodes"},
		{"auth", "can-i", "foo", "foos"},
		{"auth", "can-i", "get", "foos.bar"},
		{"auth", "can-i", "get", "/logs/"},
		{"auth", "can-i", "get", "pods", "--list"},
		{"auth", "can-i", "--list"},
		{"auth", "can-i", "--list", "--no-headers"},
		{"auth", "can-i", "get", "pods", "--no-headers"},
		{"auth", "can-i", "get", "pods", "-A", "-q"},
		{"auth", "can-i", "get", "pods", "--as", "nobody"},
		{"auth", "whoami"},
		{"auth", "whoami", "-o", "yaml"},
		{"auth", "whoami", "-o", "wide"},
	} {
		sameAsKubectl(t, nil, args...)
	}
}

// TestRolloutParity runs the rollout subcommands on a deployment and a daemon set with both tools.
func TestRolloutParity(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx:1", "-n", ns)
	time.Sleep(2 * time.Second)
	kubectlOK(t, nil, "set", "image", "deployment/web", "nginx=nginx:2", "-n", ns)
	time.Sleep(2 * time.Second)
	for _, args := range [][]string{
		{"rollout", "status", "deploy/web", "--timeout=30s"},
		{"rollout", "status", "deploy/web", "-w=false"},
		{"rollout", "status", "deploy/nope"},
		{"rollout", "status"},
		{"rollout", "history", "deploy/web"},
		{"rollout", "history", "deploy/web", "--revision=1"},
		{"rollout", "history", "deploy/web", "--revision=9"},
		{"rollout", "history", "deploy/web", "-o", "name"},
		{"rollout", "undo", "deploy/web", "--to-revision=99"},
		{"rollout", "undo", "deploy/web", "--dry-run=server"},
		{"rollout", "resume", "deploy/web"},
		{"rollout", "pause", "deploy/nope"},
	} {
		sameAsKubectl(t, nil, append(args, "-n", ns)...)
	}
	for _, step := range []struct {
		args []string
		out  string
	}{
		{[]string{"rollout", "pause", "deploy/web"}, "deployment.apps/web paused\n"},
		{[]string{"rollout", "resume", "deploy/web"}, "deployment.apps/web resumed\n"},
		{[]string{"rollout", "restart", "deploy/web"}, "deployment.apps/web restarted\n"},
		{[]string{"rollout", "undo", "deploy/web"}, "deployment.apps/web rolled back\n"},
	} {
		r := runKubex(t, nil, append(step.args, "-n", ns)...)
		if r.Code != 0 || r.Stdout != step.out {
			t.Errorf("kubex %v: want %q: %s", step.args, step.out, r)
		}
	}
}

// TestCordonParity checks cordon and uncordon's dry runs and bad input against kubectl (the node itself
// is left schedulable: other tests schedule pods on it).
func TestCordonParity(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"cordon", "kwok-node", "--dry-run=client"},
		{"cordon", "kwok-node", "--dry-run=server"},
		{"cordon", "nope"},
		{"cordon", "-l", "nothing=here"},
		{"uncordon", "kwok-node"},
	} {
		sameAsKubectl(t, nil, args...)
	}
}
