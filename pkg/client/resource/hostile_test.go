package resource

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/internal/hostile"
	"github.com/kubex-cli/kubex/pkg/client/transport"
)

type hostileDoer struct{ srv *httptest.Server }

func (d hostileDoer) NewRequest(ctx context.Context, method, path string, body io.Reader) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, method, d.srv.URL+path, body)
}

func (d hostileDoer) Do(req *http.Request) (*http.Response, error) { return d.srv.Client().Do(req) }

// A server that streams one list item without end, or an object without end, gets a clear error once
// the item passes transport.MaxObjectBytes, and kubex's memory stays near that bound.
func TestHostileServerEndlessItem(t *testing.T) {
	for _, tc := range []struct {
		name, prefix string
		fill         byte
		read         func(Doer) error
	}{{
		name:   "a list item that never ends",
		prefix: `{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"kind":"Pod","a":"`, fill: 'x',
		read: func(d Doer) error {
			_, err := List(t.Context(), d, "/api/v1/pods", AcceptJSON, ListOptions{}, nil, func(*Header, json.RawMessage) error { return nil })
			return err
		},
	}, {
		name:   "a table row that never ends",
		prefix: `{"kind":"Table","columnDefinitions":[],"rows":[[[[[[`, fill: '[',
		read: func(d Doer) error {
			_, err := List(t.Context(), d, "/api/v1/pods", AcceptTable, ListOptions{}, nil, func(*Header, json.RawMessage) error { return nil })
			return err
		},
	}, {
		name:   "list metadata that never ends",
		prefix: `{"kind":"PodList","metadata":{"continue":"`, fill: 'x',
		read: func(d Doer) error {
			_, err := List(t.Context(), d, "/api/v1/pods", AcceptJSON, ListOptions{}, nil, func(*Header, json.RawMessage) error { return nil })
			return err
		},
	}, {
		name:   "one object over the limit is an error, not cut",
		prefix: `{"kind":"Pod","a":"`, fill: 'x',
		read: func(d Doer) error {
			_, err := GetObject(t.Context(), d, "/api/v1/namespaces/a/pods/b", AcceptJSON)
			return err
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(hostile.Endless("application/json", tc.prefix, tc.fill))
			defer srv.Close()
			var err error
			hostile.CheckBounded(t, 4*transport.MaxObjectBytes, func() { err = tc.read(hostileDoer{srv}) })
			var tl *transport.TooLargeError
			if !errors.As(err, &tl) || !strings.Contains(err.Error(), "is larger than 64 MiB") {
				t.Errorf("error = %v, want one saying the item is larger than 64 MiB", err)
			}
		})
	}
}
