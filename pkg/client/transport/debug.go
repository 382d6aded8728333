package transport

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// debugLogger prints requests and responses for -v the way kubectl does (klog lines from client-go's
// round_trippers.go and rest/request.go):
//
//	-v6  "Response" verb url status milliseconds
//	-v7  "Request" verb url headers; "Response" status milliseconds
//	-v8  as 7, plus response headers and bodies truncated to 1024 bytes
//	-v9  "Request" as a curl command; "Response" verb url status headers milliseconds; bodies up to 10240
//	-v10 as 9 with whole bodies
//
// Credentials never reach the output: Authorization-like headers are masked as client-go masks them,
// cookies entirely, JSON fields named like tokens, passwords and key data are masked in bodies, and every
// secret the chain knows (tokens, passwords, the plugin's token and key) is scrubbed from each line.
type debugLogger struct {
	next      http.RoundTripper
	verbosity int
	secrets   *secretSet
	jsonField *regexp.Regexp
	pid       int

	mu  sync.Mutex // one line is one Write, and lines from concurrent requests do not interleave
	out io.Writer
}

func newDebugLogger(next http.RoundTripper, verbosity int, out io.Writer, secrets *secretSet) *debugLogger {
	return &debugLogger{
		next:      next,
		verbosity: verbosity,
		secrets:   secrets,
		out:       out,
		pid:       os.Getpid(),
		jsonField: regexp.MustCompile(`(?i)("[^"]*(?:token|password|passwd|keydata|key-data)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"`),
	}
}

// bodyLimit is how much of a body -v shows; -1 is all of it.
func (d *debugLogger) bodyLimit() int {
	switch {
	case d.verbosity >= 10:
		return -1
	case d.verbosity >= 9:
		return 10240
	default:
		return 1024
	}
}

func (d *debugLogger) RoundTrip(req *http.Request) (*http.Response, error) {
	v := d.verbosity
	if v >= 8 && req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		if rc, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(rc)
			rc.Close()
			d.log("Request Body", "body", d.formatBody(b, len(b)))
		}
	}
	switch {
	case v >= 9:
		d.log("Request", "curlCommand", d.curl(req))
	case v >= 7:
		d.log("Request", "verb", req.Method, "url", req.URL.Redacted(), "headers", d.headers(req.Header))
	}

	start := time.Now()
	resp, err := d.next.RoundTrip(req)
	ms := time.Since(start).Milliseconds()

	statusText := ""
	var respHeader http.Header
	if err == nil {
		statusText, respHeader = resp.Status, resp.Header
	}
	switch {
	case v >= 9:
		d.log("Response", "verb", req.Method, "url", req.URL.Redacted(), "status", statusText, "headers", d.headers(respHeader), "milliseconds", ms)
	case v >= 8:
		d.log("Response", "status", statusText, "headers", d.headers(respHeader), "milliseconds", ms)
	case v >= 7:
		d.log("Response", "status", statusText, "milliseconds", ms)
	default:
		d.log("Response", "verb", req.Method, "url", req.URL.Redacted(), "status", statusText, "milliseconds", ms)
	}
	if err == nil && v >= 8 && resp.StatusCode != http.StatusSwitchingProtocols && resp.Body != nil {
		// The body is logged as the caller reads it, so that streams (watch) still stream.
		resp.Body = &loggedBody{body: resp.Body, d: d, limit: d.bodyLimit()}
	}
	return resp, err
}

// loggedBody keeps the first bytes a caller reads and logs them at EOF or Close, whichever comes first.
type loggedBody struct {
	body  io.ReadCloser
	d     *debugLogger
	limit int

	// mu guards the copy, not the Read: Close from another goroutine must still interrupt a blocked read
	// (that is how a watch is stopped).
	mu    sync.Mutex
	buf   bytes.Buffer
	total int
	done  bool
}

func (l *loggedBody) Read(p []byte) (int, error) {
	n, err := l.body.Read(p)
	if n > 0 {
		l.mu.Lock()
		keep := n
		if l.limit >= 0 && l.buf.Len()+keep > l.limit {
			keep = max(l.limit-l.buf.Len(), 0)
		}
		l.buf.Write(p[:keep])
		l.total += n
		l.mu.Unlock()
	}
	if err == io.EOF {
		l.flush()
	}
	return n, err
}

func (l *loggedBody) Close() error {
	l.flush()
	return l.body.Close()
}

func (l *loggedBody) flush() {
	l.mu.Lock()
	if l.done {
		l.mu.Unlock()
		return
	}
	l.done = true
	body := l.d.formatBody(l.buf.Bytes(), l.total)
	l.mu.Unlock()
	l.d.log("Response Body", "body", body)
}

