package cmdutil

import (
	"testing"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/config"
)

func TestTargetOn(t *testing.T) {
	c, err := client.New(&config.Resolved{Server: "https://127.0.0.1:1"}, client.WithCacheDir(""))
	if err != nil {
		t.Fatal(err)
	}
	deploy := discovery.Resource{Group: "apps", Version: "v1", Name: "deployments", Kind: "Deployment", Namespaced: true}
	tg := Target{Res: deploy, Namespace: "dev", Names: []string{"web"}}
	r := tg.On(c)
	if r.Type.Name != "deployments" || r.Namespace != "dev" || r.Client() != c {
		t.Errorf("On = %+v in %q", r.Type, r.Namespace)
	}
	if got := r.Request("GET", "web").URL(); got != "/apis/apps/v1/namespaces/dev/deployments/web" {
		t.Errorf("URL = %q", got)
	}
	if got := tg.Ref("web").String(); got != "deployment.apps/web" {
		t.Errorf("Ref = %q", got)
	}
}
