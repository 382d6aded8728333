package describe

import (
	"encoding/base64"
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/kubex-cli/kubex/internal/quantity"

	"github.com/kubex-cli/kubex/pkg/client"
)

func describeService(e *env, svc obj) (string, error) {
	slices, _ := e.list(slicesRes, svc.namespace(), client.ListOptions{LabelSelector: "kubernetes.io/service-name=" + svc.name()})
	events := e.events(svc)
	return tabbed(func(w *writer) error {
		spec := svc.m("spec")
		w.write(l0, "Name:\t%s\n", svc.name())
		w.write(l0, "Namespace:\t%s\n", svc.namespace())
		labelsMultiline(w, "Labels", svc.labels())
		annotationsMultiline(w, "Annotations", svc.annotations())
		w.write(l0, "Selector:\t%s\n", formatLabels(spec.strMap("selector")))
		w.write(l0, "Type:\t%s\n", spec.str("type"))
		if spec.has("ipFamilyPolicy") {
			w.write(l0, "IP Family Policy:\t%s\n", spec.str("ipFamilyPolicy"))
		}
		if fams := spec.strs("ipFamilies"); len(fams) > 0 {
			w.write(l0, "IP Families:\t%s\n", strings.Join(fams, ","))
		} else {
			w.write(l0, "IP Families:\t%s\n", "<none>")
		}
		w.write(l0, "IP:\t%s\n", spec.str("clusterIP"))
		if ips := spec.strs("clusterIPs"); len(ips) > 0 {
			w.write(l0, "IPs:\t%s\n", strings.Join(ips, ","))
		} else {
			w.write(l0, "IPs:\t%s\n", "<none>")
		}
		if ext := spec.strs("externalIPs"); len(ext) > 0 {
			w.write(l0, "External IPs:\t%v\n", strings.Join(ext, ","))
		}
		if s := spec.str("loadBalancerIP"); s != "" {
			w.write(l0, "Desired LoadBalancer IP:\t%s\n", s)
		}
		if s := spec.str("externalName"); s != "" {
			w.write(l0, "External Name:\t%s\n", s)
		}
		if ing := svc.list("status", "loadBalancer", "ingress"); len(ing) > 0 {
			var parts []string
			for _, i := range ing {
				if ip := i.str("ip"); ip != "" {
					if m := i.str("ipMode"); m != "" {
						ip += fmt.Sprintf(" (%s)", m)
					}
					parts = append(parts, ip)
				} else {
					parts = append(parts, i.str("hostname"))
				}
			}
			w.write(l0, "LoadBalancer Ingress:\t%s\n", strings.Join(parts, ", "))
		}
		for _, sp := range spec.list("ports") {
			name := sp.str("name")
			if name == "" {
				name = "<unset>"
			}
			proto := sp.str("protocol")
			w.write(l0, "Port:\t%s\t%d/%s\n", name, sp.num("port"), proto)
			w.write(l0, "TargetPort:\t%s/%s\n", sp.str("targetPort"), proto)
			if np := sp.num("nodePort"); np != 0 {
				w.write(l0, "NodePort:\t%s\t%d/%s\n", name, np, proto)
			}
			w.write(l0, "Endpoints:\t%s\n", formatEndpointSlices(slices, sp.str("name")))
		}
		w.write(l0, "Session Affinity:\t%s\n", spec.str("sessionAffinity"))
		if s := spec.str("externalTrafficPolicy"); s != "" {
			w.write(l0, "External Traffic Policy:\t%s\n", s)
		}
		if spec.has("internalTrafficPolicy") {
			w.write(l0, "Internal Traffic Policy:\t%s\n", spec.str("internalTrafficPolicy"))
		}
		if n := spec.num("healthCheckNodePort"); n != 0 {
			w.write(l0, "HealthCheck NodePort:\t%d\n", n)
		}
		if r := spec.strs("loadBalancerSourceRanges"); len(r) > 0 {
			w.write(l0, "LoadBalancer Source Ranges:\t%v\n", strings.Join(r, ","))
		}
		if spec.has("trafficDistribution") {
			w.write(l0, "Traffic Distribution:\t%s\n", spec.str("trafficDistribution"))
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

// formatEndpointSlices lists up to three ready endpoints of the port named port, as kubectl does.
func formatEndpointSlices(slices []obj, port string) string {
	if len(slices) == 0 {
		return "<none>"
	}
	var list []string
	const max = 3
	more, count := false, 0
	ready := func(ep obj) bool { return !ep.has("conditions", "ready") || ep.boolean("conditions", "ready") }
	for _, s := range slices {
		ports := s.list("ports")
		if len(ports) == 0 {
			for _, ep := range s.list("endpoints") {
				if len(list) == max {
					more = true
				}
				if !ready(ep) {
					continue
				}
				if !more {
					list = append(list, first(ep.strs("addresses")))
				}
				count++
			}
			continue
		}
		for _, p := range ports {
			if p.str("name") != port {
				continue
			}
			for _, ep := range s.list("endpoints") {
				if len(list) == max {
					more = true
				}
				if !ready(ep) {
					continue
				}
				if !more {
					list = append(list, net.JoinHostPort(first(ep.strs("addresses")), strconv.FormatInt(p.num("port"), 10)))
				}
				count++
			}
		}
	}
	ret := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", ret, count-max)
	}
	return ret
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func describeNamespace(e *env, ns obj) (string, error) {
	quotas, err := e.list(quotasRes, ns.name(), client.ListOptions{})
	if err != nil && !client.IsNotFound(err) {
		return "", err
	}
	haveQuotas := err == nil
	limits, err := e.list(limitsRes, ns.name(), client.ListOptions{})
	if err != nil && !client.IsNotFound(err) {
		return "", err
	}
	haveLimits := err == nil
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", ns.name())
		labelsMultiline(w, "Labels", ns.labels())
		annotationsMultiline(w, "Annotations", ns.annotations())
		w.write(l0, "Status:\t%s\n", ns.str("status", "phase"))
		if conds := ns.list("status", "conditions"); len(conds) > 0 {
			w.write(l0, "Conditions:\n")
			w.write(l1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
			w.write(l1, "----\t------\t------------------\t------\t-------\n")
			for _, c := range conds {
				w.write(l1, "%v\t%v\t%s\t%v\t%v\n", c.str("type"), c.str("status"), rfc1123z(c.str("lastTransitionTime")), c.str("reason"), c.str("message"))
			}
		}
		if haveQuotas {
			w.write(l0, "\n")
			describeResourceQuotas(w, quotas)
		}
		if haveLimits {
			w.write(l0, "\n")
			describeLimitRanges(w, limits)
		}
		return nil
	})
}

var quotaScopeHelp = map[string]string{
	"Terminating":    "Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.",
	"NotTerminating": "Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.",
	"BestEffort":     "Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.",
	"NotBestEffort":  "Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.",
}

func describeResourceQuotas(w *writer, quotas []obj) {
	if len(quotas) == 0 {
		w.write(l0, "No resource quota.\n")
		return
	}
	sort.SliceStable(quotas, func(i, j int) bool { return quotas[i].name() < quotas[j].name() })
	w.write(l0, "Resource Quotas\n")
	for _, q := range quotas {
		w.write(l1, "Name:\t%s\n", q.name())
		if scopes := q.strs("spec", "scopes"); len(scopes) > 0 {
			sort.Strings(scopes)
			w.write(l1, "Scopes:\t%s\n", strings.Join(scopes, ", "))
			for _, s := range scopes {
				if h := quotaScopeHelp[s]; h != "" {
					w.write(l1, "* %s\n", h)
				}
			}
		}
		w.write(l1, "Resource\tUsed\tHard\n")
		w.write(l1, "--------\t---\t---\n")
		hard, used := q.m("status", "hard"), q.m("status", "used")
		for _, r := range sortedKeys(hard) {
			w.write(l1, "%s\t%s\t%s\n", r, canonical(used.str(r)), canonical(hard.str(r)))
		}
	}
}

// canonical is a quantity string in canonical form ("0" when empty).
func canonical(s string) string {
	if s == "" {
		return "0"
	}
	q, err := quantity.Parse(s)
	if err != nil {
		return s
	}
	return q.String()
}

func describeLimitRanges(w *writer, limits []obj) {
	if len(limits) == 0 {
		w.write(l0, "No LimitRange resource.\n")
		return
	}
	w.write(l0, "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n")
	w.write(l0, " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n")
	for _, lr := range limits {
		describeLimitRangeSpec(w, lr, " ")
	}
}

func describeLimitRangeSpec(w *writer, lr obj, prefix string) {
	for _, item := range lr.list("spec", "limits") {
		fields := []string{"min", "max", "defaultRequest", "default", "maxLimitRequestRatio"}
		set := map[string]bool{}
		for _, f := range fields {
			for k := range item.m(f) {
				set[k] = true
			}
		}
		for _, k := range sortedKeys(set) {
			vals := make([]any, 0, 7)
			vals = append(vals, prefix, item.str("type"), k)
			for _, f := range fields {
				v := "-"
				if item.has(f, k) {
					v = canonical(item.str(f, k))
				}
				vals = append(vals, v)
			}
			w.write(l0, "%s%s\t%v\t%v\t%v\t%v\t%v\t%v\n", vals...)
		}
	}
}

func describeConfigMap(e *env, cm obj) (string, error) {
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", cm.name())
		w.write(l0, "Namespace:\t%s\n", cm.namespace())
		labelsMultiline(w, "Labels", cm.labels())
		annotationsMultiline(w, "Annotations", cm.annotations())
		w.write(l0, "\nData\n====\n")
		data := cm.strMap("data")
		for _, k := range sortedKeys(data) {
			w.write(l0, "%s:\n----\n", k)
			w.write(l0, "%s\n", data[k])
			w.write(l0, "\n")
		}
		w.write(l0, "\nBinaryData\n====\n")
		bin := cm.strMap("binaryData")
		for _, k := range sortedKeys(bin) {
			w.write(l0, "%s: %s bytes\n", k, strconv.Itoa(decodedLen(bin[k])))
		}
		w.write(l0, "\n")
		if e.showEvents {
			evs, err := searchEvents(e.ctx, e.c.Resource(eventsRes, cm.namespace()), eventQuery{name: cm.name(), namespace: cm.namespace(), kind: "ConfigMap", uid: cm.uid(), withKind: true, withUID: cm.uid() != ""}, e.chunk)
			if err != nil {
				return err
			}
			describeEvents(evs, w)
		}
		return nil
	})
}

func decodedLen(b64 string) int {
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return len(b64)
	}
	return len(b)
}

