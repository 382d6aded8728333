package wait

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/client/discovery"
	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Condition
		err  string
	}{
		{in: "delete", want: Deleted()},
		{in: "Delete", want: Deleted()},
		{in: "condition=Ready", want: HasCondition("Ready", "true")},
		{in: "condition=Ready=False", want: HasCondition("Ready", "False")},
		{in: "jsonpath=", err: "jsonpath expression cannot be empty"},
		{in: "ready", err: `unrecognized condition: "ready"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Parse = %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestMet(t *testing.T) {
	pod := `{"metadata":{"name":"p","generation":2},"status":{"phase":"Running","conditions":[
		{"type":"Ready","status":"True","observedGeneration":2},{"type":"Old","status":"True","observedGeneration":1}]}}`
	for _, tc := range []struct {
		cond string
		obj  string
		want bool
	}{
		{"condition=Ready", pod, true},
		{"condition=ready=TRUE", pod, true},
		{"condition=Ready=False", pod, false},
		{"condition=Old", pod, false}, // observed for an older generation
		{"condition=Missing", pod, false},
		{"jsonpath={.status.phase}=Running", pod, true},
		{"jsonpath=.status.phase=Running", pod, true},
		{"jsonpath={.status.phase}=Pending", pod, false},
		{"jsonpath={.status.phase}", pod, true},
		{"jsonpath={.status.podIP}", pod, false},
		{"delete", pod, false},
	} {
		t.Run(tc.cond, func(t *testing.T) {
			c, err := Parse(tc.cond)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := c.Met([]byte(tc.obj)); err != nil || got != tc.want {
				t.Errorf("Met = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

var configMaps = discovery.Resource{Version: "v1", Name: "configmaps", Kind: "ConfigMap", Namespaced: true}

// fakeServer serves a list of the objects named in list (by name: its JSON), then a watch that sends
// events and stays open.
func fakeServer(t *testing.T, list map[string]string, events []string) *client.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Query().Get("fieldSelector"), "metadata.name=")
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("watch") != "true" {
			items := ""
			if obj, ok := list[name]; ok {
				items = obj
			}
			fmt.Fprintf(w, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10"},"items":[%s]}`, items)
			return
		}
		for _, ev := range events {
			if strings.Contains(ev, `"name":"`+name+`"`) {
				fmt.Fprintln(w, ev)
			}
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(&config.Resolved{Server: srv.URL, Namespace: "ns"}, client.WithCacheDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cm(name, uid, rv, phase string) string {
	return fmt.Sprintf(`{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":%q,"namespace":"ns","uid":%q,"resourceVersion":%q},"data":{"phase":%q}}`, name, uid, rv, phase)
}

func TestFor(t *testing.T) {
	c := fakeServer(t,
		map[string]string{"a": cm("a", "u1", "5", "Pending"), "b": cm("b", "u2", "6", "Running"), "d": cm("d", "u4", "7", "")},
		[]string{
			`{"type":"MODIFIED","object":` + cm("a", "u1", "11", "Running") + `}`,
			`{"type":"DELETED","object":` + cm("d", "u4", "12", "") + `}`,
		})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	running, err := Parse("jsonpath={.data.phase}=Running")
	if err != nil {
		t.Fatal(err)
	}
	var done []string
	refs := []client.Ref{{Type: configMaps, Namespace: "ns", Name: "a"}, {Type: configMaps, Namespace: "ns", Name: "b"}}
	if err := For(ctx, c, refs, running, func(r client.Ref) { done = append(done, r.String()) }); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(done, " "); got != "configmap/a configmap/b" {
		t.Errorf("done in order %q", got)
	}

	// Deleted: one gone during the watch, one never there.
	refs = []client.Ref{{Type: configMaps, Namespace: "ns", Name: "d", UID: "u4"}, {Type: configMaps, Namespace: "ns", Name: "gone"}}
	if err := For(ctx, c, refs, Deleted(), nil); err != nil {
		t.Fatal(err)
	}

	// A missing object is a NotFound for any other condition.
	err = For(ctx, c, []client.Ref{{Type: configMaps, Namespace: "ns", Name: "gone"}}, running, nil)
	if !transport.IsNotFound(err) || err.Error() != `configmaps "gone" not found` {
		t.Errorf("missing object: %v", err)
	}

	// The end of ctx is kubectl's timeout.
	short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancelShort()
	err = For(short, c, []client.Ref{{Type: configMaps, Namespace: "ns", Name: "d"}}, running, nil)
	if err == nil || err.Error() != "timed out waiting for the condition on configmaps/d" || errors.Is(err, context.Canceled) {
		t.Errorf("timeout: %v", err)
	}
}
