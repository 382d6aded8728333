package transport

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseWarnings(t *testing.T) {
	for h, want := range map[string]string{
		`299 - "v1 ComponentStatus is deprecated in v1.19+"`:                        "v1 ComponentStatus is deprecated in v1.19+",
		`299 - "a \"quoted\" word", 299 kube-apiserver "second" "Tue, 01 Dec 2026"`: `a "quoted" word|second`,
		`199 - "miscellaneous", 299 - "kept"`:                                       "kept",
		"299 - \"bad\tcontrol\", 299 - \"after\"":                                   "after",
		`299 -`:                           "",
		`29x - "x"`:                       "",
		`299 - "unterminated`:             "",
		`299 - "one" junk, 299 - "never"`: "one",
	} {
		if got := strings.Join(parseWarnings(h), "|"); got != want {
			t.Errorf("parseWarnings(%q) = %q, want %q", h, got, want)
		}
	}
}

func TestWarningsOncePerText(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Warning", `299 - "deprecated"`)
		w.Header().Add("Warning", `299 - "`+r.URL.Path+`"`)
	}))
	defer srv.Close()
	var got []string
	rt := &warnings{next: http.DefaultTransport, warn: func(s string) { got = append(got, s) }, seen: map[string]bool{}}
	for _, p := range []string{"/a", "/b", "/a"} {
		resp, err := rt.RoundTrip(httptest.NewRequest(http.MethodGet, srv.URL+p, nil).WithContext(t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if strings.Join(got, ",") != "deprecated,/a,/b" {
		t.Errorf("warned %q", got)
	}
}
