package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/kubex-cli/kubex/pkg/client/transport"
)

// class is what a failure means for the watch.
type class int

const (
	classFatal      class = iota // report it: 401, 403, 404, a malformed stream, Decode's error...
	classTransient               // wait and try again: dropped connections, 5xx, 429
	classConnection              // no answer at all: transient once the server has answered, fatal before
	classGone                    // 410 Gone or a resourceVersion the server does not have yet: relist
	classRefused                 // another 4xx, or a streaming list that never ends: fatal, except that a
	// streaming list falls back to List
)

// classify sorts err, which came from Source.List, Source.Watch, reading a watch body or an ERROR event.
func classify(err error) class {
	var se *transport.StatusError
	var ce *transport.ConnectionError
	var fe *FrameError
	var ne net.Error
	var ee *emitError
	switch {
	case errors.As(err, &ee):
		return classFatal
	case errors.Is(err, errNoInitialEventsEnd):
		return classRefused
	case errors.Is(err, errClosedEarly), errors.Is(err, errStreamEnded):
		return classTransient
	case errors.As(err, &se):
		return classifyStatus(se)
	case errors.As(err, &ce):
		switch ce.Cause {
		case transport.CauseUnknownCA, transport.CauseCertificate, transport.CauseCredentials:
			return classFatal
		}
		return classConnection
	case errors.As(err, &fe):
		return classFatal
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		// Run checks its own context first, so these are a request's own timeout (http.Client.Timeout).
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE),
		errors.As(err, &ne):
		return classTransient
	}
	msg := err.Error()
	for _, s := range []string{
		"connection reset by peer",
		"use of closed network connection",
		"broken pipe",
		"http2: server sent GOAWAY",
		"http2: client connection lost",
		"http2: response body closed",
		"stream error: stream ID",
	} {
		if strings.Contains(msg, s) {
			return classTransient
		}
	}
	return classFatal
}

func classifyStatus(se *transport.StatusError) class {
	switch {
	case transport.IsGone(se), hasCause(se, "ResourceVersionTooLarge"):
		return classGone
	case se.Code == http.StatusTooManyRequests, se.Code >= 500:
		return classTransient
	case se.Code == 0:
		switch se.Reason {
		case "InternalError", "ServiceUnavailable", "Timeout", "ServerTimeout", "TooManyRequests":
			return classTransient
		}
	case se.Code == http.StatusUnauthorized, se.Code == http.StatusForbidden, se.Code == http.StatusNotFound:
		return classFatal
	case se.Code < 400:
		return classFatal // a Status that is no error: nothing to retry
	}
	if se.Reason == "Unauthorized" || se.Reason == "Forbidden" || se.Reason == "NotFound" {
		return classFatal
	}
	return classRefused
}

func hasCause(se *transport.StatusError, cause string) bool {
	if se.Details == nil {
		return false
	}
	for _, c := range se.Details.Causes {
		if c.Type == cause {
			return true
		}
	}
	return false
}

// status is the wire form of metav1.Status, the object of an ERROR event.
type status struct {
	Kind    string                   `json:"kind"`
	Status  string                   `json:"status"`
	Message string                   `json:"message"`
	Reason  string                   `json:"reason"`
	Details *transport.StatusDetails `json:"details"`
	Code    int                      `json:"code"`
}

// errorEventStatus is the *transport.StatusError an ERROR event carries, as client-go's apierrors.FromObject
// makes of it: {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure",
// "message":"too old resource version: 1 (5)","reason":"Expired","code":410}}.
func errorEventStatus(ev Event) error {
	var s status
	if len(ev.Object) == 0 || json.Unmarshal(ev.Object, &s) != nil || s.Kind != "Status" {
		return fmt.Errorf("watch ERROR event without a Status: %s", excerpt(ev.Object))
	}
	msg := s.Message
	if msg == "" {
		msg = fmt.Sprintf("watch ERROR event: %s", excerpt(ev.Object))
	}
	if s.Status == "" {
		s.Status = "Failure"
	}
	return &transport.StatusError{Code: s.Code, Reason: s.Reason, Message: msg, Status: s.Status, Details: s.Details}
}

func excerpt(b []byte) string {
	const n = 200
	if len(b) == 0 {
		return "null"
	}
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
