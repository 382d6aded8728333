package rollout

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// The workload objects as far as rollout reads them, with k8s.io/api's JSON field names, so the CLI does
// not link k8s.io/api (nor apimachinery) for them. Only the fields rollout uses are here: whatever is
// written back to the server is written from the server's own JSON, never re-marshalled from these.

// objectMeta is the part of metav1.ObjectMeta rollout reads.
type objectMeta struct {
	Name            string            `json:"name,omitempty"`
	Namespace       string            `json:"namespace,omitempty"`
	UID             string            `json:"uid,omitempty"`
	Generation      int64             `json:"generation,omitempty"`
	Labels          map[string]string `json:"labels,omitempty"`
	Annotations     map[string]string `json:"annotations,omitempty"`
	OwnerReferences []ownerReference  `json:"ownerReferences,omitempty"`
}

// ownerReference is the part of metav1.OwnerReference rollout reads.
type ownerReference struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	UID        string `json:"uid"`
	Controller *bool  `json:"controller,omitempty"`
}

// labelSelector is metav1.LabelSelector.
type labelSelector struct {
	MatchLabels      map[string]string          `json:"matchLabels,omitempty"`
	MatchExpressions []labelSelectorRequirement `json:"matchExpressions,omitempty"`
}

type labelSelectorRequirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

// selectorString is the selector as metav1.LabelSelectorAsSelector(ls).String() writes it: requirements
// sorted by key, values sorted, "" for a nil or empty selector.
func selectorString(ls *labelSelector) (string, error) {
	if ls == nil || len(ls.MatchLabels)+len(ls.MatchExpressions) == 0 {
		return "", nil
	}
	type req struct{ key, s string }
	var reqs []req
	for k, v := range ls.MatchLabels {
		reqs = append(reqs, req{k, k + "=" + v})
	}
	for _, e := range ls.MatchExpressions {
		vals := slices.Clone(e.Values)
		slices.Sort(vals)
		vals = slices.Compact(vals)
		switch e.Operator {
		case "In", "NotIn":
			if len(vals) == 0 {
				return "", fmt.Errorf("for 'in', 'notin' operators, values set can't be empty")
			}
			reqs = append(reqs, req{e.Key, e.Key + " " + strings.ToLower(e.Operator) + " (" + strings.Join(vals, ",") + ")"})
		case "Exists":
			reqs = append(reqs, req{e.Key, e.Key})
		case "DoesNotExist":
			reqs = append(reqs, req{e.Key, "!" + e.Key})
		default:
			return "", fmt.Errorf("%q is not a valid label selector operator", e.Operator)
		}
	}
	slices.SortStableFunc(reqs, func(a, b req) int { return strings.Compare(a.key, b.key) })
	parts := make([]string, len(reqs))
	for i, r := range reqs {
		parts[i] = r.s
	}
	return strings.Join(parts, ","), nil
}

// podTemplateSpec is the part of corev1.PodTemplateSpec the template description prints, with the JSON
// it was read from.
type podTemplateSpec struct {
	objectMeta
	Spec podSpec

	raw json.RawMessage
}

