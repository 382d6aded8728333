package events

import (
	"encoding/json"
)

// The fields of core/v1 Event in the order and with the omitempty rules of its Go type: kubectl's -o json
// prints a typed EventList, so its keys come in this order; managedFields show in templates, and in JSON and YAML only with
// --show-managed-fields.
type objectReference struct {
	Kind            string `json:"kind,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	Name            string `json:"name,omitempty"`
	UID             string `json:"uid,omitempty"`
	APIVersion      string `json:"apiVersion,omitempty"`
	ResourceVersion string `json:"resourceVersion,omitempty"`
	FieldPath       string `json:"fieldPath,omitempty"`
}

type objectMeta struct {
	Name                       string            `json:"name,omitempty"`
	GenerateName               string            `json:"generateName,omitempty"`
	Namespace                  string            `json:"namespace,omitempty"`
	SelfLink                   string            `json:"selfLink,omitempty"`
	UID                        string            `json:"uid,omitempty"`
	ResourceVersion            string            `json:"resourceVersion,omitempty"`
	Generation                 int64             `json:"generation,omitempty"`
	CreationTimestamp          *string           `json:"creationTimestamp"`
	DeletionTimestamp          *string           `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64            `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string `json:"labels,omitempty"`
	Annotations                map[string]string `json:"annotations,omitempty"`
	OwnerReferences            []json.RawMessage `json:"ownerReferences,omitempty"`
	Finalizers                 []string          `json:"finalizers,omitempty"`
	ManagedFields              []json.RawMessage `json:"managedFields,omitempty"`
}

type typedEvent struct {
	Kind           string          `json:"kind,omitempty"`
	APIVersion     string          `json:"apiVersion,omitempty"`
	Metadata       objectMeta      `json:"metadata"`
	InvolvedObject objectReference `json:"involvedObject"`
	Reason         string          `json:"reason,omitempty"`
	Message        string          `json:"message,omitempty"`
	Source         struct {
		Component string `json:"component,omitempty"`
		Host      string `json:"host,omitempty"`
	} `json:"source,omitempty"`
	FirstTimestamp *string `json:"firstTimestamp"`
	LastTimestamp  *string `json:"lastTimestamp"`
	Count          int32   `json:"count,omitempty"`
	Type           string  `json:"type,omitempty"`
	EventTime      *string `json:"eventTime"`
	Series         *struct {
		Count            int32   `json:"count,omitempty"`
		LastObservedTime *string `json:"lastObservedTime"`
	} `json:"series,omitempty"`
	Action             string           `json:"action,omitempty"`
	Related            *objectReference `json:"related,omitempty"`
	ReportingComponent string           `json:"reportingComponent"`
	ReportingInstance  string           `json:"reportingInstance"`
}

type typedEventList struct {
	Kind       string       `json:"kind"`
	APIVersion string       `json:"apiVersion"`
	Metadata   struct{}     `json:"metadata"`
	Items      []typedEvent `json:"items"`
}

func toTyped(raw []byte) (typedEvent, error) {
	var e typedEvent
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, err
	}
	e.Kind, e.APIVersion = "Event", "v1"
	return e, nil
}
