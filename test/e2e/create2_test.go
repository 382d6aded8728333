package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateGenerators2 compares the deployment, service, docker-registry secret, quota, priorityclass,
// pdb and ingress generators' objects (client dry run, all formats) and checks with kubectl's, then
// server dry runs and real creates; and create token's checks and token.
func TestCreateGenerators2(t *testing.T) {
	t.Parallel()
	ns := newNamespace(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfg, []byte(`{"auths":{"r.example":{"auth":"dTpw"}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"deployment", "d1", "--image=busybox", "--replicas=3", "--port=8080", "--", "sleep", "1"},
		{"deploy", "d1", "--image=nginx", "--image=registry.k8s.io/pause:3.9", "--image=x/busybox@sha256:abc"},
		{"deploy", "d1", "--image=a", "--image=b", "--", "date"},
		{"deploy", "d1"},
		{"service", "clusterip", "s1", "--tcp=5678:8080", "--tcp=80:http"},
		{"svc", "clusterip", "s1", "--clusterip=None"},
		{"service", "clusterip", "s1"},
		{"service", "clusterip", "s1", "--tcp=x:80"},
		{"service", "clusterip", "s1", "--tcp=80:Bad_Name"},
		{"service", "clusterip", "s1", "--tcp=80:70000"},
		{"service", "nodeport", "s1", "--tcp=80:8080", "--node-port=30080"},
		{"service", "nodeport", "s1", "--clusterip=None"},
		{"service", "loadbalancer", "s1", "--tcp=80"},
		{"service", "externalname", "s1", "--external-name=bar.com"},
		{"service", "externalname", "s1", "--external-name=Bad_Name"},
		{"service", "externalname", "s1"},
		{"secret", "docker-registry", "s1", "--docker-username=u", "--docker-password=p<>", "--docker-email=e@x", "--append-hash"},
		{"secret", "docker-registry", "s1", "--from-file=" + cfg},
		{"secret", "docker-registry", "s1", "--docker-username=u"},
		{"quota", "q1", "--hard=cpu=1,memory=1024Mi,pods=2,requests.cpu=0.5", "--scopes=BestEffort,NotTerminating"},
		{"quota", "q1", "--hard=cpu"},
		{"quota", "q1", "--hard=cpu=abc"},
		{"quota", "q1", "--scopes=a,,b"},
		{"priorityclass", "pc1", "--value=1000", "--global-default", "--description=high", "--preemption-policy=Never"},
		{"pc", "pc1"},
		{"pdb", "p1", "--selector=app=rails", "--min-available=50%"},
		{"poddisruptionbudget", "p1", "--selector=app=rails,tier in (web,api)", "--max-unavailable=1"},
		{"pdb", "p1", "--min-available=1"},
		{"pdb", "p1", "--selector=a!=b", "--min-available=1"},
		{"pdb", "p1", "--selector=a=b"},
		{"pdb", "p1", "--selector=a=b", "--min-available=1", "--max-unavailable=1"},
		{"pdb", "p1", "--selector=a=b", "--min-available=x"},
		{"ingress", "i1", "--class=default", "--rule=foo.com/=svc:https,tls", "--rule=foo.com/path/sub*=other:8080", "--rule=bar.com/*=svc:80,tls=secret1", "--rule=/x=y:z", "--default-backend=def:http", "--annotation=a=b"},
		{"ing", "i1"},
		{"ing", "i1", "--rule=bad"},
		{"ing", "i1", "--rule=/x=y:z", "--annotation=nokv"},
		{"ing", "i1", "--default-backend=nop"},
	} {
		for _, out := range []string{"", "-o=json", "-o=yaml", "-o=name"} {
			a := []string{"create", "--dry-run=client", "-n", ns}
			if out != "" {
				a = append(a, out)
			}
			createSame(t, append(a, args...)...)
		}
	}
	for _, args := range [][]string{
		{"deployment", "d2", "--image=busybox"},
		{"service", "clusterip", "s2", "--tcp=80:8080"},
		{"service", "externalname", "s3", "--external-name=bar.com"},
		{"secret", "docker-registry", "s2", "--docker-username=u", "--docker-password=p"},
		{"quota", "q2", "--hard=pods=2"},
		{"pdb", "p2", "--selector=app=x", "--min-available=1"},
		{"ingress", "i2", "--rule=foo.com/=svc:80"},
	} {
		for _, out := range []string{"--dry-run=server", "--dry-run=server -o yaml"} {
			createSame(t, append(append([]string{"create", "-n", ns}, args...), strings.Fields(out)...)...)
		}
		r := runKubex(t, nil, append([]string{"create", "-n", ns}, args...)...)
		if r.Code != 0 || !strings.HasSuffix(r.Stdout, " created\n") {
			t.Errorf("create %s: %s", strings.Join(args, " "), r)
		}
		createSame(t, append([]string{"create", "-n", ns}, args...)...)
	}
	createSame(t, "create", "priorityclass", "kubex-e2e-pc", "--value=7", "--dry-run=server", "-o", "yaml")

	// create token: the checks, then a token for a real service account.
	for _, args := range [][]string{
		{"token"},
		{"token", "default", "--duration=-1s"},
		{"token", "default", "--duration=1500ms"},
		{"token", "default", "--audience="},
		{"token", "default", "--bound-object-name=x"},
		{"token", "default", "--bound-object-uid=x"},
		{"token", "default", "--bound-object-kind=ConfigMap", "--bound-object-name=x"},
		{"token", "default", "--bound-object-kind=Pod"},
		{"token", "missing"},
		{"token", "default", "--bound-object-kind=Secret", "--bound-object-name=missing"},
	} {
		createSame(t, append([]string{"create", "-n", ns}, args...)...)
	}
	r := runKubex(t, nil, "create", "token", "default", "-n", ns, "--duration=10m", "--audience=a", "--audience=b")
	if r.Code != 0 || strings.Count(r.Stdout, ".") != 2 || strings.HasSuffix(r.Stdout, "\n") {
		t.Errorf("create token: %s", r)
	}
	r = runKubex(t, nil, "create", "token", "default", "-n", ns, "-o", "jsonpath={.spec.audiences}", "--audience=a")
	if r.Code != 0 || r.Stdout != `["a"]` {
		t.Errorf("create token -o jsonpath: %s", r)
	}
}
