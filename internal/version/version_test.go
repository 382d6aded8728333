package version

import "testing"

func TestMajorMinor(t *testing.T) {
	for v, want := range map[string][2]string{
		"v1.34.4":    {"1", "34"},
		"v0.1.0-dev": {"0", "1"},
		"v2":         {"2", ""},
		"e201e7b":    {"e201e7b", ""},
	} {
		if major, minor := majorMinor(v); major != want[0] || minor != want[1] {
			t.Errorf("majorMinor(%q) = %q, %q; want %q, %q", v, major, minor, want[0], want[1])
		}
	}
}
