package client

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestLastAppliedConfig(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"sorted, newline":      {`{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a"},"data":{"n":"1"}}`, `{"apiVersion":"v1","data":{"n":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"a"}}` + "\n"},
		"annotation left out":  {`{"metadata":{"name":"a","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"x","k":"v"}}}`, `{"metadata":{"annotations":{"k":"v"},"name":"a"}}` + "\n"},
		"only annotation gone": {`{"metadata":{"name":"a","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"x"}}}`, `{"metadata":{"annotations":{},"name":"a"}}` + "\n"},
		"numbers as written":   {`{"spec":{"replicas":1000000,"big":12345678901234567890}}`, `{"metadata":{"annotations":{}},"spec":{"big":12345678901234567890,"replicas":1000000}}` + "\n"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := LastAppliedConfig([]byte(tc.in))
			if err != nil || got != tc.want {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestClientSideManagers(t *testing.T) {
	live := `{"metadata":{"managedFields":[
		{"manager":"kubex","operation":"Apply","fieldsV1":{"f:data":{"f:a":{}}}},
		{"manager":"kubectl-client-side-apply","operation":"Update","fieldsV1":{"f:data":{"f:b":{}}}},
		{"manager":"old-kubectl","operation":"Update","fieldsV1":{"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}},
		{"manager":"controller","operation":"Update","fieldsV1":{"f:data":{"f:c":{}}}}]}}`
	if got, want := ClientSideManagers([]byte(live)), []string{"kubectl-client-side-apply", "old-kubectl"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestUpgradeManagedFields(t *testing.T) {
	csa := `{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"v1","time":"T1","fieldsType":"FieldsV1","fieldsV1":` +
		`{"f:data":{".":{},"f:a":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}}`
	other := `{"manager":"controller","operation":"Update","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:z":{}}}}`
	for name, tc := range map[string]struct {
		managed, annotationManager string
		want                       string // the new managedFields, "" for no patch
	}{
		"client-side entry becomes the apply entry": {
			managed: `[` + csa + `,` + other + `]`,
			want: `[{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:a":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}},"manager":"kubex","operation":"Apply","time":"T1"},` +
				`{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:z":{}}},"manager":"controller","operation":"Update"}]`,
		},
		"merged into the apply entry, annotation to its keeper": {
			managed: `[{"manager":"kubex","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:b":{}}}},` + csa + `]`, annotationManager: "kubex-last-applied",
			want: `[{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:a":{},"f:b":{}},"f:metadata":{"f:annotations":{}}},"manager":"kubex","operation":"Apply"},` +
				`{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:annotations":{"f:kubectl.kubernetes.io/last-applied-configuration":{}}}},"manager":"kubex-last-applied","operation":"Apply"}]`,
		},
		"a leaf that gains children stays owned": {
			managed: `[{"manager":"kubex","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{}}},` + csa + `]`,
			want:    `[{"apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:a":{}},"f:metadata":{"f:annotations":{".":{},"f:kubectl.kubernetes.io/last-applied-configuration":{}}}},"manager":"kubex","operation":"Apply"}]`,
		},
		"nothing to take":          {managed: `[` + other + `]`},
		"already server-side only": {managed: `[{"manager":"kubex","operation":"Apply","apiVersion":"v1","fieldsV1":{"f:data":{}}},` + other + `]`},
	} {
		t.Run(name, func(t *testing.T) {
			live := `{"metadata":{"name":"a","resourceVersion":"42","managedFields":` + tc.managed + `}}`
			p, ok, err := UpgradeManagedFields([]byte(live), "kubex", tc.annotationManager, "kubectl-client-side-apply")
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				if tc.want != "" {
					t.Fatalf("no patch, want %s", tc.want)
				}
				return
			}
			if tc.want == "" {
				t.Fatalf("patch %s, want none", p.Data)
			}
			var ops []struct {
				Op, Path string
				Value    json.RawMessage
			}
			if err := json.Unmarshal(p.Data, &ops); err != nil || p.Type != PatchJSON || len(ops) != 2 {
				t.Fatalf("patch %s %s: %v", p.Type, p.Data, err)
			}
			if ops[0].Path != "/metadata/managedFields" || string(ops[0].Value) != tc.want {
				t.Errorf("managedFields:\n got %s\nwant %s", ops[0].Value, tc.want)
			}
			if ops[1].Op != "replace" || ops[1].Path != "/metadata/resourceVersion" || string(ops[1].Value) != `"42"` {
				t.Errorf("resourceVersion guard: %+v", ops[1])
			}
		})
	}
}
