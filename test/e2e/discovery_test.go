package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAPIResourcesParity compares kubex's api-resources and api-versions with the reference kubectl's,
// byte for byte.
func TestAPIResourcesParity(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"api-resources"},
		{"api-resources", "-o", "wide"},
		{"api-resources", "-o", "name"},
		{"api-resources", "--namespaced=false"},
		{"api-resources", "--api-group", "apps"},
		{"api-resources", "--api-group", ""},
		{"api-resources", "--sort-by", "kind", "--no-headers"},
		{"api-resources", "--verbs", "list,watch", "--categories", "all", "-o", "wide"},
		{"api-resources", "-o", "json", "--api-group", "rbac.authorization.k8s.io"},
		{"api-resources", "-o", "yaml", "--api-group", "batch"},
		{"api-resources", "--cached"},
		{"api-versions"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			// Other tests may add or remove CRDs between the two runs: a difference is only a failure
			// if it persists.
			var want, got result
			for attempt := 0; attempt < 3; attempt++ {
				want = runKubectl(t, nil, args...)
				got = runKubex(t, nil, args...)
				if got.Stdout == want.Stdout && got.Code == want.Code {
					break
				}
			}
			if got.Stdout != want.Stdout || got.Code != want.Code {
				t.Errorf("kubex %s differs from kubectl\n--- kubectl: %s\n--- kubex: %s", strings.Join(args, " "), want, got)
			}
			if want.Code == 0 && got.Stderr != "" {
				t.Errorf("kubex wrote to stderr: %s", got.Stderr)
			}
		})
	}
}

// responseLine is a -v=6 request line, the same for kubectl and kubex.
var responseLine = regexp.MustCompile(`"Response" verb="GET" url="[^"]*?(/apis?)(?:\?[^"]*)?" status="(\d+)`)

// requests lists the discovery requests a -v=6 run made, e.g. ["/api 304", "/apis 304"], sorted.
func requests(stderr string) []string {
	var out []string
	for _, m := range responseLine.FindAllStringSubmatch(stderr, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	if len(out) == 2 && out[0] > out[1] {
		out[0], out[1] = out[1], out[0]
	}
	return out
}

// TestDiscoveryCache checks what discovery costs: a cold run downloads /api and /apis, a warm one
// only revalidates them (two 304s), --cached asks nothing; and a CRD created after the cache was filled
// is listed by the very next run.
func TestDiscoveryCache(t *testing.T) {
	t.Parallel()
	env := []string{"KUBECACHEDIR=" + t.TempDir()}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	group := "d" + hex.EncodeToString(b) + ".e2e.kubex.example.com"

	cold := runKubex(t, env, "api-resources", "--api-group", group, "-v=6")
	if cold.Code != 0 || fmt.Sprint(requests(cold.Stderr)) != "[/api 200 /apis 200]" {
		t.Errorf("cold run: want /api and /apis downloaded once each, got %v\n%s", requests(cold.Stderr), cold)
	}
	warm := runKubex(t, env, "api-resources", "--api-group", group, "-v=6")
	if warm.Code != 0 || fmt.Sprint(requests(warm.Stderr)) != "[/api 304 /apis 304]" {
		t.Errorf("warm run: want two 304 revalidations, got %v\n%s", requests(warm.Stderr), warm)
	}
	if warm.Stdout != cold.Stdout || warm.Stdout != "NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\n" {
		t.Errorf("before the CRD exists: want headers only, got %q then %q", cold.Stdout, warm.Stdout)
	}
	if r := runKubex(t, env, "api-resources", "--cached", "-v=6"); r.Code != 0 || len(requests(r.Stderr)) != 0 {
		t.Errorf("--cached run: want no request, got %v\n%s", requests(r.Stderr), r)
	}

	crd := fmt.Sprintf(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gizmos.%[1]s
spec:
  group: %[1]s
  names: {plural: gizmos, singular: gizmo, kind: Gizmo, shortNames: [gzm], categories: [kubex-e2e]}
  scope: Namespaced
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`, group)
	if err := cluster().Apply(t.Context(), crd); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = cluster().KubectlCommand(ctx, "delete", "crd", "gizmos."+group, "--wait=false").Run()
	})
	// The apiserver publishes a new CRD in discovery asynchronously; wait until the reference kubectl
	// sees it, so that what is tested is kubex's cache, not the server's lag.
	args := []string{"api-resources", "--api-group", group, "-o", "wide"}
	var want result
	deadline := time.Now().Add(30 * time.Second)
	for {
		want = runKubectl(t, nil, args...)
		if strings.Contains(want.Stdout, "gizmos") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(want.Stdout, "gizmos") {
		t.Fatalf("kubectl never listed the CRD: %s", want)
	}
	got := runKubex(t, env, append(args, "-v=6")...)
	if got.Stdout != want.Stdout {
		t.Errorf("right after the CRD was created:\n--- kubectl: %s\n--- kubex: %s", want, got)
	}
	if fmt.Sprint(requests(got.Stderr)) != "[/api 304 /apis 200]" {
		t.Errorf("want /api revalidated and the changed /apis downloaded, got %v", requests(got.Stderr))
	}
}
