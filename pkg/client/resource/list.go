package resource

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// Header is what a List or Table body says before its items: kind, apiVersion, list metadata and, for a
// Table, its column definitions.
type Header struct {
	Kind       string
	APIVersion string
	Metadata   struct {
		ResourceVersion    string `json:"resourceVersion"`
		Continue           string `json:"continue"`
		RemainingItemCount *int64 `json:"remainingItemCount"`
	}
	ColumnDefinitions json.RawMessage // Tables only
	// ContentType is the media type the page came in (List sets it): ContentTypeProtobuf when the
	// server answered an Accept that offered protobuf with it, and its items are then protobuf messages.
	ContentType string
}

// IsTable reports whether the body was a meta.k8s.io Table (rows) rather than a List (items).
func (h *Header) IsTable() bool { return h.Kind == "Table" }

// DecodeList reads a List or a Table from r as a stream. header is called once, when the items (or rows)
// begin or, for a body without any, at its end; then item is called for each element as it is read. The
// bytes passed to item are reused for the next one: copy what must outlive the call. Elements are cut
// out, not validated: their decoder checks them. An element (or a field) over transport.MaxObjectBytes is
// a *transport.TooLargeError: a server that never ends an item cannot take all memory. Fields that arrive after the items (the API server sends
// none) still land in h.
func DecodeList(r io.Reader, h *Header, header func(*Header) error, item func(json.RawMessage) error) error {
	s := newScanner(r)
	announced := false
	announce := func() error {
		if announced || header == nil {
			announced = true
			return nil
		}
		announced = true
		return header(h)
	}
	if _, err := s.expect("{"); err != nil {
		return decodeError(err)
	}
	if c, err := s.peek(); err != nil {
		return decodeError(err)
	} else if c == '}' {
		s.pos++
		return announce()
	}
	for {
		key, err := s.str()
		if err != nil {
			return decodeError(err)
		}
		if _, err := s.expect(":"); err != nil {
			return decodeError(err)
		}
		switch key {
		case "items", "rows":
			if err := announce(); err != nil {
				return err
			}
			if err := eachElement(s, item); err != nil {
				return err
			}
		default:
			v, err := s.value()
			if err != nil {
				return decodeError(err)
			}
			var dst any
			switch key {
			case "kind":
				dst = &h.Kind
			case "apiVersion":
				dst = &h.APIVersion
			case "metadata":
				dst = &h.Metadata
			case "columnDefinitions":
				h.ColumnDefinitions = append(json.RawMessage(nil), v...)
			}
			if dst != nil {
				if err := json.Unmarshal(v, dst); err != nil {
					return decodeError(err)
				}
			}
		}
		c, err := s.expect(",}")
		if err != nil {
			return decodeError(err)
		}
		if c == '}' {
			return announce()
		}
	}
}

// eachElement calls item for each element of the array (or null) that comes next.
func eachElement(s *scanner, item func(json.RawMessage) error) error {
	c, err := s.peek()
	if err != nil {
		return decodeError(err)
	}
	if c == 'n' {
		_, err := s.value() // null: no items
		return decodeError(err)
	}
	if _, err := s.expect("["); err != nil {
		return decodeError(err)
	}
	if c, err := s.peek(); err != nil {
		return decodeError(err)
	} else if c == ']' {
		s.pos++
		return nil
	}
	for {
		v, err := s.value()
		if err != nil {
			return decodeError(err)
		}
		if err := item(v); err != nil {
			return err
		}
		if c, err := s.expect(",]"); err != nil {
			return decodeError(err)
		} else if c == ']' {
			return nil
		}
	}
}

func decodeError(err error) error {
	if err == nil {
		return nil
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("decoding the server's answer: %w", err)
}

// Doer is the part of *transport.Client a Lister uses.
type Doer interface {
	NewRequest(ctx context.Context, method, pathAndQuery string, body io.Reader) (*http.Request, error)
	Do(req *http.Request) (*http.Response, error)
}

var _ Doer = (*transport.Client)(nil)

// Get sends a GET for pathAndQuery with accept and returns the response, or the API error it carries.
func Get(ctx context.Context, c Doer, pathAndQuery, accept string) (*http.Response, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, pathAndQuery, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", accept)
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	if err := transport.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// GetObject reads the object at pathAndQuery whole, up to transport.MaxObjectBytes: past that it is a
// *transport.TooLargeError, never a silently cut object.
func GetObject(ctx context.Context, c Doer, pathAndQuery, accept string) ([]byte, error) {
	resp, err := Get(ctx, c, pathAndQuery, accept)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return transport.ReadAllLimited(resp.Body, transport.MaxObjectBytes, "the server's answer")
}

// List reads the collection at path page by page (opts.Limit items a page, following continue tokens),
// calling page for each page's header and item for each of its items, in order. Each page is decoded
// as the media type the server answered in: when accept offers protobuf and the server uses it, the
// header's ContentType is ContentTypeProtobuf and the items are protobuf messages, not JSON. The next page is asked
// for as soon as this page's continue token has been read, so it travels while this one is printed. It
// returns the first page's header: the list's resourceVersion is the one of its first page.
func List(ctx context.Context, c Doer, path, accept string, opts ListOptions, page func(*Header) error, item func(*Header, json.RawMessage) error) (*Header, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type answer struct {
		resp *http.Response
		err  error
	}
	fetch := func(cont string) <-chan answer {
		ch := make(chan answer, 1)
		o := opts
		o.Continue = cont
		go func() {
			resp, err := Get(ctx, c, WithQuery(path, o), accept)
			ch <- answer{resp, err}
		}()
		return ch
	}
	// A prefetched page that is not going to be read must not leak its connection.
	var pending <-chan answer
	defer func() {
		if pending != nil {
			cancel()
			if a := <-pending; a.resp != nil {
				a.resp.Body.Close()
			}
		}
	}()

	var first *Header
	pending = fetch(opts.Continue)
	for pending != nil {
		a := <-pending
		pending = nil
		if a.err != nil {
			return first, a.err
		}
		h := &Header{ContentType: mediaType(a.resp.Header.Get("Content-Type"))}
		header := func(h *Header) error {
			if h.Metadata.Continue != "" && opts.Limit > 0 {
				pending = fetch(h.Metadata.Continue)
			}
			if first == nil {
				first = h
			}
			if page != nil {
				return page(h)
			}
			return nil
		}
		var err error
		if h.ContentType == ContentTypeProtobuf {
			err = DecodeProtobufList(a.resp.Body, h, header, func(raw []byte) error { return item(h, raw) })
		} else {
			err = DecodeList(a.resp.Body, h, header, func(raw json.RawMessage) error { return item(h, raw) })
		}
		a.resp.Body.Close()
		if err != nil {
			return first, err
		}
		if pending == nil && h.Metadata.Continue != "" && opts.Limit > 0 {
			// The list's metadata came after its items (the API server never does this, a re-encoding
			// proxy may): the continue token is known only now, and the list must not end silently short.
			pending = fetch(h.Metadata.Continue)
		}
	}
	return first, nil
}

// mediaType is a Content-Type without its parameters, lower-cased.
func mediaType(contentType string) string {
	t, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(t))
}
