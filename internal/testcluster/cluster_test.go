package testcluster

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestControlPlaneAndFaults starts a real cluster and checks what the tests built on it rely
// on: the scheduler places a pod that names no node, the processes survive an apiserver restart
// and work again afterwards, Compact makes old resourceVersions 410 Gone, and Stop stops all.
func TestControlPlaneAndFaults(t *testing.T) {
	ctx := t.Context()
	c, err := Start(ctx, Options{Log: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	client, err := c.httpClient()
	if err != nil {
		t.Fatal(err)
	}
	mustDo := func(method, path, body string, want int) []byte {
		t.Helper()
		b, code, err := c.do(ctx, client, method, path, []byte(body))
		if err != nil || code != want {
			t.Fatalf("%s %s: want HTTP %d, got %d, %v: %s", method, path, want, code, err, b)
		}
		return b
	}
	// Pods created right after their namespace, with no nodeName, end up Running on the node.
	podRunning := func(name string) {
		t.Helper()
		mustDo(http.MethodPost, "/api/v1/namespaces/faults/pods",
			fmt.Sprintf(`{"metadata":{"name":%q},"spec":{"containers":[{"name":"c","image":"busybox"}]}}`, name), http.StatusCreated)
		err := c.waitFor(ctx, "pod "+name+" Running", time.Minute, func(ctx context.Context) (bool, error) {
			b, code, err := c.do(ctx, client, http.MethodGet, "/api/v1/namespaces/faults/pods/"+name, nil)
			if err != nil || code != http.StatusOK {
				return false, nil
			}
			var p struct {
				Spec   struct{ NodeName string }
				Status struct{ Phase string }
			}
			if err := json.Unmarshal(b, &p); err != nil {
				return false, err
			}
			return p.Spec.NodeName == c.NodeName && p.Status.Phase == "Running", nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	mustDo(http.MethodPost, "/api/v1/namespaces", `{"metadata":{"name":"faults"}}`, http.StatusCreated)
	podRunning("before")
	rv0 := listRV(t, c, client)

	// A watch open across a restart is cut; everything else lives on and reconnects.
	watchDone := make(chan error, 1)
	go func() {
		_, err := firstWatchEvent(ctx, c, client, rv0)
		watchDone <- err
	}()
	time.Sleep(200 * time.Millisecond)
	began := time.Now()
	if err := c.RestartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("apiserver restarted in %.1fs", time.Since(began).Seconds())
	select {
	case err := <-watchDone:
		t.Logf("the open watch ended with: %v", err)
	case <-time.After(10 * time.Second):
		t.Error("a watch open across the restart did not end")
	}
	if !c.Running() {
		t.Fatalf("not all processes survived the restart:%s", c.logTails())
	}
	began = time.Now()
	podRunning("after-restart") // the scheduler and kwok reconnected
	t.Logf("scheduled and Running %.1fs after the restart", time.Since(began).Seconds())

	// After Compact, watching from an old resourceVersion is 410 Gone.
	rv1 := listRV(t, c, client)
	began = time.Now()
	if err := c.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("compacted in %.1fs", time.Since(began).Seconds())
	for _, rv := range []string{rv0, rv1} {
		ev, err := firstWatchEvent(ctx, c, client, rv)
		if err != nil {
			t.Fatalf("watch from %s: %v", rv, err)
		}
		if ev.Type != "ERROR" || ev.Object.Code != http.StatusGone || ev.Object.Reason != "Expired" {
			t.Errorf("watch from %s after Compact: want an ERROR event with 410 Expired, got %+v", rv, ev)
		}
	}
	if !c.Running() {
		t.Fatalf("not all processes survived Compact:%s", c.logTails())
	}
	podRunning("after-compact")

	c.mu.Lock()
	procs := append([]*proc(nil), c.procs...)
	c.mu.Unlock()
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		if p.alive() {
			t.Errorf("%s (pid %d) still running after Stop", p.name, p.pid)
		}
	}
}

func listRV(t *testing.T, c *Cluster, client *http.Client) string {
	t.Helper()
	b, code, err := c.do(t.Context(), client, http.MethodGet, "/api/v1/namespaces/faults/pods", nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("list: HTTP %d, %v: %s", code, err, b)
	}
	var l struct {
		Metadata struct{ ResourceVersion string }
	}
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatal(err)
	}
	return l.Metadata.ResourceVersion
}

type watchEvent struct {
	Type   string
	Object struct {
		Code   int
		Reason string
	}
}

// firstWatchEvent watches the faults namespace's pods from rv and returns the first event.
// A watch cache still initialising answers 429: that is retried.
func firstWatchEvent(ctx context.Context, c *Cluster, client *http.Client, rv string) (watchEvent, error) {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet,
			c.Server+"/api/v1/namespaces/faults/pods?watch=1&resourceVersion="+rv, nil)
		if err != nil {
			return watchEvent{}, err
		}
		long := *client
		long.Timeout = 0
		resp, err := long.Do(req)
		if err != nil {
			return watchEvent{}, err
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			resp.Body.Close()
			time.Sleep(200 * time.Millisecond)
			continue
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return watchEvent{}, fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		if !sc.Scan() {
			return watchEvent{}, fmt.Errorf("no event: %v", sc.Err())
		}
		var ev watchEvent
		err = json.Unmarshal(sc.Bytes(), &ev)
		return ev, err
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
