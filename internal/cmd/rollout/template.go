package rollout

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kubex-cli/kubex/internal/quantity"
)

// describeTemplate is the pod template as kubectl's describe prints it (DescribePodTemplate, written
// through a prefix writer without a tab writer, so the tabs stay). It covers what rollout templates
// usually hold: labels, annotations, service account, containers (image, ports, command, args, limits,
// environment, mounts), volumes by name, node selectors and tolerations.
// TODO: share the describe command's pod template printer once it lands, for the rarer fields.
func describeTemplate(t *podTemplateSpec) string {
	var b strings.Builder
	w := func(level int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", level))
		fmt.Fprintf(&b, format, args...)
	}
	w(0, "Pod Template:\n")
	multiline(&b, "  Labels", t.Labels)
	if len(t.Annotations) > 0 {
		multiline(&b, "  Annotations", t.Annotations)
	}
	if t.Spec.ServiceAccountName != "" {
		w(1, "Service Account:\t%s\n", t.Spec.ServiceAccountName)
	}
	if len(t.Spec.InitContainers) > 0 {
		describeContainers(w, "Init Containers", t.Spec.InitContainers)
	}
	describeContainers(w, "Containers", t.Spec.Containers)
	if len(t.Spec.Volumes) == 0 {
		w(1, "Volumes:\t<none>\n")
	} else {
		w(1, "Volumes:\n")
		for _, v := range t.Spec.Volumes {
			w(2, "%v:\n", v.Name)
		}
	}
	if t.Spec.PriorityClassName != "" {
		w(1, "Priority Class Name:\t%s\n", t.Spec.PriorityClassName)
	}
	multiline(&b, "  Node-Selectors", t.Spec.NodeSelector)
	b.WriteString("  Tolerations:\t")
	if len(t.Spec.Tolerations) == 0 {
		b.WriteString("<none>\n")
	} else {
		for i, tol := range t.Spec.Tolerations {
			if i > 0 {
				b.WriteString("  \t")
			}
			b.WriteString(tol.Key)
			if tol.Value != "" {
				b.WriteString("=" + tol.Value)
			}
			if tol.Effect != "" {
				b.WriteString(":" + string(tol.Effect))
			}
			if tol.Operator == tolerationOpExists && tol.Value == "" {
				b.WriteString(" op=Exists")
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func multiline(b *strings.Builder, title string, m map[string]string) {
	fmt.Fprintf(b, "%s:\t", title)
	if len(m) == 0 {
		b.WriteString("<none>\n")
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		if i > 0 {
			b.WriteString("\t")
		}
		fmt.Fprintf(b, "%s=%s\n", k, m[k])
	}
}

func describeContainers(w func(int, string, ...any), label string, cs []container) {
	none := ""
	if len(cs) == 0 {
		none = " <none>"
	}
	w(1, "%s:%s\n", label, none)
	for _, c := range cs {
		w(1, " %v:\n", c.Name)
		w(2, "Image:\t%s\n", c.Image)
		var ports, hostPorts []string
		for _, p := range c.Ports {
			ports = append(ports, fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol))
			hostPorts = append(hostPorts, fmt.Sprintf("%d/%s", p.HostPort, p.Protocol))
		}
		portLine(w, "Port", ports)
		portLine(w, "Host Port", hostPorts)
		if len(c.Command) > 0 {
			w(2, "Command:\n")
			for _, s := range c.Command {
				w(3, "%s\n", s)
			}
		}
		if len(c.Args) > 0 {
			w(2, "Args:\n")
			for _, s := range c.Args {
				w(3, "%s\n", s)
			}
		}
		resources(w, "Limits", c.Resources.Limits)
		resources(w, "Requests", c.Resources.Requests)
		if len(c.Env) == 0 {
			w(2, "Environment:\t<none>\n")
		} else {
			w(2, "Environment:\n")
			for _, e := range c.Env {
				w(3, "%s:\t%s\n", e.Name, e.Value)
			}
		}
		if len(c.VolumeMounts) == 0 {
			w(2, "Mounts:\t<none>\n")
		} else {
			w(2, "Mounts:\n")
			for _, m := range c.VolumeMounts {
				access := "rw"
				if m.ReadOnly {
					access = "ro"
				}
				w(3, "%s from %s (%s)\n", m.MountPath, m.Name, access)
			}
		}
	}
}

func portLine(w func(int, string, ...any), title string, ports []string) {
	s := strings.Join(ports, ", ")
	if len(ports) > 1 {
		w(2, "%ss:\t%s\n", title, s)
		return
	}
	if s == "" {
		s = "<none>"
	}
	w(2, "%s:\t%s\n", title, s)
}

func resources(w func(int, string, ...any), title string, rl resourceList) {
	if len(rl) == 0 {
		return
	}
	w(2, "%s:\n", title)
	names := make([]string, 0, len(rl))
	for n := range rl {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		q := rl[n]
		if v, err := quantity.Parse(q); err == nil {
			q = v.String()
		}
		w(3, "%s:\t%s\n", n, q)
	}
}
