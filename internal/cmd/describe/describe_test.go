package describe

import "testing"

func TestQuantityString(t *testing.T) {
	for _, tc := range []struct{ in, add, want string }{
		{"100m", "", "100m"}, {"1", "500m", "1500m"}, {"2000", "", "2k"}, {"1Gi", "512Mi", "1536Mi"},
		{"1Ki", "1", "1025"}, {"0", "", "0"}, {"1e3", "", "1e3"},
	} {
		q, err := parseQuantity(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if tc.add != "" {
			b, _ := parseQuantity(tc.add)
			q = q.add(b)
		}
		if got := q.String(); got != tc.want {
			t.Errorf("%s + %s = %s, want %s", tc.in, tc.add, got, tc.want)
		}
	}
}

func TestSmartLabel(t *testing.T) {
	for in, want := range map[string]string{"apiVersion": "API Version", "creationTimestamp": "Creation Timestamp",
		"uid": "UID", "podCIDRs": "Pod CID Rs", "foo_bar": "foo_bar", "spec": "Spec"} {
		if got := smartLabel(in); got != want {
			t.Errorf("smartLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
