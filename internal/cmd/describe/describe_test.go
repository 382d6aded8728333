package describe

import (
	"fmt"
	"testing"

	"github.com/kubex-cli/kubex/internal/quantity"
)

func TestQuantityString(t *testing.T) {
	for _, tc := range []struct{ in, add, want string }{
		{"100m", "", "100m"}, {"1", "500m", "1500m"}, {"2000", "", "2k"}, {"1Gi", "512Mi", "1536Mi"},
		{"1Ki", "1", "1025"}, {"0", "", "0"}, {"1e3", "", "1e3"},
	} {
		q, err := quantity.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if tc.add != "" {
			b, _ := quantity.Parse(tc.add)
			q = q.Add(b)
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

func TestCompactRules(t *testing.T) {
	rules := []policyRule{
		{APIGroups: []string{""}, Resources: []string{"pods", "services"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"watch", "get"}},
		{APIGroups: []string{"apps"}, Resources: []string{"deployments/scale"}, Verbs: []string{"update"}, ResourceNames: []string{"b", "a"}},
		{NonResourceURLs: []string{"/healthz"}, Verbs: []string{"get"}},
	}
	var broken []policyRule
	for _, r := range rules {
		broken = append(broken, breakdownRule(r)...)
	}
	var got []string
	for _, r := range compactRules(broken) {
		got = append(got, combineResourceGroup(r.Resources, r.APIGroups)+" "+fmt.Sprint(r.NonResourceURLs, r.ResourceNames, r.Verbs))
	}
	// Sorted by the rules' protobuf String, verbs first: "[get list" sorts before "[get]".
	want := []string{
		"pods [] [] [get list watch]",
		"services [] [] [get list]",
		" [/healthz] [] [get]",
		"deployments.apps/scale [] [a] [update]",
		"deployments.apps/scale [] [b] [update]",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("compactRules:\n got %q\nwant %q", got, want)
	}
}
