package describe

import (
	"fmt"

	"strconv"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client"
)

var servicesRes = core("services", "Service", true)

func describeEndpoints(e *env, ep obj) (string, error) {
	events := e.events(ep)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", ep.name())
		w.write(l0, "Namespace:\t%s\n", ep.namespace())
		labelsMultiline(w, "Labels", ep.labels())
		annotationsMultiline(w, "Annotations", ep.annotations())
		w.write(l0, "Subsets:\n")
		ips := func(addrs []obj) string {
			var s []string
			for _, a := range addrs {
				s = append(s, a.str("ip"))
			}
			if len(s) == 0 {
				return "<none>"
			}
			return strings.Join(s, ",")
		}
		for _, ss := range ep.list("subsets") {
			w.write(l1, "Addresses:\t%s\n", ips(ss.list("addresses")))
			w.write(l1, "NotReadyAddresses:\t%s\n", ips(ss.list("notReadyAddresses")))
			if ports := ss.list("ports"); len(ports) > 0 {
				w.write(l1, "Ports:\n")
				w.write(l2, "Name\tPort\tProtocol\n")
				w.write(l2, "----\t----\t--------\n")
				for _, p := range ports {
					name := p.str("name")
					if name == "" {
						name = "<unset>"
					}
					w.write(l2, "%s\t%d\t%s\n", name, p.num("port"), p.str("protocol"))
				}
			}
			w.write(l0, "\n")
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func describeIngress(e *env, ing obj) (string, error) {
	events := e.events(ing)
	ns := ing.namespace()
	spec := ing.m("spec")
	defaultBackend := "<default>"
	if def := spec.m("defaultBackend"); def != nil {
		defaultBackend = e.ingressBackend(ns, def)
	}
	type path struct{ path, backend string }
	type rule struct {
		host  string
		paths []path
	}
	var rules []rule
	for _, r := range spec.list("rules") {
		if !r.has("http") {
			continue
		}
		host := r.str("host")
		if host == "" {
			host = "*"
		}
		ru := rule{host: host}
		for _, p := range r.list("http", "paths") {
			ru.paths = append(ru.paths, path{p.str("path"), e.ingressBackend(ns, p.m("backend"))})
		}
		rules = append(rules, ru)
	}
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%v\n", ing.name())
		labelsMultiline(w, "Labels", ing.labels())
		w.write(l0, "Namespace:\t%v\n", ns)
		w.write(l0, "Address:\t%v\n", ingressAddress(ing.list("status", "loadBalancer", "ingress")))
		class := "<none>"
		if spec.has("ingressClassName") {
			class = spec.str("ingressClassName")
		}
		w.write(l0, "Ingress Class:\t%v\n", class)
		w.write(l0, "Default backend:\t%s\n", defaultBackend)
		if tls := spec.list("tls"); len(tls) > 0 {
			w.write(l0, "TLS:\n")
			for _, t := range tls {
				if s := t.str("secretName"); s == "" {
					w.write(l1, "SNI routes %v\n", strings.Join(t.strs("hosts"), ","))
				} else {
					w.write(l1, "%v terminates %v\n", s, strings.Join(t.strs("hosts"), ","))
				}
			}
		}
		w.write(l0, "Rules:\n  Host\tPath\tBackends\n")
		w.write(l1, "----\t----\t--------\n")
		for _, r := range rules {
			w.write(l1, "%s\t\n", r.host)
			for _, p := range r.paths {
				w.write(l2, "\t%s \t%s\n", p.path, p.backend)
			}
		}
		if len(rules) == 0 {
			w.write(l1, "%s\t%s\t%s\n", "*", "*", defaultBackend)
		}
		annotationsMultiline(w, "Annotations", ing.annotations())
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

// ingressAddress is the load balancer's IPs or host names, sorted and unique.
func ingressAddress(ingress []obj) string {
	set := map[string]bool{}
	for _, i := range ingress {
		if ip := i.str("ip"); ip != "" {
			set[ip] = true
		} else if h := i.str("hostname"); h != "" {
			set[h] = true
		}
	}
	return strings.Join(sortedKeys(set), ",")
}

// ingressBackend is "service:port (endpoints)" for a service backend, the resource for a resource one.
func (e *env) ingressBackend(ns string, b obj) string {
	if svc := b.m("service"); svc != nil {
		port := svc.str("port", "name")
		num := svc.num("port", "number")
		if num != 0 {
			port = strconv.FormatInt(num, 10)
		}
		sb := fmt.Sprintf("%v:%v", svc.str("name"), port)
		slices, err := e.list(slicesRes, ns, client.ListOptions{LabelSelector: "kubernetes.io/service-name=" + svc.str("name")})
		if err != nil {
			return fmt.Sprintf("%v (<error: %v>)", sb, err)
		}
		raw, err := e.c.Resource(servicesRes, ns).Get(e.ctx, svc.str("name"), client.GetOptions{})
		if err != nil {
			return fmt.Sprintf("%v (<error: %v>)", sb, err)
		}
		service, err := decodeObj(raw)
		if err != nil {
			return fmt.Sprintf("%v (<error: %v>)", sb, err)
		}
		spName := ""
		for _, sp := range service.list("spec", "ports") {
			if num != 0 && num == sp.num("port") {
				spName = sp.str("name")
			} else if n := svc.str("port", "name"); n != "" && n == sp.str("name") {
				spName = sp.str("name")
			}
		}
		return fmt.Sprintf("%s (%s)", sb, formatEndpointSlices(slices, spName))
	}
	if r := b.m("resource"); r != nil {
		group := "<none>"
		if r.has("apiGroup") {
			group = r.str("apiGroup")
		}
		return fmt.Sprintf("APIGroup: %v, Kind: %v, Name: %v", group, r.str("kind"), r.str("name"))
	}
	return ""
}
