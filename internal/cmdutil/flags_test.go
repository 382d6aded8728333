package cmdutil

import (
	"reflect"
	"testing"

	"github.com/spf13/pflag"

	"github.com/kubex-cli/kubex/pkg/config"
)

func TestAddOverrideFlags(t *testing.T) {
	var o config.Overrides
	fs := pflag.NewFlagSet("kubex", pflag.ContinueOnError)
	AddOverrideFlags(fs, &o)

	if f := fs.Lookup("request-timeout"); f == nil || f.DefValue != "0" {
		t.Errorf("--request-timeout default = %v, want kubectl's \"0\"", f)
	}
	for name, short := range map[string]string{"namespace": "n", "server": "s"} {
		if f := fs.Lookup(name); f == nil || f.Shorthand != short {
			t.Errorf("--%s shorthand = %v, want -%s", name, f, short)
		}
	}

	err := fs.Parse([]string{
		"--kubeconfig=k", "--context=c", "--cluster=cl", "--user=u", "-n", "ns", "-s", "https://s",
		"--token=t", "--as=a", "--as-group=g1", "--as-group=g2", "--as-uid=42",
		"--certificate-authority=ca", "--client-certificate=cc", "--client-key=ck", "--insecure-skip-tls-verify",
		"--tls-server-name=tn", "--request-timeout=5s", "--disable-compression", "--username=un", "--password=pw",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := config.Overrides{
		Kubeconfig: "k", Context: "c", Cluster: "cl", User: "u", Namespace: "ns", Server: "https://s",
		Token: "t", Impersonate: "a", ImpersonateGroups: []string{"g1", "g2"}, ImpersonateUID: "42",
		CertificateAuthority: "ca", ClientCertificate: "cc", ClientKey: "ck", InsecureSkipTLSVerify: true,
		TLSServerName: "tn", RequestTimeout: "5s", DisableCompression: true, Username: "un", Password: "pw",
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got  %+v\nwant %+v", o, want)
	}
}