// formatBody shows b (the first bytes of a body of total bytes) as text, or as a hex dump when it holds
// control characters, as client-go's logBody does. Masking and scrubbing happen on the bytes, before the
// dump: a dump breaks a secret across lines, where neither would find it.
func (d *debugLogger) formatBody(b []byte, total int) string {
	limit := d.bodyLimit()
	if limit >= 0 && len(b) > limit {
		b = b[:limit]
	}
	shown := len(b)
	masked := d.secrets.scrub(d.jsonField.ReplaceAllString(string(b), `$1"<masked>"`))
	var s string
	// client-go dumps a body holding a control below newline; so does kubex for any control but tab and
	// newline, DEL, a C1 control or bytes that are not UTF-8, so that a body cannot drive the terminal.
	if strings.IndexFunc(masked, isControl) >= 0 || !utf8.ValidString(masked) {
		s = hex.Dump([]byte(masked))
	} else {
		s = masked
	}
	if total > shown {
		s += fmt.Sprintf(" [truncated %d chars]", total-shown)
	}
	return s
}

// isControl is a character a terminal may act on: C0 but tab and newline, DEL, C1.
func isControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || r >= 0x7f && r <= 0x9f
}

// neutralise makes the controls left in a log line (a header or URL from the server) visible as \u escapes
// and bytes that are not UTF-8 as \x escapes; tab and newline stay.
func neutralise(s string) string {
	if strings.IndexFunc(s, isControl) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case isControl(r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// headers renders h sorted, one "Key: value" per line, with credentials masked.
func (d *debugLogger) headers(h http.Header) string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, maskHeader(k, v))
		}
	}
	return b.String()
}

func (d *debugLogger) curl(req *http.Request) string {
	var b strings.Builder
	fmt.Fprintf(&b, "curl -v -X%s ", req.Method)
	keys := make([]string, 0, len(req.Header))
	for k := range req.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range req.Header[k] {
			fmt.Fprintf(&b, " -H %q", k+": "+maskHeader(k, v))
		}
	}
	fmt.Fprintf(&b, " '%s'\n", req.URL.Redacted())
	return b.String()
}

// maskHeader hides credentials in a header value. For Authorization it keeps the scheme of the known ones
// ("Bearer <masked>"), as client-go's maskValue does.
func maskHeader(key, value string) string {
	k := strings.ToLower(key)
	switch {
	case k == "authorization" || k == "proxy-authorization":
		if value == "" {
			return ""
		}
		scheme, _, hasCred := strings.Cut(value, " ")
		switch strings.ToLower(scheme) {
		case "bearer", "basic", "negotiate":
			if hasCred {
				return scheme + " <masked>"
			}
			return scheme
		}
		return "<masked>"
	case k == "cookie" || k == "set-cookie" ||
		strings.Contains(k, "token") || strings.Contains(k, "password") || strings.Contains(k, "secret"):
		return "<masked>"
	}
	return value
}

// log writes one klog-style line: I<mmdd hh:mm:ss.uuuuuu> <pid> debug.go] "msg" key=value ...
func (d *debugLogger) log(msg string, kv ...any) {
	var b strings.Builder
	now := time.Now()
	// klog's header names file:line; tools that parse kubectl's -v output expect both.
	_, file, lineNo, _ := runtime.Caller(1)
	fmt.Fprintf(&b, "I%s %7d %s:%d] %q", now.Format("0102 15:04:05.000000"), d.pid, filepath.Base(file), lineNo, msg)
	for i := 0; i+1 < len(kv); i += 2 {
		b.WriteByte(' ')
		b.WriteString(kv[i].(string))
		b.WriteByte('=')
		switch v := kv[i+1].(type) {
		case string:
			b.WriteString(klogString(v))
		default:
			fmt.Fprint(&b, v)
		}
	}
	b.WriteByte('\n')
	line := neutralise(d.secrets.scrub(b.String()))
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _ = io.WriteString(d.out, line)
}

// klogString quotes a single-line value and sets a multi-line one off as klog's text format does:
// key=<\n\tline\n\tline\n >.
func klogString(s string) string {
	if !strings.Contains(s, "\n") {
		return strconv.Quote(s)
	}
	var b strings.Builder
	b.WriteString("<\n")
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString("\t")
		b.WriteString(line)
		b.WriteString("\n")
	}
	b.WriteString(" >")
	return b.String()
}

// secretSet is every credential value the chain has handled, so that debug output can scrub them wherever
// they turn up (a URL, a body echoed by a server, a header we did not think of).
type secretSet struct {
	mu   sync.RWMutex
	vals []string
}

// minSecretLen keeps tiny values (a one-letter test password) from turning all output into "<masked>".
const minSecretLen = 4

func (s *secretSet) add(v string) {
	if len(v) < minSecretLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, have := range s.vals {
		if have == v {
			return
		}
	}
	s.vals = append(s.vals, v)
	// Longest first, so a secret containing another is replaced whole.
	sort.Slice(s.vals, func(i, j int) bool { return len(s.vals[i]) > len(s.vals[j]) })
}

func (s *secretSet) scrub(text string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.vals {
		text = strings.ReplaceAll(text, v, "<masked>")
	}
	return text
}
