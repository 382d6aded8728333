package create

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

func init() {
	extraGenerators = append(extraGenerators, newCmdIngress)
}

type backendPort struct {
	Name   string `json:"name,omitempty"`
	Number int32  `json:"number,omitempty"`
}

type ingressBackend struct {
	Service *struct {
		Name string      `json:"name"`
		Port backendPort `json:"port"`
	} `json:"service,omitempty"`
}

type ingressPath struct {
	Path     string         `json:"path,omitempty"`
	PathType string         `json:"pathType"`
	Backend  ingressBackend `json:"backend"`
}

type ingressRule struct {
	Host string `json:"host,omitempty"`
	HTTP *struct {
		Paths []ingressPath `json:"paths"`
	} `json:"http,omitempty"`
}

type ingressTLS struct {
	Hosts      []string `json:"hosts,omitempty"`
	SecretName string   `json:"secretName,omitempty"`
}

type ingressObj struct {
	base
	Spec struct {
		IngressClassName *string         `json:"ingressClassName,omitempty"`
		DefaultBackend   *ingressBackend `json:"defaultBackend,omitempty"`
		TLS              []ingressTLS    `json:"tls,omitempty"`
		Rules            []ingressRule   `json:"rules,omitempty"`
	} `json:"spec"`
	Status struct {
		LoadBalancer struct{} `json:"loadBalancer"`
	} `json:"status"`
}

var ingressRuleRE = regexp.MustCompile(`^(?P<host>[\w\*\-\.]*)(?P<path>/.*)=(?P<svcname>[\w\-]+):(?P<svcport>[\w\-]+)(,(?P<istls>tls)=?(?P<secretname>[\w\-]+)?)?`)

func newCmdIngress(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	o := newCommon(f, streams)
	var class, defaultBackend string
	var rules, annotations []string
	cmd := newGenerator(&o, genSpec{
		use:     "ingress NAME --rule=host/path=service:port[,tls[=secret]] ",
		aliases: []string{"ing"},
		short:   "Create an ingress with the specified name",
		long:    "Create an ingress with the specified name.",
		example: `  # Create a single ingress called 'simple' that directs requests to foo.com/bar to svc
  # svc1:8080 with a TLS secret "my-cert"
  kubex create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"

  # Create a catch all ingress of "/path" pointing to service svc:port and Ingress Class as "otheringress"
  kubex create ingress catch-all --class=otheringress --rule="/path=svc:port"

  # Create an ingress with two annotations: ingress.annotation1 and ingress.annotations2
  kubex create ingress annotated --class=default --rule="foo.com/bar=svc:port" \
  --annotation ingress.annotation1=foo \
  --annotation ingress.annotation2=bla

  # Create an ingress with the same host and multiple paths
  kubex create ingress multipath --class=default \
  --rule="foo.com/=svc:port" \
  --rule="foo.com/admin/=svcadmin:portadmin"

  # Create an ingress with multiple hosts and the pathType as Prefix
  kubex create ingress ingress1 --class=default \
  --rule="foo.com/path*=svc:8080" \
  --rule="bar.com/admin*=svc2:http"

  # Create an ingress with TLS enabled using the default ingress certificate and different path types
  kubex create ingress ingtls --class=default \
  --rule="foo.com/=svc:https,tls" \
  --rule="foo.com/path/subpath*=othersvc:8080"

  # Create an ingress with TLS enabled using a specific secret and pathType as Prefix
  kubex create ingress ingsecret --class=default \
  --rule="foo.com/*=svc:8080,tls=secret1"

  # Create an ingress with a default backend
  kubex create ingress ingdefault --class=default \
  --default-backend=defaultsvc:http \
  --rule="foo.com/*=svc:8080,tls=secret1"`,
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			if defaultBackend == "" && len(rules) == 0 {
				return nil, errors.New("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)")
			}
			for _, r := range rules {
				if !ingressRuleRE.MatchString(r) {
					return nil, fmt.Errorf("rule %s is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]", r)
				}
			}
			for _, a := range annotations {
				if !strings.Contains(a, "=") {
					return nil, fmt.Errorf("annotation %s is invalid and should be in format key=[value]", a)
				}
			}
			if defaultBackend != "" && len(strings.Split(defaultBackend, ":")) != 2 {
				return nil, errors.New("default-backend should be in format servicename:serviceport")
			}
			ing := &ingressObj{base: newBase("networking.k8s.io/v1", "Ingress", name, o.enforced())}
			for _, a := range annotations {
				k, v, _ := strings.Cut(a, "=")
				if ing.Metadata.Annotations == nil {
					ing.Metadata.Annotations = map[string]string{}
				}
				ing.Metadata.Annotations[k] = v
			}
			if class != "" {
				ing.Spec.IngressClassName = &class
			}
			if defaultBackend != "" {
				b := newIngressBackend(defaultBackend)
				ing.Spec.DefaultBackend = &b
			}
			ing.Spec.TLS = ingressTLSRules(rules)
			ing.Spec.Rules = ingressRules(rules)
			return ing, nil
		},
		wrap: wrapf("failed to create ingress: "),
	})
	fs := cmd.Flags()
	fs.StringVar(&class, "class", "", "Ingress Class to be used")
	fs.StringArrayVar(&rules, "rule", nil, "Rule in format host/path=service:port[,tls=secretname]. Paths containing the leading character '*' are considered pathType=Prefix. tls argument is optional.")
	fs.StringVar(&defaultBackend, "default-backend", "", "Default service for backend, in format of svcname:port")
	fs.StringArrayVar(&annotations, "annotation", nil, "Annotation to insert in the ingress object, in the format annotation=value")
	return cmd
}

