package resource

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// doer sends requests to an httptest server.
type doer struct{ base string }

func (d doer) NewRequest(ctx context.Context, method, p string, body io.Reader) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, method, d.base+p, body)
}
func (d doer) Do(req *http.Request) (*http.Response, error) { return http.DefaultClient.Do(req) }

func TestListNames(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{"table, name column second", `{"kind":"Table","columnDefinitions":[{"name":"X","format":""},{"name":"Name","format":"name"}],"rows":[{"cells":[1,"a"]},{"cells":[2,"b"]}]}`, "a b"},
		{"table without formats", `{"kind":"Table","columnDefinitions":[{"name":"Name"}],"rows":[{"cells":["a"]},{"cells":[]}]}`, "a"},
		{"metadata list", `{"kind":"PartialObjectMetadataList","items":[{"metadata":{"name":"x"}},{"metadata":{"name":"y"}}]}`, "x y"},
		{"plain list", `{"kind":"PodList","items":[{"metadata":{"name":"p"},"spec":{}}]}`, "p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotAccept, gotQuery string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotAccept, gotQuery = r.Header.Get("Accept"), r.URL.RawQuery
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			names, err := ListNames(t.Context(), doer{srv.URL}, "/api/v1/pods", ListOptions{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(names, " "); got != tt.want {
				t.Errorf("names %q, want %q", got, tt.want)
			}
			if gotAccept != AcceptNames || gotQuery != "includeObject=None&limit=500" {
				t.Errorf("Accept %q, query %q", gotAccept, gotQuery)
			}
		})
	}
}
