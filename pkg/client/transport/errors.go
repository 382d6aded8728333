package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// StatusError is an API error answer: the server's metav1.Status, or what could be made of a non-Status body.
type StatusError struct {
	Code    int    // HTTP status code
	Reason  string // e.g. NotFound, Forbidden; empty when unknown, as metav1.StatusReasonUnknown
	Message string // e.g. pods "x" not found

	Status  string         // "Failure" for errors the server described itself
	Details *StatusDetails // nil when the server gave none
}

// StatusDetails is metav1.StatusDetails.
type StatusDetails struct {
	Name              string        `json:"name,omitempty"`
	Group             string        `json:"group,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	UID               string        `json:"uid,omitempty"`
	Causes            []StatusCause `json:"causes,omitempty"`
	RetryAfterSeconds int           `json:"retryAfterSeconds,omitempty"`
}

// StatusCause is metav1.StatusCause.
type StatusCause struct {
	Type    string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	Field   string `json:"field,omitempty"`
}

func (e *StatusError) Error() string { return e.Message }

// UserMessage is the line kubectl prints for this error (cmdutil.StandardErrorMessage), without newline.
func (e *StatusError) UserMessage() string {
	switch {
	case e.Reason == "Unauthorized":
		return fmt.Sprintf("error: You must be logged in to the server (%s)", e.Message)
	case e.Reason != "":
		return fmt.Sprintf("Error from server (%s): %s", e.Reason, e.Message)
	default:
		return "Error from server: " + e.Message
	}
}

// status is the wire form of metav1.Status.
type status struct {
	Kind       string         `json:"kind"`
	APIVersion string         `json:"apiVersion"`
	Status     string         `json:"status"`
	Message    string         `json:"message"`
	Reason     string         `json:"reason"`
	Details    *StatusDetails `json:"details"`
	Code       int            `json:"code"`
}

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// maxUnstructuredText is how much of a non-Status body client-go puts into a message.
const maxUnstructuredText = 2048

// ErrorFromResponse returns nil for a response below 400; otherwise it reads and closes the body and
// returns a *StatusError: the server's Status when the body is one, else client-go's generic error for the
// status code (newUnstructuredResponseError), naming the resource of the request path as kubectl's
// resource commands do: "the server could not find the requested resource (get pods x)".
func ErrorFromResponse(resp *http.Response) error { return errorFromResponse(resp, true, true) }

// ErrorFromRawResponse is ErrorFromResponse for requests that kubectl makes by path rather than by resource
// (get --raw): a generic message does not name a resource.
func ErrorFromRawResponse(resp *http.Response) error { return errorFromResponse(resp, false, true) }

// UnstructuredErrorFromResponse is the error client-go gives callers that read a response as raw bytes, as
// discovery does: the Status body is not decoded, the message comes from the status code (or a text body).
// Using it keeps discovery's errors worded as kubectl's, e.g. "You must be logged in to the server (the
// server has asked for the client to provide credentials)".
func UnstructuredErrorFromResponse(resp *http.Response) error {
	return errorFromResponse(resp, false, false)
}

func errorFromResponse(resp *http.Response, nameResource, decodeStatus bool) error {
	if resp.StatusCode < 400 {
		return nil
	}
	var body []byte
	if resp.Body != nil {
		defer resp.Body.Close()
		body, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	}

	var s status
	if decodeStatus && json.Unmarshal(body, &s) == nil && s.Kind == "Status" &&
		(s.APIVersion == "" || s.APIVersion == "v1" || s.APIVersion == "meta.k8s.io/v1") && s.Status == "Failure" {
		code := s.Code
		if code == 0 {
			code = resp.StatusCode
		}
		return &StatusError{Code: code, Reason: s.Reason, Message: s.Message, Status: s.Status, Details: s.Details}
	}

	if len(body) > maxUnstructuredText {
		body = body[:maxUnstructuredText]
	}
	serverMessage := "unknown"
	if isTextResponse(resp) {
		serverMessage = strings.TrimSpace(string(body))
	}
	method, resource, name := "", "", ""
	if resp.Request != nil {
		method = resp.Request.Method
		if nameResource {
			resource, name = resourceOf(resp.Request.URL)
		}
	}
	e := genericError(resp.StatusCode, method, resource, name, serverMessage)
	if s, ok := retryAfter(resp); ok {
		e.Details.RetryAfterSeconds = s
	}
	return e
}

// genericError is apimachinery's NewGenericServerResponse: the reason and wording kubectl shows when the
// server did not explain itself.
func genericError(code int, method, resource, name, serverMessage string) *StatusError {
	reason := ""
	message := fmt.Sprintf("the server responded with the status code %d but did not return more information", code)
	switch code {
	case http.StatusConflict:
		if method == http.MethodPost {
			reason = "AlreadyExists"
		} else {
			reason = "Conflict"
		}
		message = "the server reported a conflict"
	case http.StatusNotFound:
		reason, message = "NotFound", "the server could not find the requested resource"
	case http.StatusBadRequest:
		reason, message = "BadRequest", "the server rejected our request for an unknown reason"
	case http.StatusUnauthorized:
		reason, message = "Unauthorized", "the server has asked for the client to provide credentials"
	case http.StatusForbidden:
		// The server's text says who may not do what; keep it.
		reason, message = "Forbidden", serverMessage
	case http.StatusNotAcceptable:
		reason, message = "NotAcceptable", serverMessage
		if serverMessage == "" || serverMessage == "unknown" {
			message = "the server was unable to respond with a content type that the client supports"
		}
	case http.StatusUnsupportedMediaType:
		reason, message = "UnsupportedMediaType", serverMessage
	case http.StatusMethodNotAllowed:
		reason, message = "MethodNotAllowed", "the server does not allow this method on the requested resource"
	case http.StatusUnprocessableEntity:
		reason, message = "Invalid", "the server rejected our request due to an error in our request"
	case http.StatusServiceUnavailable:
		reason, message = "ServiceUnavailable", "the server is currently unable to handle the request"
	case http.StatusGatewayTimeout:
		reason, message = "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request"
	case http.StatusTooManyRequests:
		reason, message = "TooManyRequests", "the server has received too many requests and has asked us to try again later"
	default:
		if code >= 500 {
			reason = "InternalError"
			message = fmt.Sprintf("an error on the server (%q) has prevented the request from succeeding", serverMessage)
		}
	}
	switch {
	case resource != "" && name != "":
		message = fmt.Sprintf("%s (%s %s %s)", message, strings.ToLower(method), resource, name)
	case resource != "":
		message = fmt.Sprintf("%s (%s %s)", message, strings.ToLower(method), resource)
	}
	return &StatusError{
		Code:    code,
		Reason:  reason,
		Message: message,
		Status:  "Failure",
		Details: &StatusDetails{
			Name:   name,
			Causes: []StatusCause{{Type: "UnexpectedServerResponse", Message: serverMessage}},
		},
	}
}

// isTextResponse is client-go's test for a body worth quoting: no Content-Type, or text/*.
func isTextResponse(resp *http.Response) bool {
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	media, _, err := mime.ParseMediaType(ct)
	return err == nil && strings.HasPrefix(media, "text/")
}

// resourceOf finds the group-qualified resource ("pods", "deployments.apps") and name in an API path, which
// client-go knows from the request builder and adds to generic messages as "(get pods x)".
func resourceOf(u *url.URL) (resource, name string) {
	if u == nil {
		return "", ""
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	var group string
	var rest []string
	for i, s := range segs {
		if s == "api" && i+2 <= len(segs) {
			rest = segs[i+2:]
			break
		}
		if s == "apis" && i+3 <= len(segs) {
			group, rest = segs[i+1], segs[i+3:]
			break
		}
	}
	if len(rest) > 0 && rest[0] == "watch" {
		rest = rest[1:]
	}
	if len(rest) >= 3 && rest[0] == "namespaces" {
		rest = rest[2:]
	}
	if len(rest) == 0 || rest[0] == "" {
		return "", ""
	}
	resource = rest[0]
	if group != "" {
		resource += "." + group
	}
	if len(rest) > 1 {
		name = rest[1]
	}
	return resource, name
}

// reasonAndCode lets the Is* helpers treat a generic error like apimachinery does: the reason when it
// is known, else the status code.
func reasonAndCode(err error) (string, int, bool) {
	var se *StatusError
	if !errors.As(err, &se) {
		return "", 0, false
	}
	return se.Reason, se.Code, true
}

func isReason(err error, reason string, code int) bool {
	r, c, ok := reasonAndCode(err)
	if !ok {
		return false
	}
	return r == reason || (r == "" && c == code)
}

// IsNotFound reports a NotFound StatusError (or a 404 without a reason).
func IsNotFound(err error) bool { return isReason(err, "NotFound", http.StatusNotFound) }

// IsAlreadyExists reports an AlreadyExists StatusError.
func IsAlreadyExists(err error) bool { return isReason(err, "AlreadyExists", http.StatusConflict) }

// IsConflict reports a Conflict StatusError (or a 409 without a reason).
func IsConflict(err error) bool { return isReason(err, "Conflict", http.StatusConflict) }

// IsForbidden reports a Forbidden StatusError (or a 403 without a reason).
func IsForbidden(err error) bool { return isReason(err, "Forbidden", http.StatusForbidden) }

// IsUnauthorized reports an Unauthorized StatusError (or a 401 without a reason).
func IsUnauthorized(err error) bool { return isReason(err, "Unauthorized", http.StatusUnauthorized) }

// IsGone reports that a watch or list continuation is too old: reason Gone or Expired, or a bare 410.
func IsGone(err error) bool {
	return isReason(err, "Gone", http.StatusGone) || isReason(err, "Expired", http.StatusGone)
}

// Causes of a ConnectionError.
const (
	CauseRefused     = "connection refused"
	CauseUnknownCA   = "certificate signed by unknown authority"
	CauseCertificate = "invalid server certificate"
	CauseTLS         = "TLS handshake failed"
	CauseTimeout     = "timeout"
	CauseDNS         = "host name not resolved"
	CauseProxy       = "proxy failure"
	CauseCredentials = "credentials unavailable"
	CauseCanceled    = "canceled"
	CauseNetwork     = "network error"
)

// credentialsErrText starts the error of a credential plugin that could not produce credentials.
const credentialsErrText = "getting credentials: "

// ConnectionError is a request that got no HTTP response at all.
type ConnectionError struct {
	Server string // host:port of the API server
	Cause  string // one of the Cause* constants: the likely reason
	Err    error  // what the transport said

	op, url string // from the *url.Error, when the error came out of an http.Client
}

func (e *ConnectionError) Error() string {
	if e.url != "" {
		return fmt.Sprintf("%s %q: %v", e.op, e.url, e.Err)
	}
	return e.Err.Error()
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// UserMessage is kubectl's line for a connection failure (cmdutil.StandardErrorMessage), except that it
// always names the server: with several kubeconfig files in play, which server failed is the first question.
func (e *ConnectionError) UserMessage() string {
	if e.Cause == CauseRefused {
		return fmt.Sprintf("The connection to the server %s was refused - did you specify the right host or port?", e.Server)
	}
	return fmt.Sprintf("Unable to connect to the server %s: %v", e.Server, e.Err)
}

// connectionErrors is the outermost layer: it names the server and the cause of a failed round trip, so
// that users of Client.HTTP() get a *ConnectionError inside net/http's *url.Error too.
type connectionErrors struct {
	next   http.RoundTripper
	server *url.URL
}

func (c *connectionErrors) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		var ce *ConnectionError
		if errors.As(err, &ce) {
			return nil, err
		}
		host := req.URL.Host
		if host == "" { // a relative URL, which the URL layer below sent to the server
			host = c.server.Host
		}
		return nil, &ConnectionError{Server: host, Cause: classify(err), Err: err}
	}
	return resp, nil
}

// asConnectionError turns what http.Client.Do returned into a *ConnectionError that reads like the
// *url.Error would. http.Client replaces a transport error with its own when Client.Timeout fires, so the
// chain's ConnectionError is not always inside.
func asConnectionError(server string, err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return &ConnectionError{Server: server, Cause: classify(err), Err: err}
	}
	if u, perr := url.Parse(ue.URL); perr == nil && u.Host != "" {
		server = u.Host
	}
	var ce *ConnectionError
	if errors.As(ue.Err, &ce) {
		out := *ce
		out.op, out.url = ue.Op, ue.URL
		return &out
	}
	return &ConnectionError{Server: server, Cause: classify(ue.Err), Err: ue.Err, op: ue.Op, url: ue.URL}
}

// classify guesses why a round trip failed, most specific first.
func classify(err error) string {
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var netErr net.Error
	msg := err.Error()
	switch {
	case strings.Contains(msg, credentialsErrText):
		return CauseCredentials
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect",
		strings.Contains(msg, "proxyconnect"), strings.Contains(msg, "socks connect"),
		strings.Contains(msg, "Proxy Authentication Required"):
		return CauseProxy
	case errors.As(err, &unknownCA):
		return CauseUnknownCA
	case errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify):
		return CauseCertificate
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(msg, "connection refused"):
		return CauseRefused
	case errors.As(err, &dnsErr):
		return CauseDNS
	case errors.Is(err, context.Canceled):
		return CauseCanceled
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return CauseTimeout
	case strings.Contains(msg, "tls: "):
		return CauseTLS
	}
	return CauseNetwork
}