// newIngressBackend is "service:port", the port a number or a name.
func newIngressBackend(service string) ingressBackend {
	parts := strings.Split(service, ":")
	var b ingressBackend
	b.Service = &struct {
		Name string      `json:"name"`
		Port backendPort `json:"port"`
	}{Name: parts[0]}
	if p := parseIntOrString(parts[1]); p.isString {
		b.Service.Port.Name = p.str
	} else {
		b.Service.Port.Number = p.num
	}
	return b
}

// ingressTLSRules groups the hosts of the rules with ",tls[=secret]" by secret, as kubectl does.
func ingressTLSRules(rules []string) []ingressTLS {
	seen := map[string]bool{}
	var out []ingressTLS
	for _, rule := range rules {
		tls := strings.Split(rule, ",")
		if len(tls) != 2 {
			continue
		}
		host := strings.SplitN(rule, "/", 2)[0]
		secret := ""
		if s := strings.Split(tls[1], "="); len(s) > 1 {
			secret = s[1]
		}
		if seen[host] {
			continue
		}
		seen[host] = true
		idx := -1
		for i, t := range out {
			if t.SecretName == secret {
				idx = i
				break
			}
		}
		if idx > -1 {
			out[idx].Hosts = append(out[idx].Hosts, host)
			continue
		}
		var t ingressTLS
		if host != "" {
			t.Hosts = append(t.Hosts, host)
		}
		t.SecretName = secret
		if t.SecretName != "" || len(t.Hosts) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// ingressRules are the rules of --rule, the paths of one host together.
func ingressRules(rules []string) []ingressRule {
	var out []ingressRule
	for _, rule := range rules {
		host, pathsvc, _ := strings.Cut(strings.Split(rule, ",")[0], "/")
		ps := strings.Split(pathsvc, "=")
		p := ingressPath{Path: "/" + ps[0], PathType: "Exact", Backend: newIngressBackend(ps[1])}
		if strings.HasSuffix(p.Path, "*") {
			p.PathType, p.Path = "Prefix", strings.TrimSuffix(p.Path, "*")
		}
		idx := -1
		for i, r := range out {
			if r.Host == host {
				idx = i
				break
			}
		}
		if idx > -1 {
			out[idx].HTTP.Paths = append(out[idx].HTTP.Paths, p)
			continue
		}
		r := ingressRule{Host: host}
		r.HTTP = &struct {
			Paths []ingressPath `json:"paths"`
		}{Paths: []ingressPath{p}}
		out = append(out, r)
	}
	return out
}
