package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Objects that kubectl's client-side apply made carry their last applied configuration in an
// annotation, and their fields belong to an Update manager (kubectl-client-side-apply). A server-side
// apply that changes those fields is refused with a conflict, unless its manager first takes them over:
// this file is that take-over (what k8s.io/client-go/util/csaupgrade does for kubectl), and the upkeep
// of the annotation, so that kubectl's client-side apply keeps working on the object afterwards.

const (
	// LastAppliedAnnotation holds the configuration kubectl's client-side apply applied last: its
	// three-way patch removes the fields that were in it and are no longer in the file.
	LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"
	// ClientSideApplyManager is the manager of kubectl's client-side apply (operation Update).
	ClientSideApplyManager = "kubectl-client-side-apply"
	// LastAppliedSuffix makes the name of the apply manager that keeps the annotation for a manager
	// ("kubex" + LastAppliedSuffix), so that it stays when that manager's applies leave it out.
	LastAppliedSuffix = "-last-applied"
)

// upgradeRetries is how many times the take-over is tried again when the object changed between the
// read and the patch (kubectl's maxPatchRetry).
const upgradeRetries = 5

// ApplyOverClientSide is a server-side apply of obj (JSON, naming itself) with o.FieldManager that also
// works on objects kubectl's client-side apply made:
//
//   - When the apply is refused with a conflict, and every conflicting manager is a client-side apply
//     manager (ClientSideManagers), the object is read, those managers' fields are handed to
//     o.FieldManager with one JSON patch of metadata.managedFields guarded by the resourceVersion
//     (UpgradeManagedFields), and the apply is sent again. With o.DryRun nothing may be stored, so the
//     dry run is sent again with Force instead, which answers with the same object. An apply that
//     succeeds, or fails for any other reason, costs no extra request.
//   - When the applied object carries LastAppliedAnnotation, the annotation is set to obj
//     (LastAppliedConfig) by the apply manager o.FieldManager+LastAppliedSuffix, so that a later
//     client-side apply computes its patch from what was applied last. That is one more request, only
//     for such objects and only when the annotation changes; with o.DryRun the answer is changed instead.
func (r *Resource) ApplyOverClientSide(ctx context.Context, name string, obj []byte, o PatchOptions) ([]byte, error) {
	out, err := r.Patch(ctx, name, Apply(obj), o)
	if fields, ok := ConflictCauses(err); ok && !o.Force {
		if out, err = r.takeOver(ctx, name, obj, o, fields, err); err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	return r.keepLastApplied(ctx, name, obj, out, o)
}

// takeOver answers a conflicting apply of obj: when every conflict is with a client-side apply manager
// of the live object, their fields go to o.FieldManager and obj is applied again; otherwise conflict is
// returned as it is.
func (r *Resource) takeOver(ctx context.Context, name string, obj []byte, o PatchOptions, fields []FieldConflict, conflict error) ([]byte, error) {
	for range upgradeRetries {
		live, err := r.Get(ctx, name, GetOptions{Subresource: o.Subresource})
		if err != nil {
			return nil, conflict
		}
		csa := ClientSideManagers(live)
		for _, f := range fields {
			if !slices.Contains(csa, ConflictManager(f)) {
				return nil, conflict
			}
		}
		if o.DryRun {
			forced := o
			forced.Force = true
			return r.Patch(ctx, name, Apply(obj), forced)
		}
		p, ok, err := UpgradeManagedFields(live, o.FieldManager, o.FieldManager+LastAppliedSuffix, csa...)
		if err != nil || !ok {
			return nil, conflict
		}
		_, err = r.Patch(ctx, name, p, PatchOptions{Subresource: o.Subresource})
		if IsConflict(err) {
			continue // changed since it was read
		}
		if err != nil {
			return nil, fmt.Errorf("taking over the fields of %s: %w", strings.Join(csa, ", "), err)
		}
		return r.Patch(ctx, name, Apply(obj), o)
	}
	return nil, conflict
}

// keepLastApplied sets the last-applied annotation of the applied object out to obj, when it has one
// that says otherwise.
func (r *Resource) keepLastApplied(ctx context.Context, name string, obj, out []byte, o PatchOptions) ([]byte, error) {
	var applied struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Namespace   string            `json:"namespace,omitempty"`
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if json.Unmarshal(out, &applied) != nil {
		return out, nil
	}
	have, ok := applied.Metadata.Annotations[LastAppliedAnnotation]
	if !ok || o.Subresource != "" {
		return out, nil
	}
	want, err := LastAppliedConfig(obj)
	if err != nil || want == have {
		return out, nil
	}
	if o.DryRun {
		return setAnnotation(out, LastAppliedAnnotation, want)
	}
	only := map[string]any{"apiVersion": applied.APIVersion, "kind": applied.Kind, "metadata": map[string]any{
		"name": name, "namespace": applied.Metadata.Namespace, "annotations": map[string]string{LastAppliedAnnotation: want}}}
	if applied.Metadata.Namespace == "" {
		delete(only["metadata"].(map[string]any), "namespace")
	}
	kept, err := r.Patch(ctx, name, Apply(only), PatchOptions{FieldManager: o.FieldManager + LastAppliedSuffix, Force: true})
	if err != nil {
		return nil, fmt.Errorf("updating the %s annotation: %w", LastAppliedAnnotation, err)
	}
	return kept, nil
}

// LastAppliedConfig is the value kubectl's client-side apply gives LastAppliedAnnotation for the
// configuration obj (JSON): obj without that annotation (metadata.annotations stays, {} when empty, as
// kubectl writes it), keys sorted, with a final newline.
func LastAppliedConfig(obj []byte) (string, error) {
	m, err := decodeObject(obj)
	if err != nil {
		return "", err
	}
	meta, _ := m["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		m["metadata"] = meta
	}
	a, _ := meta["annotations"].(map[string]any)
	if a == nil {
		a = map[string]any{}
		meta["annotations"] = a
	}
	delete(a, LastAppliedAnnotation)
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return string(b) + "\n", nil
}

// setAnnotation sets one annotation of obj (JSON).
func setAnnotation(obj []byte, key, value string) ([]byte, error) {
	m, err := decodeObject(obj)
	if err != nil {
		return nil, err
	}
	meta, _ := m["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		m["metadata"] = meta
	}
	a, _ := meta["annotations"].(map[string]any)
	if a == nil {
		a = map[string]any{}
		meta["annotations"] = a
	}
	a[key] = value
	return json.Marshal(m)
}

// decodeObject decodes a JSON object keeping numbers as written.
func decodeObject(obj []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(obj))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("decoding the object: %w", err)
	}
	return m, nil
}

