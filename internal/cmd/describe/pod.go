package describe

import (
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"github.com/kubex-cli/kubex/internal/quantity"
)

func describePod(e *env, pod obj) (string, error) {
	var events []Event
	if e.showEvents {
		// kubectl asks for the pod's events without their kind; a mirror pod's by its mirror's uid.
		uid := pod.uid()
		if m, ok := pod.annotations()["kubernetes.io/config.mirror"]; ok {
			uid = m
		}
		events = e.eventsFor(eventQuery{name: pod.name(), namespace: pod.namespace(), uid: uid, withUID: uid != ""})
	}
	return tabbed(func(w *writer) error {
		spec, status := pod.m("spec"), pod.m("status")
		w.write(l0, "Name:\t%s\n", pod.name())
		w.write(l0, "Namespace:\t%s\n", pod.namespace())
		if spec.has("priority") {
			w.write(l0, "Priority:\t%d\n", spec.num("priority"))
		}
		if s := spec.str("priorityClassName"); s != "" {
			w.write(l0, "Priority Class Name:\t%s\n", s)
		}
		if s := spec.str("runtimeClassName"); s != "" {
			w.write(l0, "Runtime Class Name:\t%s\n", s)
		}
		if s := spec.str("serviceAccountName"); s != "" {
			w.write(l0, "Service Account:\t%s\n", s)
		}
		if n := spec.str("nodeName"); n == "" {
			w.write(l0, "Node:\t<none>\n")
		} else {
			w.write(l0, "Node:\t%s\n", n+"/"+status.str("hostIP"))
		}
		if st := status.str("startTime"); st != "" {
			w.write(l0, "Start Time:\t%s\n", rfc1123z(st))
		}
		labelsMultiline(w, "Labels", pod.labels())
		annotationsMultiline(w, "Annotations", pod.annotations())
		phase := status.str("phase")
		if dt := pod.str("metadata", "deletionTimestamp"); dt != "" && phase != "Failed" && phase != "Succeeded" {
			w.write(l0, "Status:\tTerminating (lasts %s)\n", since(dt))
			w.write(l0, "Termination Grace Period:\t%ds\n", pod.num("metadata", "deletionGracePeriodSeconds"))
		} else {
			w.write(l0, "Status:\t%s\n", phase)
		}
		if s := status.str("reason"); s != "" {
			w.write(l0, "Reason:\t%s\n", s)
		}
		if s := status.str("message"); s != "" {
			w.write(l0, "Message:\t%s\n", s)
		}
		if sp := spec.m("securityContext", "seccompProfile"); sp != nil {
			w.write(l0, "SeccompProfile:\t%s\n", sp.str("type"))
			if sp.str("type") == "Localhost" {
				w.write(l0, "LocalhostProfile:\t%s\n", sp.str("localhostProfile"))
			}
		}
		w.write(l0, "IP:\t%s\n", status.str("podIP"))
		describePodIPs(w, status.list("podIPs"), "")
		if c := controller(pod); c != "" {
			w.write(l0, "Controlled By:\t%s\n", c)
		}
		if s := status.str("nominatedNodeName"); s != "" {
			w.write(l0, "NominatedNodeName:\t%s\n", s)
		}
		if r := spec.m("resources"); r != nil {
			w.write(l0, "Resources:\n")
			describeResources(w, r, l1)
		}
		if ic := spec.list("initContainers"); len(ic) > 0 {
			describeContainers(w, "Init Containers", ic, status.list("initContainerStatuses"), pod, "")
		}
		describeContainers(w, "Containers", spec.list("containers"), status.list("containerStatuses"), pod, "")
		if ec := spec.list("ephemeralContainers"); len(ec) > 0 {
			describeContainers(w, "Ephemeral Containers", ec, status.list("ephemeralContainerStatuses"), pod, "")
		}
		conds := status.list("conditions")
		if gates := spec.list("readinessGates"); len(gates) > 0 {
			w.write(l0, "Readiness Gates:\n  Type\tStatus\n")
			for _, g := range gates {
				st := "<none>"
				for _, c := range conds {
					if c.str("type") == g.str("conditionType") {
						st = c.str("status")
						break
					}
				}
				w.write(l1, "%v \t%v \n", g.str("conditionType"), st)
			}
		}
		if len(conds) > 0 {
			w.write(l0, "Conditions:\n  Type\tStatus\n")
			for _, c := range conds {
				w.write(l1, "%v \t%v \n", c.str("type"), c.str("status"))
			}
		}
		describeVolumes(w, spec.list("volumes"), "")
		w.write(l0, "QoS Class:\t%s\n", qosClass(pod))
		labelsMultiline(w, "Node-Selectors", spec.strMap("nodeSelector"))
		tolerationsMultiline(w, "", "Tolerations", "\t", spec.list("tolerations"))
		describeTopologySpread(w, spec.list("topologySpreadConstraints"), "")
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func describePodIPs(w *writer, ips []obj, space string) {
	if len(ips) == 0 {
		w.write(l0, "%sIPs:\t<none>\n", space)
		return
	}
	w.write(l0, "%sIPs:\n", space)
	for _, ip := range ips {
		w.write(l1, "IP:\t%s\n", ip.str("ip"))
	}
}

func describeTopologySpread(w *writer, tscs []obj, space string) {
	if len(tscs) == 0 {
		return
	}
	sort.SliceStable(tscs, func(i, j int) bool { return tscs[i].str("topologyKey") < tscs[j].str("topologyKey") })
	w.write(l0, "%sTopology Spread Constraints:\t", space)
	for i, t := range tscs {
		if i != 0 {
			w.write(l0, "%s", space)
			w.write(l0, "%s", "\t")
		}
		w.write(l0, "%s:", t.str("topologyKey"))
		w.write(l0, "%v", t.str("whenUnsatisfiable"))
		w.write(l0, " when max skew %d is exceeded", t.num("maxSkew"))
		if ls := t.m("labelSelector"); ls != nil {
			w.write(l0, " for selector %s", formatLabelSelector(ls))
		}
		w.write(l0, "\n")
	}
}

func describeResources(w *writer, r obj, level int) {
	if lim := r.m("limits"); len(lim) > 0 {
		w.write(level, "Limits:\n")
		resourceList(w, level+1, lim)
	}
	if req := r.m("requests"); len(req) > 0 {
		w.write(level, "Requests:\n")
		resourceList(w, level+1, req)
	}
}

func describeContainers(w *writer, label string, containers, statuses []obj, pod obj, space string) {
	byName := map[string]obj{}
	for _, s := range statuses {
		byName[s.str("name")] = s
	}
	none := ""
	if len(containers) == 0 {
		none = " <none>"
	}
	w.write(l0, "%s%s:%s\n", space, label, none)
	for _, c := range containers {
		st, ok := byName[c.str("name")]
		nameIndent := ""
		if space != "" {
			nameIndent = " "
		}
		w.write(l1, "%s%v:\n", nameIndent, c.str("name"))
		if ok {
			w.write(l2, "Container ID:\t%s\n", st.str("containerID"))
		}
		w.write(l2, "Image:\t%s\n", c.str("image"))
		if ok {
			w.write(l2, "Image ID:\t%s\n", st.str("imageID"))
		}
		ports, hostPorts := containerPorts(c.list("ports"))
		if strings.Contains(ports, ",") {
			w.write(l2, "Ports:\t%s\n", ports)
		} else {
			w.write(l2, "Port:\t%s\n", stringOrNone(ports))
		}
		if strings.Contains(hostPorts, ",") {
			w.write(l2, "Host Ports:\t%s\n", hostPorts)
		} else {
			w.write(l2, "Host Port:\t%s\n", stringOrNone(hostPorts))
		}
		if sp := c.m("securityContext", "seccompProfile"); sp != nil {
			w.write(l2, "SeccompProfile:\t%s\n", sp.str("type"))
			if sp.str("type") == "Localhost" {
				w.write(l3, "LocalhostProfile:\t%s\n", sp.str("localhostProfile"))
			}
		}
		if cmd := c.strs("command"); len(cmd) > 0 {
			w.write(l2, "Command:\n")
			for _, s := range cmd {
				for _, line := range strings.Split(s, "\n") {
					w.write(l3, "%s\n", line)
				}
			}
		}
		if args := c.strs("args"); len(args) > 0 {
			w.write(l2, "Args:\n")
			for _, s := range args {
				for _, line := range strings.Split(s, "\n") {
					w.write(l3, "%s\n", line)
				}
			}
		}
		if ok {
			containerState(w, "State", st.m("state"))
			if st.has("lastState", "terminated") {
				containerState(w, "Last State", st.m("lastState"))
			}
			w.write(l2, "Ready:\t%v\n", printBool(st.boolean("ready")))
			w.write(l2, "Restart Count:\t%d\n", st.num("restartCount"))
		}
		describeResources(w, c.m("resources"), l2)
		for _, p := range []struct{ field, label string }{{"livenessProbe", "Liveness"}, {"readinessProbe", "Readiness"}, {"startupProbe", "Startup"}} {
			if pr := c.m(p.field); pr != nil {
				w.write(l2, "%s:\t%s\n", p.label, describeProbe(pr))
			}
		}
		if envFrom := c.list("envFrom"); len(envFrom) > 0 {
			w.write(l2, "Environment Variables from:\n")
			for _, ef := range envFrom {
				from, name, optional := "", "", false
				if r := ef.m("configMapRef"); r != nil {
					from, name, optional = "ConfigMap", r.str("name"), r.boolean("optional")
				} else if r := ef.m("secretRef"); r != nil {
					from, name, optional = "Secret", r.str("name"), r.boolean("optional")
				}
				if p := ef.str("prefix"); p == "" {
					w.write(l3, "%s\t%s\tOptional: %t\n", name, from, optional)
				} else {
					w.write(l3, "%s\t%s with prefix '%s'\tOptional: %t\n", name, from, p, optional)
				}
			}
		}
		containerEnv(w, c, pod)
		containerMounts(w, c)
	}
}

func containerPorts(ports []obj) (string, string) {
	var cp, hp []string
	for _, p := range ports {
		proto := p.str("protocol")
		c := fmt.Sprintf("%d/%s", p.num("containerPort"), proto)
		h := fmt.Sprintf("%d/%s", p.num("hostPort"), proto)
		if n := p.str("name"); n != "" {
			c = fmt.Sprintf("%s (%s)", c, n)
			h = fmt.Sprintf("%s (%s)", h, n)
		}
		cp, hp = append(cp, c), append(hp, h)
	}
	return strings.Join(cp, ", "), strings.Join(hp, ", ")
}

func containerState(w *writer, name string, state obj) {
	switch {
	case state.has("running"):
		w.write(l2, "%s:\tRunning\n", name)
		w.write(l3, "Started:\t%v\n", rfc1123z(state.str("running", "startedAt")))
	case state.has("waiting"):
		w.write(l2, "%s:\tWaiting\n", name)
		if r := state.str("waiting", "reason"); r != "" {
			w.write(l3, "Reason:\t%s\n", r)
		}
	case state.has("terminated"):
		t := state.m("terminated")
		w.write(l2, "%s:\tTerminated\n", name)
		if r := t.str("reason"); r != "" {
			w.write(l3, "Reason:\t%s\n", r)
		}
		if m := t.str("message"); m != "" {
			w.write(l3, "Message:\t%s\n", m)
		}
		w.write(l3, "Exit Code:\t%d\n", t.num("exitCode"))
		if s := t.num("signal"); s > 0 {
			w.write(l3, "Signal:\t%d\n", s)
		}
		w.write(l3, "Started:\t%s\n", rfc1123z(t.str("startedAt")))
		w.write(l3, "Finished:\t%s\n", rfc1123z(t.str("finishedAt")))
	default:
		w.write(l2, "%s:\tWaiting\n", name)
	}
}

func describeProbe(p obj) string {
	attrs := fmt.Sprintf("delay=%ds timeout=%ds period=%ds #success=%d #failure=%d", p.num("initialDelaySeconds"),
		p.num("timeoutSeconds"), p.num("periodSeconds"), p.num("successThreshold"), p.num("failureThreshold"))
	switch {
	case p.has("exec"):
		return fmt.Sprintf("exec [%s] %s", strings.Join(p.strs("exec", "command"), " "), attrs)
	case p.has("httpGet"):
		h := p.m("httpGet")
		u := &url.URL{Scheme: strings.ToLower(h.str("scheme")), Path: h.str("path")}
		if port := h.str("port"); port != "" {
			u.Host = net.JoinHostPort(h.str("host"), port)
		} else {
			u.Host = h.str("host")
		}
		return fmt.Sprintf("http-get %s %s", u.String(), attrs)
	case p.has("tcpSocket"):
		return fmt.Sprintf("tcp-socket %s:%s %s", p.str("tcpSocket", "host"), p.str("tcpSocket", "port"), attrs)
	case p.has("grpc"):
		return fmt.Sprintf("grpc <pod>:%d %s %s", p.num("grpc", "port"), p.str("grpc", "service"), attrs)
	}
	return fmt.Sprintf("unknown %s", attrs)
}

func containerEnv(w *writer, c obj, pod obj) {
	env := c.list("env")
	none := ""
	if len(env) == 0 {
		none = "\t<none>"
	}
	w.write(l2, "Environment:%s\n", none)
	for _, e := range env {
		name := e.str("name")
		vf := e.m("valueFrom")
		if vf == nil {
			for i, s := range strings.Split(e.str("value"), "\n") {
				if i == 0 {
					w.write(l3, "%s:\t%s\n", name, s)
				} else {
					w.write(l3, "\t%s\n", s)
				}
			}
			continue
		}
		switch {
		case vf.has("fieldRef"):
			fr := vf.m("fieldRef")
			value := ""
			if pod != nil {
				value = fieldPathValue(pod, fr.str("fieldPath"))
			}
			w.write(l3, "%s:\t%s (%s:%s)\n", name, value, fr.str("apiVersion"), fr.str("fieldPath"))
		case vf.has("resourceFieldRef"):
			rf := vf.m("resourceFieldRef")
			value := containerResourceValue(c, rf)
			res := rf.str("resource")
			if value == "0" && (res == "limits.cpu" || res == "limits.memory") {
				value = "node allocatable"
			}
			w.write(l3, "%s:\t%s (%s)\n", name, value, res)
		case vf.has("secretKeyRef"):
			r := vf.m("secretKeyRef")
			w.write(l3, "%s:\t<set to the key '%s' in secret '%s'>\tOptional: %t\n", name, r.str("key"), r.str("name"), r.boolean("optional"))
		case vf.has("configMapKeyRef"):
			r := vf.m("configMapKeyRef")
			w.write(l3, "%s:\t<set to the key '%s' of config map '%s'>\tOptional: %t\n", name, r.str("key"), r.str("name"), r.boolean("optional"))
		}
	}
}

// fieldPathValue is a downward-API field of the pod as kubectl resolves it for describe.
func fieldPathValue(pod obj, path string) string {
	if rest, ok := strings.CutPrefix(path, "metadata.annotations['"); ok {
		return pod.annotations()[strings.TrimSuffix(rest, "']")]
	}
	if rest, ok := strings.CutPrefix(path, "metadata.labels['"); ok {
		return pod.labels()[strings.TrimSuffix(rest, "']")]
	}
	switch path {
	case "metadata.name":
		return pod.name()
	case "metadata.namespace":
		return pod.namespace()
	case "metadata.uid":
		return pod.uid()
	case "spec.nodeName":
		return pod.str("spec", "nodeName")
	case "spec.serviceAccountName":
		return pod.str("spec", "serviceAccountName")
	case "status.hostIP":
		return pod.str("status", "hostIP")
	case "status.podIP":
		return pod.str("status", "podIP")
	case "status.podIPs":
		var ips []string
		for _, ip := range pod.list("status", "podIPs") {
			ips = append(ips, ip.str("ip"))
		}
		return strings.Join(ips, ",")
	case "status.hostIPs":
		var ips []string
		for _, ip := range pod.list("status", "hostIPs") {
			ips = append(ips, ip.str("ip"))
		}
		return strings.Join(ips, ",")
	}
	return ""
}

// containerResourceValue resolves a resourceFieldRef against the container's own resources, as
// kubectl's ExtractContainerResourceValue (divisor applied).
func containerResourceValue(c obj, rf obj) string {
	res := rf.str("resource")
	kind, name, ok := strings.Cut(res, ".")
	if !ok {
		return ""
	}
	q := c.str("resources", kind, name)
	if q == "" {
		q = "0"
	}
	v, err := quantity.Parse(q)
	if err != nil {
		return ""
	}
	div := rf.str("divisor")
	if div == "" {
		div = "1"
		if name == "cpu" {
			div = "1"
		}
	}
	d, err := quantity.Parse(div)
	if err != nil || d.Sign() == 0 {
		return ""
	}
	return quantity.CeilDiv(v, d)
}

func containerMounts(w *writer, c obj) {
	mounts := c.list("volumeMounts")
	none := ""
	if len(mounts) == 0 {
		none = "\t<none>"
	}
	w.write(l2, "Mounts:%s\n", none)
	sort.SliceStable(mounts, func(i, j int) bool { return mounts[i].str("mountPath") < mounts[j].str("mountPath") })
	for _, m := range mounts {
		flags := []string{"rw"}
		if m.boolean("readOnly") {
			flags = []string{"ro"}
		}
		if sp := m.str("subPath"); sp != "" {
			flags = append(flags, fmt.Sprintf("path=%q", sp))
		}
		w.write(l3, "%s from %s (%s)\n", m.str("mountPath"), m.str("name"), strings.Join(flags, ","))
	}
	if devs := c.list("volumeDevices"); len(devs) > 0 {
		w.write(l2, "Devices:%s\n", none)
		sort.SliceStable(devs, func(i, j int) bool { return devs[i].str("devicePath") < devs[j].str("devicePath") })
		for _, d := range devs {
			w.write(l3, "%s from %s\n", d.str("devicePath"), d.str("name"))
		}
	}
}

func describeVolumes(w *writer, vols []obj, space string) {
	if len(vols) == 0 {
		w.write(l0, "%sVolumes:\t<none>\n", space)
		return
	}
	w.write(l0, "%sVolumes:\n", space)
	for _, v := range vols {
		nameIndent := ""
		if space != "" {
			nameIndent = " "
		}
		w.write(l1, "%s%v:\n", nameIndent, v.str("name"))
		switch {
		case v.has("hostPath"):
			t := v.str("hostPath", "type")
			if !v.has("hostPath", "type") {
				t = "<none>"
			}
			w.write(l2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%v\n    HostPathType:\t%v\n", v.str("hostPath", "path"), t)
		case v.has("emptyDir"):
			size := v.str("emptyDir", "sizeLimit")
			if q, err := quantity.Parse(size); size == "" || err != nil || q.Sign() <= 0 {
				size = "<unset>"
			}
			w.write(l2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t%v\n    SizeLimit:\t%v\n", v.str("emptyDir", "medium"), size)
		case v.has("secret"):
			w.write(l2, "Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t%v\n    Optional:\t%v\n", v.str("secret", "secretName"), v.boolean("secret", "optional"))
		case v.has("configMap"):
			w.write(l2, "Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t%v\n    Optional:\t%v\n", v.str("configMap", "name"), v.boolean("configMap", "optional"))
		case v.has("persistentVolumeClaim"):
			w.write(l2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t%v\n    ReadOnly:\t%v\n", v.str("persistentVolumeClaim", "claimName"), v.boolean("persistentVolumeClaim", "readOnly"))
		case v.has("downwardAPI"):
			w.write(l2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
			for _, it := range v.list("downwardAPI", "items") {
				if it.has("fieldRef") {
					w.write(l3, "%v -> %v\n", it.str("fieldRef", "fieldPath"), it.str("path"))
				}
				if it.has("resourceFieldRef") {
					w.write(l3, "%v -> %v\n", it.str("resourceFieldRef", "resource"), it.str("path"))
				}
			}
		case v.has("projected"):
			w.write(l2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
			for _, s := range v.list("projected", "sources") {
				switch {
				case s.has("secret"):
					w.write(l2, "SecretName:\t%v\n    Optional:\t%v\n", s.str("secret", "name"), s.boolean("secret", "optional"))
				case s.has("downwardAPI"):
					w.write(l2, "DownwardAPI:\ttrue\n")
				case s.has("configMap"):
					w.write(l2, "ConfigMapName:\t%v\n    Optional:\t%v\n", s.str("configMap", "name"), s.boolean("configMap", "optional"))
				case s.has("serviceAccountToken"):
					w.write(l2, "TokenExpirationSeconds:\t%d\n", s.num("serviceAccountToken", "expirationSeconds"))
				}
			}
		case v.has("nfs"):
			w.write(l2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t%v\n    Path:\t%v\n    ReadOnly:\t%v\n", v.str("nfs", "server"), v.str("nfs", "path"), v.boolean("nfs", "readOnly"))
		case v.has("gitRepo"):
			w.write(l2, "Type:\tGitRepo (a volume that is pulled from git when the pod is created)\n    Repository:\t%v\n    Revision:\t%v\n", v.str("gitRepo", "repository"), v.str("gitRepo", "revision"))
		case v.has("csi"):
			csi := v.m("csi")
			ro := false
			if csi.has("readOnly") {
				ro = csi.boolean("readOnly")
			}
			w.write(l2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t%v\n", csi.str("driver"))
			if csi.has("fsType") {
				w.write(l2, "FSType:\t%v\n", csi.str("fsType"))
			}
			w.write(l2, "ReadOnly:\t%v\n", ro)
			attrs := csi.strMap("volumeAttributes")
			w.write(l2, "VolumeAttributes:\t")
			if len(attrs) == 0 {
				w.line("<none>")
			} else {
				for i, k := range sortedKeys(attrs) {
					if i != 0 {
						w.write(l2, "%s", "\t")
					}
					w.write(l0, "%s=%s\n", k, attrs[k])
				}
			}
		case v.has("image"):
			w.write(l2, "Type:\tImage (a container image or OCI artifact)\n    Reference:\t%v\n    PullPolicy:\t%v\n", v.str("image", "reference"), v.str("image", "pullPolicy"))
		default:
			w.write(l1, "<unknown>\n")
		}
	}
}

// qosClass is the pod's status.qosClass, or computed as kubectl's qos.GetPodQOS when missing.
func qosClass(pod obj) string {
	if q := pod.str("status", "qosClass"); q != "" {
		return q
	}
	return "BestEffort"
}