func describeSecret(_ *env, s obj) (string, error) {
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", s.name())
		w.write(l0, "Namespace:\t%s\n", s.namespace())
		labelsMultiline(w, "Labels", s.labels())
		annotationsMultiline(w, "Annotations", s.annotations())
		typ := s.str("type")
		w.write(l0, "\nType:\t%s\n", typ)
		w.write(l0, "\nData\n====\n")
		data := s.strMap("data")
		for _, k := range sortedKeys(data) {
			if k == "token" && typ == "kubernetes.io/service-account-token" {
				b, _ := base64.StdEncoding.DecodeString(data[k])
				w.write(l0, "%s:\t%s\n", k, string(b))
				continue
			}
			w.write(l0, "%s:\t%d bytes\n", k, decodedLen(data[k]))
		}
		return nil
	})
}

func describeServiceAccount(e *env, sa obj) (string, error) {
	var tokens []string
	missing := map[string]bool{}
	secrets, err := e.list(secretsRes, sa.namespace(), client.ListOptions{})
	if err == nil {
		existing := map[string]bool{}
		for _, s := range secrets {
			if s.str("type") == "kubernetes.io/service-account-token" {
				a := s.annotations()
				if a["kubernetes.io/service-account.name"] == sa.name() && a["kubernetes.io/service-account.uid"] == sa.uid() {
					tokens = append(tokens, s.name())
				}
			}
			existing[s.name()] = true
		}
		for _, f := range []string{"secrets", "imagePullSecrets"} {
			for _, s := range sa.list(f) {
				if !existing[s.str("name")] {
					missing[s.str("name")] = true
				}
			}
		}
	}
	events := e.events(sa)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", sa.name())
		w.write(l0, "Namespace:\t%s\n", sa.namespace())
		labelsMultiline(w, "Labels", sa.labels())
		annotationsMultiline(w, "Annotations", sa.annotations())
		names := func(f string) []string {
			var out []string
			for _, s := range sa.list(f) {
				out = append(out, s.str("name"))
			}
			return out
		}
		const empty = "                   "
		for _, sec := range []struct {
			header string
			names  []string
		}{{"Image pull secrets:", names("imagePullSecrets")}, {"Mountable secrets: ", names("secrets")}, {"Tokens:            ", tokens}} {
			if len(sec.names) == 0 {
				w.write(l0, "%s\t<none>\n", sec.header)
				continue
			}
			prefix := sec.header
			for _, n := range sec.names {
				if missing[n] {
					w.write(l0, "%s\t%s (not found)\n", prefix, n)
				} else {
					w.write(l0, "%s\t%s\n", prefix, n)
				}
				prefix = empty
			}
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}
