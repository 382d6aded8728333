package auth

import "encoding/json"

// The review objects as far as auth reads and writes them: their JSON field names and order are
// k8s.io/api's, so the CLI does not link k8s.io/api (nor apimachinery) for them.

// typeMeta is metav1.TypeMeta.
type typeMeta struct {
	Kind       string `json:"kind,omitempty"`
	APIVersion string `json:"apiVersion,omitempty"`
}

// objectMeta is metav1.ObjectMeta, in its field order; timestamps are kept as the server wrote them
// (RFC 3339, UTC), and the nested lists as raw JSON.
type objectMeta struct {
	Name                       string            `json:"name,omitempty"`
	GenerateName               string            `json:"generateName,omitempty"`
	Namespace                  string            `json:"namespace,omitempty"`
	SelfLink                   string            `json:"selfLink,omitempty"`
	UID                        string            `json:"uid,omitempty"`
	ResourceVersion            string            `json:"resourceVersion,omitempty"`
	Generation                 int64             `json:"generation,omitempty"`
	CreationTimestamp          string            `json:"creationTimestamp,omitempty"`
	DeletionTimestamp          *string           `json:"deletionTimestamp,omitempty"`
	DeletionGracePeriodSeconds *int64            `json:"deletionGracePeriodSeconds,omitempty"`
	Labels                     map[string]string `json:"labels,omitempty"`
	Annotations                map[string]string `json:"annotations,omitempty"`
	OwnerReferences            []json.RawMessage `json:"ownerReferences,omitempty"`
	Finalizers                 []string          `json:"finalizers,omitempty"`
	ManagedFields              []json.RawMessage `json:"managedFields,omitempty"`
}

// selfSubjectAccessReview is authorization.k8s.io/v1 SelfSubjectAccessReview.
type selfSubjectAccessReview struct {
	typeMeta   `json:",inline"`
	objectMeta `json:"metadata,omitempty"`
	Spec       selfSubjectAccessReviewSpec `json:"spec"`
	Status     subjectAccessReviewStatus   `json:"status,omitempty"`
}

func (selfSubjectAccessReview) APIVersionKind() (string, string) {
	return "authorization.k8s.io/v1", "SelfSubjectAccessReview"
}

type selfSubjectAccessReviewSpec struct {
	ResourceAttributes    *resourceAttributes    `json:"resourceAttributes,omitempty"`
	NonResourceAttributes *nonResourceAttributes `json:"nonResourceAttributes,omitempty"`
}

type resourceAttributes struct {
	Namespace   string `json:"namespace,omitempty"`
	Verb        string `json:"verb,omitempty"`
	Group       string `json:"group,omitempty"`
	Version     string `json:"version,omitempty"`
	Resource    string `json:"resource,omitempty"`
	Subresource string `json:"subresource,omitempty"`
	Name        string `json:"name,omitempty"`
}

type nonResourceAttributes struct {
	Path string `json:"path,omitempty"`
	Verb string `json:"verb,omitempty"`
}

type subjectAccessReviewStatus struct {
	Allowed         bool   `json:"allowed"`
	Denied          bool   `json:"denied,omitempty"`
	Reason          string `json:"reason,omitempty"`
	EvaluationError string `json:"evaluationError,omitempty"`
}

// selfSubjectRulesReview is authorization.k8s.io/v1 SelfSubjectRulesReview.
type selfSubjectRulesReview struct {
	typeMeta   `json:",inline"`
	objectMeta `json:"metadata,omitempty"`
	Spec       selfSubjectRulesReviewSpec `json:"spec"`
	Status     subjectRulesReviewStatus   `json:"status,omitempty"`
}

func (selfSubjectRulesReview) APIVersionKind() (string, string) {
	return "authorization.k8s.io/v1", "SelfSubjectRulesReview"
}

type selfSubjectRulesReviewSpec struct {
	Namespace string `json:"namespace,omitempty"`
}

type subjectRulesReviewStatus struct {
	ResourceRules    []resourceRule    `json:"resourceRules"`
	NonResourceRules []nonResourceRule `json:"nonResourceRules"`
	Incomplete       bool              `json:"incomplete"`
	EvaluationError  string            `json:"evaluationError,omitempty"`
}

type resourceRule struct {
	Verbs         []string `json:"verbs"`
	APIGroups     []string `json:"apiGroups,omitempty"`
	Resources     []string `json:"resources,omitempty"`
	ResourceNames []string `json:"resourceNames,omitempty"`
}

type nonResourceRule struct {
	Verbs           []string `json:"verbs"`
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}

// selfSubjectReview is authentication.k8s.io/v1 SelfSubjectReview; `whoami -o json` prints it as
// kubectl prints its typed object, in this field order.
type selfSubjectReview struct {
	typeMeta   `json:",inline"`
	objectMeta `json:"metadata,omitempty"`
	Status     selfSubjectReviewStatus `json:"status,omitempty"`
}

type selfSubjectReviewStatus struct {
	UserInfo userInfo `json:"userInfo,omitempty"`
}

type userInfo struct {
	Username string                `json:"username,omitempty"`
	UID      string                `json:"uid,omitempty"`
	Groups   []string              `json:"groups,omitempty"`
	Extra    map[string]extraValue `json:"extra,omitempty"`
}

// extraValue is authentication/v1 ExtraValue.
type extraValue []string
