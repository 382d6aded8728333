package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

// seedSizes is how many pods each benchmark namespace gets: 3000 in three namespaces, a small one,
// and the one pod the streaming rows exec into.
var seedSizes = map[string]int{"bench-1": 1000, "bench-2": 1000, "bench-3": 1000, "small": 25, streamNamespace: 1}

// seeder creates the benchmark's pods once per namespace, with concurrent POSTs over one
// HTTP/2 connection as admin.
type seeder struct {
	c      *testcluster.Cluster
	client *http.Client
	done   map[string]bool
}

func newSeeder(c *testcluster.Cluster) (*seeder, error) {
	client, err := adminClient(c.CAFile, c.AdminCert, c.AdminKey)
	if err != nil {
		return nil, err
	}
	return &seeder{c: c, client: client, done: map[string]bool{}}, nil
}

// pods returns how many pods have been seeded so far (the cluster has no others).
func (s *seeder) pods() int {
	n := 0
	for ns := range s.done {
		n += seedSizes[ns]
	}
	return n
}

// ensure seeds the namespaces not seeded yet and waits until all their pods are Running, so
// that the rows see objects that no longer change.
func (s *seeder) ensure(ctx context.Context, namespaces ...string) error {
	var todo []string
	for _, ns := range namespaces {
		if !s.done[ns] {
			todo = append(todo, ns)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	began := time.Now()
	type job struct{ ns, body string }
	jobs := make(chan job)
	errc := make(chan error, 1)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for j := range jobs {
				if err := s.post(ctx, "/api/v1/namespaces/"+j.ns+"/pods", j.body); err != nil {
					select {
					case errc <- err:
					default:
					}
				}
			}
		})
	}
	total := 0
	for _, ns := range todo {
		if err := s.post(ctx, "/api/v1/namespaces", fmt.Sprintf(`{"metadata":{"name":%q}}`, ns)); err != nil {
			close(jobs)
			wg.Wait()
			return err
		}
		for i := range seedSizes[ns] {
			jobs <- job{ns, podJSON(ns, i, s.c.NodeName)}
			total++
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errc:
		return err
	default:
	}
	created := time.Since(began)
	for _, ns := range todo {
		if err := s.awaitRunning(ctx, ns); err != nil {
			return err
		}
		s.done[ns] = true
	}
	fmt.Fprintf(os.Stderr, "bench: seeded %d pods in %v (created in %v), %d pods in all\n",
		total, time.Since(began).Round(10*time.Millisecond), created.Round(10*time.Millisecond), s.pods())
	return nil
}

// podJSON is a pod much like one of a Deployment's; spec.nodeName spares the scheduler's time.
func podJSON(ns string, i int, node string) string {
	return fmt.Sprintf(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-%05d","namespace":%q,
"labels":{"app":"web","tier":"frontend","pod-template-hash":"5d8f9c7b6d"},
"annotations":{"kubex.dev/bench":"seeded"}},
"spec":{"nodeName":%q,"containers":[{"name":"web","image":"registry.example.com/team/web:1.27.3",
"args":["--port=8080","--log-level=info"],"ports":[{"name":"http","containerPort":8080,"protocol":"TCP"}],
"env":[{"name":"MODE","value":"bench"},{"name":"POD_INDEX","value":"%d"}],
"resources":{"requests":{"cpu":"10m","memory":"16Mi"},"limits":{"memory":"64Mi"}},
"readinessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":10}}],
"tolerations":[{"key":"kwok.x-k8s.io/node","operator":"Exists","effect":"NoSchedule"}]}}`, i, ns, node, i)
}

func (s *seeder) post(ctx context.Context, path, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.c.Server+path, bytes.NewReader([]byte(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("seeding: POST %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusConflict {
		return fmt.Errorf("seeding: POST %s: HTTP %d: %s", path, resp.StatusCode, b)
	}
	return nil
}

// awaitRunning waits until kwok has made every pod of ns Running.
func (s *seeder) awaitRunning(ctx context.Context, ns string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	path := s.c.Server + "/api/v1/namespaces/" + ns + "/pods?limit=1&fieldSelector=status.phase!%3DRunning"
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, path, nil)
		if err != nil {
			return err
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return fmt.Errorf("seeding: waiting for the pods of %s to be Running: %w", ns, err)
		}
		var l struct{ Items []json.RawMessage }
		err = json.NewDecoder(resp.Body).Decode(&l)
		resp.Body.Close()
		if err == nil && resp.StatusCode == http.StatusOK && len(l.Items) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("seeding: waiting for the pods of %s to be Running: %w", ns, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// adminClient is an HTTP/2 client with the admin client certificate, as kubex and kubectl use.
// Go's transport asks for gzip and decodes it, as they do.
func adminClient(caFile, certFile, keyFile string) (*http.Client, error) {
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s", caFile)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}},
		ForceAttemptHTTP2: true,
	}}, nil
}
