package transport

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"
)

// compression asks the server for gzip and hands callers the decoded body, as net/http's transport would
// (which is switched off so that this layer is the only place it happens). The apiserver compresses large
// list responses, which makes `get` over slow links much faster.
type compression struct {
	next http.RoundTripper
}

func (c *compression) RoundTrip(req *http.Request) (*http.Response, error) {
	// Same exclusions as net/http: a caller's own Accept-Encoding or a Range request gets the raw bytes, and
	// HEAD has no body. Upgrades carry a stream, not an entity.
	if req.Header.Get("Accept-Encoding") != "" || req.Header.Get("Range") != "" ||
		req.Method == http.MethodHead || isUpgrade(req) {
		return c.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := c.next.RoundTrip(req)
	if err != nil || !strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		return resp, err
	}
	resp.Body = &gzipBody{body: resp.Body}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	resp.Uncompressed = true
	return resp, nil
}

// gzipBody decompresses lazily: creating the gzip reader reads the header, which would block a stream that
// has not sent anything yet.
type gzipBody struct {
	body io.ReadCloser
	zr   *gzip.Reader
	err  error
}

func (g *gzipBody) Read(p []byte) (int, error) {
	if g.zr == nil && g.err == nil {
		g.zr, g.err = gzip.NewReader(g.body)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.zr.Read(p)
}

func (g *gzipBody) Close() error { return g.body.Close() }
