package manifest

import "testing"

// FuzzParse: any bytes give objects or an error, never a panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n",
		`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}]}`,
		"kind: X\n---\n\n---\n# only a comment\n", "a: [1,\n", "- 1\n- 2\n", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: &a x\n  namespace: *a\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("fuzz.yaml", data)
	})
}
