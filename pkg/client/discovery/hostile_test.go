package discovery

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/hostile"
)

// A server whose discovery documents never end gets a clear error naming the document once it passes
// MaxDocumentBytes, and kubex's memory stays near that bound.
func TestHostileServerEndlessDocument(t *testing.T) {
	for _, tc := range []struct{ name, endless, want string }{
		{name: "/api", endless: "/api", want: "the server's /api is larger than 64 MiB"},
		{name: "/apis", endless: "/apis", want: "the server's /apis is larger than 64 MiB"},
		{name: "a group version's resources", endless: "/apis/g/v1", want: "the server's /apis/g/v1 is larger than 64 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/api", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"versions":["v1"]}`))
			})
			mux.HandleFunc("/api/v1", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"resources":[]}`))
			})
			mux.HandleFunc("/apis", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"groups":[{"name":"g","versions":[{"groupVersion":"g/v1","version":"v1"}],"preferredVersion":{"version":"v1"}}]}`))
			})
			mux.HandleFunc("/apis/g/v1", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"resources":[]}`))
			})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == tc.endless {
					hostile.Endless("application/json", `{"groups":[{"name":"`, 'x')(w, r)
					return
				}
				mux.ServeHTTP(w, r)
			}))
			defer srv.Close()
			u, _ := url.Parse(srv.URL)
			var err error
			hostile.CheckBounded(t, 4*MaxDocumentBytes, func() {
				_, err = New(testDoer{u, srv.Client()}, "").Resources(t.Context())
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one saying %q", err, tc.want)
			}
		})
	}
}