// ConflictManager is the name of the manager a conflict is with (`conflict with "kubectl" using apps/v1`
// names kubectl), or "" when the message names none.
func ConflictManager(f FieldConflict) string {
	if _, rest, ok := strings.Cut(f.Message, `conflict with "`); ok {
		if name, _, ok := strings.Cut(rest, `"`); ok {
			return name
		}
	}
	return ""
}

// managedFieldsEntry is one entry of metadata.managedFields; the fields this code does not read travel
// through Rest unchanged.
type managedFieldsEntry struct {
	Manager     string
	Operation   string
	APIVersion  string
	Subresource string
	Fields      map[string]any // fieldsV1: the trie of owned fields
	Rest        map[string]any
}

func decodeManagedFields(live []byte) (entries []managedFieldsEntry, resourceVersion string, err error) {
	m, err := decodeObject(live)
	if err != nil {
		return nil, "", err
	}
	meta, _ := m["metadata"].(map[string]any)
	resourceVersion, _ = meta["resourceVersion"].(string)
	list, _ := meta["managedFields"].([]any)
	for _, v := range list {
		e, _ := v.(map[string]any)
		if e == nil {
			return nil, "", fmt.Errorf("metadata.managedFields: an entry is not an object")
		}
		entry := managedFieldsEntry{Rest: e}
		entry.Manager, _ = e["manager"].(string)
		entry.Operation, _ = e["operation"].(string)
		entry.APIVersion, _ = e["apiVersion"].(string)
		entry.Subresource, _ = e["subresource"].(string)
		entry.Fields, _ = e["fieldsV1"].(map[string]any)
		entries = append(entries, entry)
	}
	return entries, resourceVersion, nil
}

func (e managedFieldsEntry) encode() map[string]any {
	out := make(map[string]any, len(e.Rest)+5)
	for k, v := range e.Rest {
		out[k] = v
	}
	out["manager"], out["operation"] = e.Manager, e.Operation
	if e.APIVersion != "" {
		out["apiVersion"] = e.APIVersion
	}
	if e.Subresource != "" {
		out["subresource"] = e.Subresource
	}
	out["fieldsType"], out["fieldsV1"] = "FieldsV1", e.Fields
	return out
}

// lastAppliedPath is the annotation's path in a fieldsV1 trie.
var lastAppliedPath = []string{"f:metadata", "f:annotations", "f:" + LastAppliedAnnotation}

// ClientSideManagers names the managers of live (JSON) that manage it with client-side apply: those of
// Update entries that own LastAppliedAnnotation (as kubectl finds them), and ClientSideApplyManager.
func ClientSideManagers(live []byte) []string {
	entries, _, err := decodeManagedFields(live)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.Operation == "Update" && e.Subresource == "" && !slices.Contains(out, e.Manager) &&
			(e.Manager == ClientSideApplyManager || hasPath(e.Fields, lastAppliedPath)) {
			out = append(out, e.Manager)
		}
	}
	return out
}

