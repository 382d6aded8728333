package e2e

import (
	"strings"
	"testing"
)

// TestPatch sends each type of patch, to the object and to its subresources, and the bad patches that
// never leave the machine.
func TestPatch(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx", "--replicas=1", "-n", ns)
	kubectlOK(t, nil, "create", "configmap", "c", "-n", ns) // no controller changes it between two patches
	for _, tc := range []struct {
		args           []string
		stdout, stderr string
		code           int
	}{
		{args: []string{"deploy", "web", "-p", `{"spec":{"replicas":2}}`}, stdout: "deployment.apps/web patched\n"},
		{args: []string{"cm/c", "-p", `{"data":{"a":"1"}}`}, stdout: "configmap/c patched\n"},
		{args: []string{"cm/c", "-p", `{"data":{"a":"1"}}`}, stdout: "configmap/c patched (no change)\n"},
		{args: []string{"deploy", "web", "--type", "merge", "-p", "metadata: {labels: {tier: front}}"}, stdout: "deployment.apps/web patched\n"},
		{args: []string{"deploy", "web", "--type", "json", "-p", `[{"op":"replace","path":"/spec/replicas","value":3}]`}, stdout: "deployment.apps/web patched\n"},
		{args: []string{"deploy", "web", "--subresource", "scale", "--type", "merge", "-p", `{"spec":{"replicas":1}}`, "-o", "name"}, stdout: "deployment.apps/web\n"},
		{args: []string{"deploy", "web", "--subresource", "status", "--type", "merge", "-p", `{"status":{"observedGeneration":1}}`, "--dry-run=server"}, stdout: "deployment.apps/web patched (server dry run)\n"},
		{args: []string{"deploy", "web", "--type", "apply", "--field-manager", "e2e", "-p", `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","annotations":{"a":"b"}}}`}, stdout: "deployment.apps/web patched\n"},
		{args: []string{"deploy", "web", "--type", "json", "-p", `{"op":"add"}`}, code: 1, stderr: "error: a JSON patch must be an array of operations"},
		{args: []string{"deploy", "web", "--type", "json", "-p", `[{"value":1}]`}, code: 1, stderr: `error: operation 0 of the JSON patch has no "op" or no "path"`},
		{args: []string{"deploy", "web", "-p", "[1, 2"}, code: 1, stderr: `error: unable to parse "[1, 2": yaml: line 1:`},
		{args: []string{"deploy", "web", "--type", "xml", "-p", "{}"}, code: 1, stderr: `error: --type must be one of [json merge strategic apply], not "xml"`},
		{args: []string{"deploy", "nope", "-p", "{}"}, code: 1, stderr: `Error from server (NotFound): deployments.apps "nope" not found`},
		{args: []string{"deploy", "web"}, code: 1, stderr: "error: must specify --patch or --patch-file containing the contents of the patch"},
	} {
		r := runKubex(t, nil, append(append([]string{"patch"}, tc.args...), "-n", ns)...)
		if r.Code != tc.code || r.Stdout != tc.stdout || !strings.Contains(r.Stderr, tc.stderr) {
			t.Errorf("patch %s: want exit %d, %q, stderr with %q: %s", strings.Join(tc.args, " "), tc.code, tc.stdout, tc.stderr, r)
		}
	}
	r := runKubex(t, nil, "get", "deploy", "web", "-n", ns, "-o", "jsonpath={.spec.replicas} {.metadata.labels.tier} {.metadata.annotations.a}")
	if r.Stdout != "1 front b" {
		t.Errorf("after the patches: %s", r)
	}
}
