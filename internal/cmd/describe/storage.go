package describe

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client"
)

// accessModes is kubectl's short form of access modes, always in the order RWO,ROX,RWX,RWOP.
func accessModes(modes []string) string {
	var out []string
	for _, m := range []struct{ mode, short string }{{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"}, {"ReadWriteOncePod", "RWOP"}} {
		if contains(modes, m.mode) {
			out = append(out, m.short)
		}
	}
	return strings.Join(out, ",")
}

// volumeClass is a volume's storage class: the beta annotation first, then spec.storageClassName.
func volumeClass(pv obj) string {
	if c, ok := pv.annotations()["volume.beta.kubernetes.io/storage-class"]; ok {
		return c
	}
	return pv.str("spec", "storageClassName")
}

// finalizers prints a list as Go's %v of a string slice.
func finalizers(o obj) string {
	return "[" + strings.Join(o.strs("metadata", "finalizers"), " ") + "]"
}

func describePersistentVolume(e *env, pv obj) (string, error) {
	events := e.events(pv)
	return tabbed(func(w *writer) error {
		spec := pv.m("spec")
		w.write(l0, "Name:\t%s\n", pv.name())
		labelsMultiline(w, "Labels", pv.labels())
		annotationsMultiline(w, "Annotations", pv.annotations())
		w.write(l0, "Finalizers:\t%v\n", finalizers(pv))
		w.write(l0, "StorageClass:\t%s\n", volumeClass(pv))
		if d := pv.str("metadata", "deletionTimestamp"); d != "" {
			w.write(l0, "Status:\tTerminating (lasts %s)\n", since(d))
		} else {
			w.write(l0, "Status:\t%v\n", pv.str("status", "phase"))
		}
		if ref := spec.m("claimRef"); ref != nil {
			w.write(l0, "Claim:\t%s\n", ref.str("namespace")+"/"+ref.str("name"))
		} else {
			w.write(l0, "Claim:\t%s\n", "")
		}
		w.write(l0, "Reclaim Policy:\t%v\n", spec.str("persistentVolumeReclaimPolicy"))
		w.write(l0, "Access Modes:\t%s\n", accessModes(spec.strs("accessModes")))
		if spec.has("volumeMode") {
			w.write(l0, "VolumeMode:\t%v\n", spec.str("volumeMode"))
		}
		w.write(l0, "Capacity:\t%s\n", canonical(spec.str("capacity", "storage")))
		volumeNodeAffinity(w, spec.m("nodeAffinity"))
		w.write(l0, "Message:\t%s\n", pv.str("status", "message"))
		w.write(l0, "Source:\n")
		persistentVolumeSource(w, spec)
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func volumeNodeAffinity(w *writer, aff obj) {
	w.write(l0, "Node Affinity:\t")
	if aff == nil || !aff.has("required") {
		w.line("<none>")
		return
	}
	w.line("")
	w.write(l1, "Required Terms:\t")
	terms := aff.list("required", "nodeSelectorTerms")
	if len(terms) == 0 {
		w.line("<none>")
		return
	}
	w.line("")
	for i, t := range terms {
		w.write(l2, "%s:%s", fmt.Sprintf("Term %v", i), "\t")
		reqs := t.list("matchExpressions")
		if len(reqs) == 0 {
			w.line("<none>")
			continue
		}
		for j, r := range reqs {
			if j != 0 {
				w.write(l2, "%s", "\t")
			}
			s := fmt.Sprintf("%s %s", r.str("key"), strings.ToLower(r.str("operator")))
			if vals := r.strs("values"); len(vals) > 0 {
				s = fmt.Sprintf("%s [%s]", s, strings.Join(vals, ", "))
			}
			w.write(l0, "%s\n", s)
		}
	}
}

// persistentVolumeSource prints the source of a persistent volume for the common kinds of volume.
func persistentVolumeSource(w *writer, spec obj) {
	switch {
	case spec.has("hostPath"):
		t := "<none>"
		if spec.has("hostPath", "type") {
			t = spec.str("hostPath", "type")
		}
		w.write(l2, "Type:\tHostPath (bare host directory volume)\n    Path:\t%v\n    HostPathType:\t%v\n", spec.str("hostPath", "path"), t)
	case spec.has("gcePersistentDisk"):
		s := spec.m("gcePersistentDisk")
		w.write(l2, "Type:\tGCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)\n    PDName:\t%v\n    FSType:\t%v\n    Partition:\t%v\n    ReadOnly:\t%v\n",
			s.str("pdName"), s.str("fsType"), s.num("partition"), s.boolean("readOnly"))
	case spec.has("awsElasticBlockStore"):
		s := spec.m("awsElasticBlockStore")
		w.write(l2, "Type:\tAWSElasticBlockStore (a Persistent Disk resource in AWS)\n    VolumeID:\t%v\n    FSType:\t%v\n    Partition:\t%v\n    ReadOnly:\t%v\n",
			s.str("volumeID"), s.str("fsType"), s.num("partition"), s.boolean("readOnly"))
	case spec.has("nfs"):
		w.write(l2, "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t%v\n    Path:\t%v\n    ReadOnly:\t%v\n",
			spec.str("nfs", "server"), spec.str("nfs", "path"), spec.boolean("nfs", "readOnly"))
	case spec.has("local"):
		w.write(l2, "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n    Path:\t%v\n", spec.str("local", "path"))
	case spec.has("csi"):
		s := spec.m("csi")
		w.write(l2, "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t%v\n    FSType:\t%v\n    VolumeHandle:\t%v\n    ReadOnly:\t%v\n",
			s.str("driver"), s.str("fsType"), s.str("volumeHandle"), s.boolean("readOnly"))
		attrs := s.strMap("volumeAttributes")
		w.write(l2, "VolumeAttributes:\t")
		if len(attrs) == 0 {
			w.line("<none>")
			return
		}
		for i, k := range sortedKeys(attrs) {
			if i != 0 {
				w.write(l2, "")
				w.write(l2, "\t")
			}
			line := k + "=" + attrs[k]
			if len(line) > maxAnnotationLen {
				w.write(l2, "%s...\n", line[:maxAnnotationLen])
			} else {
				w.write(l2, "%s\n", line)
			}
		}
	default:
		w.write(l1, "<unknown>\n")
	}
}

func describePersistentVolumeClaim(e *env, pvc obj) (string, error) {
	pods, err := e.podsForClaim(pvc)
	if err != nil {
		return "", err
	}
	events := e.events(pvc)
	return tabbed(func(w *writer) error {
		spec, status := pvc.m("spec"), pvc.m("status")
		w.write(l0, "Name:\t%s\n", pvc.name())
		w.write(l0, "Namespace:\t%s\n", pvc.namespace())
		w.write(l0, "StorageClass:\t%s\n", claimClass(pvc))
		if d := pvc.str("metadata", "deletionTimestamp"); d != "" {
			w.write(l0, "Status:\tTerminating (lasts %s)\n", since(d))
		} else {
			w.write(l0, "Status:\t%v\n", status.str("phase"))
		}
		w.write(l0, "Volume:\t%s\n", spec.str("volumeName"))
		labelsMultiline(w, "Labels", pvc.labels())
		annotationsMultiline(w, "Annotations", pvc.annotations())
		w.write(l0, "Finalizers:\t%v\n", finalizers(pvc))
		capacity, modes := "", ""
		if spec.str("volumeName") != "" {
			modes = accessModes(status.strs("accessModes"))
			capacity = canonical(status.str("capacity", "storage"))
		}
		w.write(l0, "Capacity:\t%s\n", capacity)
		w.write(l0, "Access Modes:\t%s\n", modes)
		if spec.has("volumeMode") {
			w.write(l0, "VolumeMode:\t%v\n", spec.str("volumeMode"))
		}
		if ds := spec.m("dataSource"); ds != nil {
			w.write(l0, "DataSource:\n")
			if ds.has("apiGroup") {
				w.write(l1, "APIGroup:\t%v\n", ds.str("apiGroup"))
			}
			w.write(l1, "Kind:\t%v\n", ds.str("kind"))
			w.write(l1, "Name:\t%v\n", ds.str("name"))
		}
		w.write(l0, "Used By:\t")
		if len(pods) == 0 {
			w.line("<none>")
		} else {
			sort.Slice(pods, func(i, j int) bool { return pods[i].name() < pods[j].name() })
			for i, p := range pods {
				if i != 0 {
					w.write(l0, "\t")
				}
				w.write(l0, "%s\n", p.name())
			}
		}
		if conds := status.list("conditions"); len(conds) > 0 {
			w.write(l0, "Conditions:\n")
			w.write(l1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
			w.write(l1, "----\t------\t-----------------\t------------------\t------\t-------\n")
			for _, c := range conds {
				w.write(l1, "%v \t%v \t%s \t%s \t%v \t%v\n", c.str("type"), c.str("status"), rfc1123z(c.str("lastProbeTime")),
					rfc1123z(c.str("lastTransitionTime")), c.str("reason"), c.str("message"))
			}
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

// podsForClaim is the pods of the claim's namespace that mount it, then the pods owning it.
func (e *env) podsForClaim(pvc obj) ([]obj, error) {
	all, err := e.list(podsRes, pvc.namespace(), client.ListOptions{})
	if err != nil {
		return nil, err
	}
	var pods []obj
	for _, p := range all {
		for _, v := range p.list("spec", "volumes") {
			if v.has("persistentVolumeClaim") && v.str("persistentVolumeClaim", "claimName") == pvc.name() {
				pods = append(pods, p)
			}
		}
	}
owners:
	for _, ref := range pvc.list("metadata", "ownerReferences") {
		if ref.str("kind") != "Pod" {
			continue
		}
		for _, p := range all {
			if p.uid() != ref.str("uid") {
				continue
			}
			for _, q := range pods {
				if q.uid() == p.uid() {
					continue owners
				}
			}
			pods = append(pods, p)
			break
		}
	}
	return pods, nil
}

func describeStorageClass(e *env, sc obj) (string, error) {
	events := e.events(sc)
	return tabbed(func(w *writer) error {
		w.write(l0, "Name:\t%s\n", sc.name())
		def := "No"
		a := sc.annotations()
		if a["storageclass.kubernetes.io/is-default-class"] == "true" || a["storageclass.beta.kubernetes.io/is-default-class"] == "true" {
			def = "Yes"
		}
		w.write(l0, "IsDefaultClass:\t%s\n", def)
		w.write(l0, "Annotations:\t%s\n", formatLabels(a))
		w.write(l0, "Provisioner:\t%s\n", sc.str("provisioner"))
		w.write(l0, "Parameters:\t%s\n", formatLabels(sc.strMap("parameters")))
		w.write(l0, "AllowVolumeExpansion:\t%s\n", boolPtr(sc, "allowVolumeExpansion"))
		if opts := sc.strs("mountOptions"); len(opts) == 0 {
			w.write(l0, "MountOptions:\t<none>\n")
		} else {
			w.write(l0, "MountOptions:\n")
			for _, o := range opts {
				w.write(l1, "%s\n", o)
			}
		}
		if sc.has("reclaimPolicy") {
			w.write(l0, "ReclaimPolicy:\t%s\n", sc.str("reclaimPolicy"))
		}
		if sc.has("volumeBindingMode") {
			w.write(l0, "VolumeBindingMode:\t%s\n", sc.str("volumeBindingMode"))
		}
		if sc.has("allowedTopologies") {
			w.write(l0, "AllowedTopologies:\t")
			terms := sc.list("allowedTopologies")
			if len(terms) == 0 {
				w.line("<none>")
			} else {
				w.line("")
				for i, t := range terms {
					w.write(l1, "%s:%s", fmt.Sprintf("Term %d", i), "\t")
					reqs := t.list("matchLabelExpressions")
					if len(reqs) == 0 {
						w.line("<none>")
						continue
					}
					for j, r := range reqs {
						if j != 0 {
							w.write(l1, "%s", "\t")
						}
						s := r.str("key") + " in"
						if vals := r.strs("values"); len(vals) > 0 {
							s = fmt.Sprintf("%s [%s]", s, strings.Join(vals, ", "))
						}
						w.write(l0, "%s\n", s)
					}
				}
			}
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}
