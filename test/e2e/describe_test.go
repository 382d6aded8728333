package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ages are what moves between two runs of describe or events: "5s", "4m10s", "2m (x3 over 10m)".
var ages = regexp.MustCompile(`\b[0-9]+[smhdy]([0-9]+[smh])?( \(x[0-9]+ over [0-9]+[smhdy]([0-9]+[smh])?\))?`)

// sameMaskedAsKubectl is sameAsKubectl with ages masked: describe and events print them.
func sameMaskedAsKubectl(t *testing.T, args ...string) {
	t.Helper()
	var want, got result
	mask := func(r result) result {
		r.Stdout, r.Stderr = ages.ReplaceAllString(r.Stdout, "AGE"), ages.ReplaceAllString(r.Stderr, "AGE")
		return r
	}
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(time.Second)
		}
		want = runKubectl(t, nil, args...)
		want.Stderr = strings.ReplaceAll(withoutKlogLines(want.Stderr), filepath.Base(cluster().Kubectl), "kubex")
		want.Stderr = strings.ReplaceAll(want.Stderr, "kubectl", "kubex")
		want = mask(want)
		got = mask(runKubex(t, nil, args...))
		if got == want {
			return
		}
	}
	t.Errorf("kubex %s differs from kubectl\n=== kubex: %s\n=== kubectl: %s", strings.Join(args, " "), got, want)
}

// TestDescribe compares describe's layout with kubectl's for the built-in describers, the generic one,
// name prefixes, selectors, files and errors.
func TestDescribe(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx", "--replicas=2", "-n", ns)
	kubectlOK(t, nil, "expose", "deployment", "web", "--port=80", "-n", ns)
	kubectlOK(t, nil, "create", "configmap", "settings", "--from-literal=a=b", "-n", ns)
	kubectlOK(t, nil, "create", "secret", "generic", "creds", "--from-literal=password=hunter2", "-n", ns)
	kubectlOK(t, nil, "create", "quota", "q", "--hard=pods=10,cpu=2", "-n", ns)
	kubectlOK(t, nil, "wait", "--for=condition=Available", "deploy/web", "-n", ns, "--timeout=60s")
	for _, args := range [][]string{
		{"deploy", "web"}, {"deployments"}, {"rs"}, {"pods"}, {"pods", "web"}, {"pods", "-l", "app=web"},
		{"svc", "web"}, {"cm", "settings"}, {"secret", "creds"}, {"sa", "default"}, {"ns", ns},
		{"leases", "-n", "kube-node-lease"}, {"node", cluster().NodeName},
		{"pods", "--show-events=false"}, {"deploy/web", "cm/settings"},
		{"pods", "nope"}, {"pods", "web", "nope"}, {"nosuchtype"}, {},
	} {
		sameMaskedAsKubectl(t, append(append([]string{"describe"}, args...), "-n", ns)...)
	}
	sameMaskedAsKubectl(t, "describe", "apiservice", "v1.apps")
	sameMaskedAsKubectl(t, "describe", "-f", filepath.Join("testdata", "missing.yaml"))
}

// TestEvents compares `events` with kubectl's: tables, filters, formats and errors.
func TestEvents(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	kubectlOK(t, nil, "create", "deployment", "web", "--image=nginx", "-n", ns)
	kubectlOK(t, nil, "wait", "--for=condition=Available", "deploy/web", "-n", ns, "--timeout=60s")
	for _, args := range [][]string{
		{}, {"--for", "deploy/web"}, {"--for", "deployment.apps/web"}, {"--for", "pod/nope"}, {"--types", "Normal"},
		{"--types=Warning"}, {"--types=Foo"}, {"--no-headers"}, {"-o", "json"}, {"-o", "yaml"}, {"-o", "wide"},
		{"--for", "web"},
	} {
		sameMaskedAsKubectl(t, append(append([]string{"events"}, args...), "-n", ns)...)
	}
	r := runKubex(t, nil, "events", "-n", ns, "--for", "deploy/web", "--watch", "--request-timeout=2s")
	if r.Code != 0 || !strings.Contains(r.Stdout, "ScalingReplicaSet") {
		t.Errorf("events --watch: %s", r)
	}
}
