package discovery

import (
	"context"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kubex-cli/kubex/pkg/client/transport"
	"github.com/kubex-cli/kubex/pkg/config"
)

// TestOneConnection: loading /api and /apis through the real client opens one connection, and over
// HTTP/2 still sends both at once (one round trip when warm).
func TestOneConnection(t *testing.T) {
	docs := aggregatedDocs(t)
	for _, tc := range []struct {
		name        string
		tls, h2     bool
		wantOverlap bool // /apis arrives while /api is still being answered
	}{
		{name: "HTTP/2", tls: true, h2: true, wantOverlap: true},
		{name: "HTTP/1.1 over TLS", tls: true},
		{name: "plain HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var conns atomic.Int32
			apisSeen := make(chan struct{})
			var once sync.Once
			var overlap atomic.Bool
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case "/api":
					if tc.wantOverlap {
						// Hold /api until /apis shows up; had they been sent one after the other, this waits.
						select {
						case <-apisSeen:
							overlap.Store(true)
						case <-time.After(2 * time.Second):
						}
					}
				case "/apis":
					once.Do(func() { close(apisSeen) })
				}
				doc := docs[r.URL.Path]
				w.Header().Set("Content-Type", doc.contentType)
				w.Write(doc.body)
			}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			r := &config.Resolved{}
			if tc.tls {
				srv.EnableHTTP2 = tc.h2
				srv.StartTLS()
				r.CertificateAuthorityData = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
			} else {
				srv.Start()
			}
			defer srv.Close()
			r.Server = srv.URL
			c, err := transport.New(r, transport.Options{Environ: []string{}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := New(c, "").Groups(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("%d connections, want 1", n)
			}
			if tc.wantOverlap && !overlap.Load() {
				t.Error("/apis was not sent until /api was answered")
			}
		})
	}
}