// UpgradeManagedFields is the JSON patch that hands the fields the Update managers csaManagers own in
// live (JSON) to the apply manager manager, as k8s.io/client-go/util/csaupgrade does: the newest entry
// of theirs with manager's apiVersion is merged into manager's Apply entry (which the newest of theirs
// becomes when there is none) and all their Update entries go. When annotationManager is not "",
// LastAppliedAnnotation goes to that apply manager instead, so that manager's applies, which leave it
// out, do not remove it. The patch replaces metadata.managedFields and sets metadata.resourceVersion
// to live's, so that the server refuses it with a conflict when the object changed since it was read.
// ok is false when there is nothing to do.
func UpgradeManagedFields(live []byte, manager, annotationManager string, csaManagers ...string) (p Patch, ok bool, err error) {
	entries, rv, err := decodeManagedFields(live)
	if err != nil {
		return Patch{}, false, err
	}
	isCSA := func(e managedFieldsEntry) bool {
		return e.Operation == "Update" && e.Subresource == "" && slices.Contains(csaManagers, e.Manager)
	}
	target := slices.IndexFunc(entries, func(e managedFieldsEntry) bool {
		return e.Manager == manager && e.Operation == "Apply" && e.Subresource == ""
	})
	taken := target < 0 // the newest client-side entry becomes manager's
	if target < 0 {
		if target = slices.IndexFunc(entries, isCSA); target < 0 {
			return Patch{}, false, nil
		}
		entries[target].Manager, entries[target].Operation = manager, "Apply"
	}
	fields := copyTrie(entries[target].Fields)
	for _, name := range csaManagers {
		i := slices.IndexFunc(entries, func(e managedFieldsEntry) bool {
			return isCSA(e) && e.Manager == name && e.APIVersion == entries[target].APIVersion
		})
		if i >= 0 {
			mergeTrie(fields, entries[i].Fields)
			taken = true
		}
	}
	hadAnnotation := false
	if annotationManager != "" {
		hadAnnotation = removePath(fields, lastAppliedPath)
	}
	entries[target].Fields = fields
	var out []any
	annotated := false
	for i, e := range entries {
		if i != target && isCSA(e) {
			taken = true
			continue
		}
		if hadAnnotation && e.Manager == annotationManager && e.Operation == "Apply" && e.Subresource == "" {
			e.Fields = copyTrie(e.Fields)
			mergeTrie(e.Fields, trieOf(lastAppliedPath))
			annotated = true
		}
		out = append(out, e.encode())
	}
	if hadAnnotation && !annotated {
		out = append(out, managedFieldsEntry{Manager: annotationManager, Operation: "Apply",
			APIVersion: entries[target].APIVersion, Fields: trieOf(lastAppliedPath)}.encode())
	}
	if !taken && !hadAnnotation {
		return Patch{}, false, nil
	}
	// "replace" rather than "test" of the resourceVersion, as csaupgrade does: the storage then refuses a
	// stale patch with a conflict (409) instead of the API server with an invalid request.
	return JSONOps(
		PatchOp{Op: "replace", Path: "/metadata/managedFields", Value: out},
		PatchOp{Op: "replace", Path: "/metadata/resourceVersion", Value: rv},
	), true, nil
}

// A fieldsV1 trie maps "f:name", "k:{...}", "v:..." and "." to sub-tries; an empty sub-trie is a field
// owned whole.

func copyTrie(t map[string]any) map[string]any {
	out := make(map[string]any, len(t))
	for k, v := range t {
		if sub, ok := v.(map[string]any); ok {
			out[k] = copyTrie(sub)
		} else {
			out[k] = v
		}
	}
	return out
}

// mergeTrie adds the fields of from to into.
func mergeTrie(into, from map[string]any) {
	for k, v := range from {
		sub, _ := v.(map[string]any)
		have, ok := into[k].(map[string]any)
		switch {
		case !ok:
			into[k] = copyTrie(sub)
		case len(have) == 0 && len(sub) > 0:
			// A leaf becomes a field with children: it stays owned itself, as ".".
			into[k] = copyTrie(sub)
			into[k].(map[string]any)["."] = map[string]any{}
		case len(sub) == 0 && len(have) > 0:
			have["."] = map[string]any{}
		default:
			mergeTrie(have, sub)
		}
	}
}

func hasPath(t map[string]any, path []string) bool {
	for _, p := range path {
		sub, ok := t[p].(map[string]any)
		if !ok {
			return false
		}
		t = sub
	}
	return true
}

// removePath removes path from t, and the parents it leaves empty that were not owned themselves; it
// reports whether path was there.
func removePath(t map[string]any, path []string) bool {
	sub, ok := t[path[0]].(map[string]any)
	if !ok {
		return false
	}
	if len(path) == 1 {
		delete(t, path[0])
		return true
	}
	if !removePath(sub, path[1:]) {
		return false
	}
	switch {
	case len(sub) == 0:
		delete(t, path[0])
	case len(sub) == 1 && sub["."] != nil:
		t[path[0]] = map[string]any{} // owned itself only: a leaf
	}
	return true
}

func trieOf(path []string) map[string]any {
	out := map[string]any{}
	t := out
	for _, p := range path {
		sub := map[string]any{}
		t[p] = sub
		t = sub
	}
	return out
}
