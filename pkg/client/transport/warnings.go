package transport

import (
	"net/http"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// warnings hands the API server's warnings (Warning: 299 - "text" headers, e.g. a deprecated API) to warn,
// each distinct text once per client, as kubectl prints them. Other warning codes are not for users.
type warnings struct {
	next http.RoundTripper
	warn func(string)

	mu   sync.Mutex
	seen map[string]bool
}

func (w *warnings) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := w.next.RoundTrip(req)
	if err != nil || len(resp.Header.Values("Warning")) == 0 {
		return resp, err
	}
	for _, h := range resp.Header.Values("Warning") {
		for _, text := range parseWarnings(h) {
			w.mu.Lock()
			fresh := !w.seen[text]
			w.seen[text] = true
			w.mu.Unlock()
			if fresh {
				w.warn(text)
			}
		}
	}
	return resp, nil
}

// parseWarnings returns the texts of the code-299 warnings in one header value: comma-separated
// `code agent "text" ["date"]` (RFC 7234 5.5). A malformed warning ends the parse, as in client-go.
func parseWarnings(h string) []string {
	var out []string
	for h = strings.TrimSpace(h); h != ""; h = strings.TrimSpace(h) {
		code, rest, ok := strings.Cut(h, " ")
		if !ok || len(code) != 3 || strings.Trim(code, "0123456789") != "" {
			return out
		}
		agent, rest, ok := strings.Cut(rest, " ")
		if !ok || agent == "" {
			return out
		}
		text, rest, ok := quoted(rest)
		if !ok {
			return out
		}
		if rest = strings.TrimSpace(rest); strings.HasPrefix(rest, `"`) { // a date
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return out
			}
			rest = strings.TrimSpace(rest[end+2:])
		}
		if code == "299" && text != "" && utf8.ValidString(text) && strings.IndexFunc(text, unicode.IsControl) < 0 {
			out = append(out, text)
		}
		if rest != "" && rest[0] != ',' {
			return out
		}
		h = strings.TrimPrefix(rest, ",")
	}
	return out
}

// quoted reads a quoted string with backslash escapes at the start of s.
func quoted(s string) (text, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}
