package cmdutil

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/config"
	"github.com/kubex-cli/kubex/pkg/printers"
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

func TestFilenameFlags(t *testing.T) {
	f := FilenameFlags{Usage: "identifying the resource.", Recursive: true}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	f.AddFlags(fs)
	if fl := fs.Lookup("recursive"); fl.Shorthand != "R" || fl.DefValue != "true" {
		t.Errorf("-R = %+v, want shorthand R, default true", fl)
	}
	if fl := fs.Lookup("filename"); fl.Shorthand != "f" || fl.Usage != "identifying the resource." {
		t.Errorf("-f = %+v", fl)
	}
	if fs.Lookup("kustomize") != nil {
		t.Error("-k is registered, but kubex does not build kustomizations")
	}
	if err := fs.Parse([]string{"-f", "a.yaml,b.yaml", "--filename=c.json", "-R=false"}); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.yaml", "b.yaml", "c.json"}; !reflect.DeepEqual(f.Filenames, want) || f.Recursive || !f.Given() {
		t.Errorf("got %+v", f)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cm.yaml"), []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f = FilenameFlags{Filenames: []string{filepath.Join(dir, "cm.yaml"), "-"}}
	objs, err := f.Read(strings.NewReader(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 || objs[0].Name != "a" || objs[1].Kind != "Secret" {
		t.Errorf("Read = %+v", objs)
	}
}

func TestSelectorFlags(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      SelectorFlags
		args   []string
		want   client.ListOptions
		fields bool
	}{
		{name: "labels only", args: []string{"-l", "a=b"}, want: client.ListOptions{LabelSelector: "a=b"}},
		{name: "with fields", s: SelectorFlags{WithFields: true}, args: []string{"--selector=a in (x)", "--field-selector", "metadata.name=y"},
			want: client.ListOptions{LabelSelector: "a in (x)", FieldSelector: "metadata.name=y"}, fields: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
			tc.s.AddFlags(fs)
			if got := fs.Lookup("field-selector") != nil; got != tc.fields {
				t.Errorf("--field-selector registered = %v, want %v", got, tc.fields)
			}
			if fs.Lookup("selector").Usage != LabelSelectorUsage {
				t.Errorf("-l usage = %q", fs.Lookup("selector").Usage)
			}
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			if got := tc.s.ListOptions(); !reflect.DeepEqual(got, tc.want) || !tc.s.Any() {
				t.Errorf("ListOptions = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDryRunFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    DryRunStrategy
		warning string
		err     string
	}{
		{args: nil, want: DryRunNone},
		{args: []string{"--dry-run=none"}, want: DryRunNone},
		{args: []string{"--dry-run=server"}, want: DryRunServer},
		{args: []string{"--dry-run=client"}, want: DryRunClient},
		{args: []string{"--dry-run"}, want: DryRunClient, warning: "--dry-run is deprecated and can be replaced with --dry-run=client."},
		{args: []string{"--dry-run=true"}, want: DryRunClient, warning: "--dry-run=true is deprecated (boolean value) and can be replaced with --dry-run=client."},
		{args: []string{"--dry-run=false"}, want: DryRunNone, warning: "--dry-run=false is deprecated (boolean value) and can be replaced with --dry-run=none."},
		{args: []string{"--dry-run=bogus"}, err: `Invalid dry-run value (bogus). Must be "none", "server", or "client".`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var d DryRunFlags
			fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
			d.AddFlags(fs)
			if fl := fs.Lookup("dry-run"); fl.DefValue != "none" || fl.NoOptDefVal != "unchanged" || fl.Usage != DryRunUsage {
				t.Errorf("--dry-run = %+v", fl)
			}
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			var warnings []string
			got, err := d.Strategy(func(s string) { warnings = append(warnings, s) })
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Strategy = %v, %v; want %v", got, err, tc.want)
			}
			if want := []string(nil); tc.warning != "" {
				want = []string{tc.warning}
				if !reflect.DeepEqual(warnings, want) {
					t.Errorf("warnings = %q, want %q", warnings, want)
				}
			} else if len(warnings) > 0 {
				t.Errorf("warnings = %q, want none", warnings)
			}
		})
	}
	for s, want := range map[DryRunStrategy]struct {
		suffix string
		server client.DryRun
	}{DryRunNone: {"", false}, DryRunClient: {" (dry run)", false}, DryRunServer: {" (server dry run)", true}} {
		if s.Suffix() != want.suffix || s.Server() != want.server {
			t.Errorf("%d: Suffix %q Server %v, want %q %v", s, s.Suffix(), s.Server(), want.suffix, want.server)
		}
	}
}

func TestFieldManagerFlags(t *testing.T) {
	m := FieldManagerFlags{FieldManager: "kubectl-patch"}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	m.AddFlags(fs)
	if fl := fs.Lookup("field-manager"); fl.DefValue != "kubectl-patch" {
		t.Errorf("default = %q", fl.DefValue)
	}
	if err := fs.Parse([]string{"--field-manager=ci"}); err != nil || m.FieldManager != "ci" {
		t.Errorf("FieldManager = %q, %v", m.FieldManager, err)
	}
}

func TestPrintFlags(t *testing.T) {
	tmpl := filepath.Join(t.TempDir(), "t.tmpl")
	if err := os.WriteFile(tmpl, []byte("{{.metadata.name}}"), 0o600); err != nil {
		t.Fatal(err)
	}
	obj := []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","managedFields":[{"manager":"m"}]}}`)
	for _, tc := range []struct {
		name    string
		p       PrintFlags
		args    []string
		format  Format
		objects bool
		out     string
		err     string
	}{
		{name: "default", format: Format{}},
		{name: "name", args: []string{"-o", "name"}, format: Format{Name: "name"}},
		{name: "json", args: []string{"-o", "json"}, format: Format{Name: "json"}, objects: true,
			out: "{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"ConfigMap\",\n    \"metadata\": {\n        \"name\": \"a\"\n    }\n}\n"},
		{name: "yaml with managed fields", args: []string{"-o", "yaml", "--show-managed-fields"}, format: Format{Name: "yaml"}, objects: true,
			out: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  managedFields:\n  - manager: m\n  name: a\n"},
		{name: "jsonpath", args: []string{"-o", "jsonpath={.kind}"}, format: Format{Name: "jsonpath", Arg: "{.kind}"}, objects: true, out: "ConfigMap"},
		{name: "template flag", args: []string{"--template", "{{.kind}}"}, format: Format{Name: "go-template", Arg: "{{.kind}}"}, objects: true, out: "ConfigMap"},
		{name: "templatefile", args: []string{"-o", "templatefile=" + tmpl}, format: Format{Name: "go-template", Arg: "{{.metadata.name}}"}, objects: true, out: "a"},
		{name: "no template", args: []string{"-o", "jsonpath"}, err: "template format specified but no template given"},
		{name: "unknown", args: []string{"-o", "wide"},
			err: `unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml`},
		{name: "narrow set", p: PrintFlags{Formats: []string{"json", "yaml", "name"}}, args: []string{"-o", "jsonpath={.a}"},
			err: `unable to match a printer suitable for the output format "jsonpath={.a}", allowed formats are: json,name,yaml`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
			tc.p.AddFlags(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			err := tc.p.Complete()
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.p.Format() != tc.format || tc.p.Objects() != tc.objects {
				t.Errorf("Format = %+v (objects %v), want %+v (%v)", tc.p.Format(), tc.p.Objects(), tc.format, tc.objects)
			}
			var out bytes.Buffer
			pr, err := tc.p.ToPrinter(&out, printers.ObjectOptions{Single: true})
			if err != nil {
				t.Fatal(err)
			}
			if (pr != nil) != tc.objects {
				t.Fatalf("printer = %v, want one: %v", pr, tc.objects)
			}
			if pr == nil {
				return
			}
			if err := pr.PrintObject(printers.Object{Raw: obj}); err != nil {
				t.Fatal(err)
			}
			if err := pr.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.out {
				t.Errorf("output %q, want %q", out.String(), tc.out)
			}
		})
	}
}

func TestPrintFlagsRegistersKubectlFlags(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	(&PrintFlags{}).AddFlags(fs)
	if got := fs.Lookup("output").Usage; got != "Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file)." {
		t.Errorf("-o usage = %q", got)
	}
	if fl := fs.Lookup("allow-missing-template-keys"); fl == nil || fl.DefValue != "true" {
		t.Errorf("--allow-missing-template-keys = %+v", fl)
	}
	for _, name := range []string{"template", "show-managed-fields"} {
		if fs.Lookup(name) == nil {
			t.Errorf("--%s not registered", name)
		}
	}
	fs = pflag.NewFlagSet("x", pflag.ContinueOnError)
	(&PrintFlags{Formats: []string{"name"}, Usage: "u"}).AddFlags(fs)
	if fs.Lookup("template") != nil || fs.Lookup("output").Usage != "u" {
		t.Error("a name-only -o registers template flags or ignores its usage")
	}
}

func TestResultPrinter(t *testing.T) {
	deploy := discovery.Resource{Group: "apps", Version: "v1", Name: "deployments", Kind: "Deployment", Namespaced: true}
	cm := discovery.Resource{Version: "v1", Name: "configmaps", Kind: "ConfigMap", Namespaced: true}
	for _, tc := range []struct {
		name string
		p    ResultPrinter
		do   func(*ResultPrinter) error
		want string
	}{
		{name: "applied", do: func(p *ResultPrinter) error {
			return p.Print(client.Ref{Type: deploy, Namespace: "ns", Name: "web"}, "serverside-applied")
		}, want: "deployment.apps/web serverside-applied\n"},
		{name: "server dry run", p: ResultPrinter{DryRun: DryRunServer}, do: func(p *ResultPrinter) error {
			return p.Print(client.Ref{Type: deploy, Name: "web"}, "created")
		}, want: "deployment.apps/web created (server dry run)\n"},
		{name: "client dry run", p: ResultPrinter{DryRun: DryRunClient}, do: func(p *ResultPrinter) error {
			return p.Print(client.Ref{Type: cm, Name: "c"}, "patched")
		}, want: "configmap/c patched (dry run)\n"},
		{name: "name", p: ResultPrinter{Name: true, DryRun: DryRunServer}, do: func(p *ResultPrinter) error {
			return p.Print(client.Ref{Type: deploy, Name: "web"}, "created")
		}, want: "deployment.apps/web\n"},
		{name: "quoted", p: ResultPrinter{DryRun: DryRunServer}, do: func(p *ResultPrinter) error {
			return p.PrintQuoted(client.Ref{Type: cm, Namespace: "ns", Name: "b"}, "deleted from ns namespace")
		}, want: "configmap \"b\" deleted from ns namespace (server dry run)\n"},
		{name: "quoted name", p: ResultPrinter{Name: true}, do: func(p *ResultPrinter) error {
			return p.PrintQuoted(client.Ref{Type: cm, Name: "b"}, "deleted")
		}, want: "configmap/b\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			tc.p.Out = &out
			if err := tc.do(&tc.p); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("got %q, want %q", out.String(), tc.want)
			}
		})
	}
}