func (t *podTemplateSpec) UnmarshalJSON(b []byte) error {
	var v struct {
		Meta objectMeta `json:"metadata"`
		Spec podSpec    `json:"spec"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	t.objectMeta, t.Spec, t.raw = v.Meta, v.Spec, slices.Clone(b)
	return nil
}

// object is the template as the server wrote it, decoded afresh (so the caller may change it).
func (t *podTemplateSpec) object() (map[string]any, error) {
	m := map[string]any{}
	if len(t.raw) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(t.raw, &m); err != nil {
		return nil, err
	}
	return m, nil
}

type podSpec struct {
	Volumes            []volume          `json:"volumes,omitempty"`
	InitContainers     []container       `json:"initContainers,omitempty"`
	Containers         []container       `json:"containers"`
	NodeSelector       map[string]string `json:"nodeSelector,omitempty"`
	ServiceAccountName string            `json:"serviceAccountName,omitempty"`
	Tolerations        []toleration      `json:"tolerations,omitempty"`
	PriorityClassName  string            `json:"priorityClassName,omitempty"`
}

type volume struct {
	Name string `json:"name"`
}

type toleration struct {
	Key      string `json:"key,omitempty"`
	Operator string `json:"operator,omitempty"`
	Value    string `json:"value,omitempty"`
	Effect   string `json:"effect,omitempty"`
}

const tolerationOpExists = "Exists"

type container struct {
	Name         string               `json:"name"`
	Image        string               `json:"image,omitempty"`
	Command      []string             `json:"command,omitempty"`
	Args         []string             `json:"args,omitempty"`
	Ports        []containerPort      `json:"ports,omitempty"`
	Env          []envVar             `json:"env,omitempty"`
	Resources    resourceRequirements `json:"resources,omitempty"`
	VolumeMounts []volumeMount        `json:"volumeMounts,omitempty"`
}

type containerPort struct {
	HostPort      int32  `json:"hostPort,omitempty"`
	ContainerPort int32  `json:"containerPort"`
	Protocol      string `json:"protocol,omitempty"`
}

type envVar struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// resourceList is corev1.ResourceList with the quantities as written.
type resourceList map[string]string

type resourceRequirements struct {
	Limits   resourceList `json:"limits,omitempty"`
	Requests resourceList `json:"requests,omitempty"`
}

type volumeMount struct {
	Name      string `json:"name"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
	MountPath string `json:"mountPath"`
}

// deployment is the part of apps/v1 Deployment rollout reads.
type deployment struct {
	objectMeta `json:"metadata,omitempty"`
	Spec       struct {
		Replicas *int32          `json:"replicas,omitempty"`
		Selector *labelSelector  `json:"selector"`
		Template podTemplateSpec `json:"template"`
		Paused   bool            `json:"paused,omitempty"`
	} `json:"spec,omitempty"`
	Status struct {
		ObservedGeneration int64 `json:"observedGeneration,omitempty"`
		Replicas           int32 `json:"replicas,omitempty"`
		UpdatedReplicas    int32 `json:"updatedReplicas,omitempty"`
		AvailableReplicas  int32 `json:"availableReplicas,omitempty"`
		Conditions         []struct {
			Type   string `json:"type"`
			Reason string `json:"reason,omitempty"`
		} `json:"conditions,omitempty"`
	} `json:"status,omitempty"`
}

func (deployment) APIVersionKind() (string, string) { return "apps/v1", "Deployment" }

const deploymentProgressing = "Progressing"

// replicaSetObject is the part of apps/v1 ReplicaSet rollout reads.
type replicaSetObject struct {
	objectMeta `json:"metadata,omitempty"`
	Spec       struct {
		Template podTemplateSpec `json:"template,omitempty"`
	} `json:"spec,omitempty"`
}

func (replicaSetObject) APIVersionKind() (string, string) { return "apps/v1", "ReplicaSet" }

// daemonSet is the part of apps/v1 DaemonSet rollout reads.
type daemonSet struct {
	objectMeta `json:"metadata,omitempty"`
	Spec       struct {
		Template       podTemplateSpec `json:"template"`
		UpdateStrategy struct {
			Type string `json:"type,omitempty"`
		} `json:"updateStrategy,omitempty"`
	} `json:"spec,omitempty"`
	Status struct {
		DesiredNumberScheduled int32 `json:"desiredNumberScheduled"`
		NumberAvailable        int32 `json:"numberAvailable,omitempty"`
		ObservedGeneration     int64 `json:"observedGeneration,omitempty"`
		UpdatedNumberScheduled int32 `json:"updatedNumberScheduled,omitempty"`
	} `json:"status,omitempty"`
}

func (daemonSet) APIVersionKind() (string, string) { return "apps/v1", "DaemonSet" }

const (
	rollingUpdateDaemonSetStrategyType   = "RollingUpdate"
	rollingUpdateStatefulSetStrategyType = "RollingUpdate"
)

// statefulSet is the part of apps/v1 StatefulSet rollout reads.
type statefulSet struct {
	objectMeta `json:"metadata,omitempty"`
	Spec       struct {
		Replicas       *int32 `json:"replicas,omitempty"`
		UpdateStrategy struct {
			Type          string `json:"type,omitempty"`
			RollingUpdate *struct {
				Partition *int32 `json:"partition,omitempty"`
			} `json:"rollingUpdate,omitempty"`
		} `json:"updateStrategy,omitempty"`
	} `json:"spec,omitempty"`
	Status struct {
		ObservedGeneration int64  `json:"observedGeneration,omitempty"`
		ReadyReplicas      int32  `json:"readyReplicas,omitempty"`
		CurrentReplicas    int32  `json:"currentReplicas,omitempty"`
		UpdatedReplicas    int32  `json:"updatedReplicas,omitempty"`
		CurrentRevision    string `json:"currentRevision,omitempty"`
		UpdateRevision     string `json:"updateRevision,omitempty"`
	} `json:"status,omitempty"`
}

func (statefulSet) APIVersionKind() (string, string) { return "apps/v1", "StatefulSet" }

// controllerRevision is the part of apps/v1 ControllerRevision rollout reads.
type controllerRevision struct {
	objectMeta `json:"metadata,omitempty"`
	Data       rawExtension `json:"data,omitempty"`
	Revision   int64        `json:"revision"`
}

func (controllerRevision) APIVersionKind() (string, string) { return "apps/v1", "ControllerRevision" }

// rawExtension is runtime.RawExtension: the JSON as written, nothing for null.
type rawExtension struct {
	Raw []byte
}

func (re *rawExtension) UnmarshalJSON(b []byte) error {
	if string(b) != "null" {
		re.Raw = append(re.Raw[0:0], b...)
	}
	return nil
}
