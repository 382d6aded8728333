package fakeapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/internal/testcluster"
)

var record = flag.Bool("record", false, "start the test cluster and rewrite testdata/*.json from its discovery")

// TestRecord rewrites the recorded discovery: go test ./internal/fakeapi -run TestRecord -record
func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("run with -record to rewrite testdata from a fresh test cluster")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c, err := testcluster.Start(ctx, testcluster.Options{Dir: t.TempDir(), Log: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	ca, err := os.ReadFile(c.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(path, accept string) []byte {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, c.Server+path, nil)
		req.Header.Set("Accept", accept)
		req.Header.Set("Authorization", "Bearer "+c.AdminToken)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s %v", path, resp.StatusCode, b, err)
		}
		var out bytes.Buffer
		if err := json.Indent(&out, b, "", "  "); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return out.Bytes()
	}

	files := map[string][]byte{
		"version.json":         get("/version", "application/json"),
		"aggregated-api.json":  get("/api", aggregatedType),
		"aggregated-apis.json": get("/apis", aggregatedType),
	}
	legacy := map[string]json.RawMessage{"/api": get("/api", "application/json"), "/apis": get("/apis", "application/json")}
	var core struct{ Versions []string }
	var groups struct {
		Groups []struct {
			Name     string
			Versions []struct{ GroupVersion string }
		}
	}
	if err := json.Unmarshal(legacy["/api"], &core); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(legacy["/apis"], &groups); err != nil {
		t.Fatal(err)
	}
	for _, v := range core.Versions {
		legacy["/api/"+v] = get("/api/"+v, "application/json")
	}
	for _, g := range groups.Groups {
		legacy["/apis/"+g.Name] = get("/apis/"+g.Name, "application/json")
		for _, v := range g.Versions {
			legacy["/apis/"+v.GroupVersion] = get("/apis/"+v.GroupVersion, "application/json")
		}
	}
	b, err := json.MarshalIndent(legacy, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	files["legacy.json"] = b
	for name, b := range files {
		if err := os.WriteFile(filepath.Join("testdata", name), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fmt.Printf("recorded %d legacy documents from %s\n", len(legacy), c.Server)
}
