package testcluster

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// StopAPIServer kills kube-apiserver and waits until it is gone; etcd, kwok, the
// controller-manager and the scheduler keep running and retry until StartAPIServer brings it
// back. Requests meanwhile fail with "connection refused".
func (c *Cluster) StopAPIServer() error {
	p, err := c.apiserverProc()
	if err != nil {
		return err
	}
	if err := p.kill(); err != nil {
		return err
	}
	return p.wait(10 * time.Second)
}

// StartAPIServer starts kube-apiserver again, on the same port with the same arguments (its
// output is appended to kube-apiserver.log), and waits until /readyz says ok. The other
// processes reconnect by themselves. Only for a cluster started by this process (not Load).
func (c *Cluster) StartAPIServer(ctx context.Context) error {
	p, err := c.apiserverProc()
	if err != nil {
		return err
	}
	if c.apiArgs == nil {
		return errors.New("testcluster: StartAPIServer: the apiserver's arguments are known only to the process that started the cluster")
	}
	if p.alive() {
		return errors.New("testcluster: StartAPIServer: the apiserver is already running")
	}
	if err := c.startProc("kube-apiserver", c.detach, nil, c.apiArgs...); err != nil {
		return fmt.Errorf("testcluster: %w", err)
	}
	if err := c.awaitAPIServer(ctx); err != nil {
		return fmt.Errorf("testcluster: restarting the apiserver: %w%s", err, c.logTails())
	}
	if c.tempDir {
		return nil
	}
	return c.save() // the new pid, for Load
}

// RestartAPIServer is StopAPIServer then StartAPIServer: every connection to the apiserver
// (watches included) is cut, and its caches are rebuilt from etcd.
func (c *Cluster) RestartAPIServer(ctx context.Context) error {
	if err := c.StopAPIServer(); err != nil {
		return err
	}
	return c.StartAPIServer(ctx)
}

// Compact makes every resourceVersion handed out so far too old, as a real cluster's periodic
// etcd compaction eventually does: afterwards a watch from any of them gets 410 Gone (an ERROR
// event whose Status has code 410 and reason Expired, "too old resource version"), and so does a
// list continuing a continue token from before.
//
// It writes a key to etcd (so that the current revision is newer than any resourceVersion seen),
// compacts etcd's history up to that revision, and restarts the apiserver: its watch cache would
// otherwise go on serving old events from memory, and once rebuilt it starts from the new
// revision. So, like RestartAPIServer, it cuts every open watch, which then has to resume from
// its last resourceVersion and meets the 410. Takes a few seconds.
func (c *Cluster) Compact(ctx context.Context) error {
	rev, err := c.etcdBump(ctx)
	if err != nil {
		return fmt.Errorf("testcluster: compact: %w", err)
	}
	if _, err := c.etcdPost(ctx, "/v3/kv/compaction", map[string]any{"revision": strconv.FormatInt(rev, 10), "physical": true}); err != nil {
		return fmt.Errorf("testcluster: compact: %w", err)
	}
	return c.RestartAPIServer(ctx)
}

// etcdBump puts a key of the harness's own (outside the apiserver's /registry prefix) and
// returns etcd's revision after the write.
func (c *Cluster) etcdBump(ctx context.Context) (int64, error) {
	b64 := base64.StdEncoding.EncodeToString
	body, err := c.etcdPost(ctx, "/v3/kv/put", map[string]any{
		"key":   b64([]byte("/kubex-testcluster/compact")),
		"value": b64([]byte(time.Now().UTC().Format(time.RFC3339Nano))),
	})
	if err != nil {
		return 0, err
	}
	var resp struct {
		Header struct {
			Revision string `json:"revision"` // int64 travels as a JSON string
		} `json:"header"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return 0, fmt.Errorf("etcd put: %w: %s", err, body)
	}
	rev, err := strconv.ParseInt(resp.Header.Revision, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("etcd put: no revision in %s", body)
	}
	return rev, nil
}

// etcdPost calls etcd's JSON gateway (its gRPC API over HTTP) on the client URL.
func (c *Cluster) etcdPost(ctx context.Context, path string, req any) ([]byte, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.EtcdURL+path, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return nil, fmt.Errorf("etcd %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("etcd %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("etcd %s: HTTP %d: %s", path, resp.StatusCode, body)
	}
	return body, nil
}

func (c *Cluster) apiserverProc() (*proc, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return nil, errors.New("testcluster: the cluster is stopped")
	}
	i := slices.IndexFunc(c.procs, func(p *proc) bool { return p.name == "kube-apiserver" })
	if i < 0 {
		return nil, errors.New("testcluster: no kube-apiserver process")
	}
	return c.procs[i], nil
}
