package transport

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// defaultResetWait is how long a GET cut by a reset connection waits before going again; client-go treats
// such an error as an answer carrying "Retry-After: 1".
const defaultResetWait = time.Second

// retry sends a request again when the server says when to, with a Retry-After of whole seconds (client-go's
// checkWait): after a 429 for every verb, since the server turned the request away before acting on it; after
// a 5xx only for idempotent methods, since the server may have acted before failing and a second POST or
// PATCH could act twice. GETs are also retried after connection resets and similar transient errors.
// Requests whose body cannot be replayed go once.
type retry struct {
	next       http.RoundTripper
	maxRetries int
	resetWait  time.Duration
}

func (r *retry) RoundTrip(req *http.Request) (*http.Response, error) {
	if !replayable(req) || isUpgrade(req) {
		return r.next.RoundTrip(req)
	}
	attempt := req
	var prevErr error
	for n := 0; ; n++ {
		resp, err := r.next.RoundTrip(attempt)
		if n >= r.maxRetries {
			return resp, withPrevious(err, prevErr)
		}
		var wait time.Duration
		switch {
		case err != nil:
			if req.Method != http.MethodGet || !transientError(err) {
				return nil, withPrevious(err, prevErr)
			}
			wait, prevErr = r.resetWait, err
		default:
			seconds, ok := retryAfter(resp)
			if !ok || (resp.StatusCode != http.StatusTooManyRequests && !idempotent(req.Method)) {
				return resp, nil
			}
			wait = time.Duration(seconds) * time.Second
			DrainAndClose(resp)
		}

		t := time.NewTimer(wait)
		select {
		case <-req.Context().Done():
			t.Stop()
			return nil, withPrevious(req.Context().Err(), prevErr)
		case <-t.C:
		}
		if attempt, err = rewind(req); err != nil {
			return nil, err
		}
	}
}

// idempotent reports whether sending method twice has the effect of sending it once (RFC 9110 9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// retryAfter is client-go's checkWait: 429 or 5xx with a Retry-After of whole seconds.
func retryAfter(resp *http.Response) (int, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return 0, false
	}
	s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0, false
	}
	return s, true
}

// transientError is a connection dropped under a request (apiserver restarting, idle connection reaped),
// which a GET can safely retry. It mirrors apimachinery's IsConnectionReset, IsProbableEOF and
// IsHTTP2ConnectionLost.
func transientError(err error) bool {
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	msg := err.Error()
	for _, s := range []string{
		"http: can't write HTTP request on broken connection",
		"http2: server sent GOAWAY and closed the connection",
		"http2: client connection lost",
		"connection reset by peer",
		"use of closed network connection",
	} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// withPrevious adds the error of an earlier attempt, as client-go's WrapPreviousError does, so that a final
// "context deadline exceeded" still says what went wrong before.
func withPrevious(err, prev error) error {
	if err == nil || prev == nil || err.Error() == prev.Error() {
		return err
	}
	return &previousError{err: err, prev: prev}
}

type previousError struct{ err, prev error }

func (e *previousError) Error() string {
	return fmt.Sprintf("%s - error from a previous attempt: %s", e.err, e.prev)
}

func (e *previousError) Unwrap() error { return e.err }
