package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/kubex-cli/kubex/pkg/config"
)

func TestErrorFromResponse(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		path        string
		code        int
		contentType string
		body        string
		retryAfter  string
		want        StatusError
		wantUser    string
	}{
		{name: "Status NotFound", path: "/api/v1/namespaces/default/pods/x", code: 404, contentType: "application/json",
			body:     `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"x\" not found","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}`,
			want:     StatusError{Code: 404, Reason: "NotFound", Message: `pods "x" not found`, Status: "Failure", Details: &StatusDetails{Name: "x", Kind: "pods"}},
			wantUser: `Error from server (NotFound): pods "x" not found`},
		{name: "Status Unauthorized", code: 401, contentType: "application/json",
			body:     `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}`,
			want:     StatusError{Code: 401, Reason: "Unauthorized", Message: "Unauthorized", Status: "Failure"},
			wantUser: "error: You must be logged in to the server (Unauthorized)"},
		{name: "Status Invalid with causes", method: "POST", code: 422, contentType: "application/json",
			body: `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"Pod \"x\" is invalid: spec.containers: Required value","reason":"Invalid",` +
				`"details":{"name":"x","kind":"Pod","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.containers"}]},"code":422}`,
			want: StatusError{Code: 422, Reason: "Invalid", Message: `Pod "x" is invalid: spec.containers: Required value`, Status: "Failure",
				Details: &StatusDetails{Name: "x", Kind: "Pod", Causes: []StatusCause{{Type: "FieldValueRequired", Message: "Required value", Field: "spec.containers"}}}},
			wantUser: `Error from server (Invalid): Pod "x" is invalid: spec.containers: Required value`},
		{name: "Status without reason", code: 500, contentType: "application/json",
			body:     `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"boom","code":500}`,
			want:     StatusError{Code: 500, Message: "boom", Status: "Failure"},
			wantUser: "Error from server: boom"},
		{name: "Status without code uses HTTP's", code: 409, contentType: "application/json",
			body: `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"conflict","reason":"Conflict"}`,
			want: StatusError{Code: 409, Reason: "Conflict", Message: "conflict", Status: "Failure"}},
		{name: "Status Gone", code: 410, contentType: "application/json",
			body: `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"too old resource version: 1 (200)","reason":"Expired","code":410}`,
			want: StatusError{Code: 410, Reason: "Expired", Message: "too old resource version: 1 (200)", Status: "Failure"}},

		// Not a Status: client-go's generic errors.
		{name: "plain 404 of a resource", path: "/apis/apps/v1/namespaces/ns/deployments/web", code: 404, contentType: "text/plain", body: "404 page not found",
			want:     generic(404, "NotFound", "the server could not find the requested resource (get deployments.apps web)", "web", "404 page not found"),
			wantUser: "Error from server (NotFound): the server could not find the requested resource (get deployments.apps web)"},
		{name: "plain 404 of a list", path: "/api/v1/namespaces/ns/pods", code: 404, body: "",
			want: generic(404, "NotFound", "the server could not find the requested resource (get pods)", "", "")},
		{name: "plain 404 of a path", path: "/healthz/foo", code: 404, body: "nope",
			want: generic(404, "NotFound", "the server could not find the requested resource", "", "nope")},
		{name: "401 html", code: 401, contentType: "text/html", body: "<html>denied</html>",
			want:     generic(401, "Unauthorized", "the server has asked for the client to provide credentials", "", "<html>denied</html>"),
			wantUser: "error: You must be logged in to the server (the server has asked for the client to provide credentials)"},
		{name: "403 keeps the server's text", code: 403, contentType: "text/plain", body: "forbidden: user jane cannot list pods\n",
			want:     generic(403, "Forbidden", "forbidden: user jane cannot list pods", "", "forbidden: user jane cannot list pods"),
			wantUser: "Error from server (Forbidden): forbidden: user jane cannot list pods"},
		{name: "403 binary body is unknown", code: 403, contentType: "application/octet-stream", body: "\x00\x01",
			want: generic(403, "Forbidden", "unknown", "", "unknown")},
		{name: "409 on POST is AlreadyExists", method: "POST", path: "/api/v1/namespaces", code: 409, contentType: "text/plain",
			want: generic(409, "AlreadyExists", "the server reported a conflict (post namespaces)", "", "")},
		{name: "409 on PUT is Conflict", method: "PUT", path: "/api/v1/namespaces/a", code: 409, contentType: "text/plain",
			want: generic(409, "Conflict", "the server reported a conflict (put namespaces a)", "a", "")},
		{name: "410", code: 410, contentType: "text/plain",
			want:     generic(410, "", "the server responded with the status code 410 but did not return more information", "", ""),
			wantUser: "Error from server: the server responded with the status code 410 but did not return more information"},
		{name: "429", code: 429, contentType: "text/plain", retryAfter: "3",
			want: func() StatusError {
				e := generic(429, "TooManyRequests", "the server has received too many requests and has asked us to try again later", "", "")
				e.Details.RetryAfterSeconds = 3
				return e
			}()},
		{name: "500", code: 500, contentType: "text/plain", body: "panic",
			want:     generic(500, "InternalError", `an error on the server ("panic") has prevented the request from succeeding`, "", "panic"),
			wantUser: `Error from server (InternalError): an error on the server ("panic") has prevented the request from succeeding`},
		{name: "502", code: 502, contentType: "application/json", body: `{"oops":1}`,
			want: generic(502, "InternalError", `an error on the server ("unknown") has prevented the request from succeeding`, "", "unknown")},
		{name: "503", code: 503, contentType: "text/plain",
			want: generic(503, "ServiceUnavailable", "the server is currently unable to handle the request", "", "")},
		{name: "504", code: 504, contentType: "text/plain",
			want: generic(504, "Timeout", "the server was unable to return a response in the time allotted, but may still be processing the request", "", "")},
		{name: "JSON that is not a Status", code: 400, contentType: "application/json", body: `{"kind":"Pod"}`,
			want: generic(400, "BadRequest", "the server rejected our request for an unknown reason", "", "unknown")},
		{name: "Status with status Success is not trusted", code: 400, contentType: "application/json",
			body: `{"kind":"Status","apiVersion":"v1","status":"Success","message":"fine"}`,
			want: generic(400, "BadRequest", "the server rejected our request for an unknown reason", "", "unknown")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			path := tc.path
			if path == "" {
				path = "/api"
			}
			req, _ := http.NewRequest(method, "https://k.test:6443"+path, nil)
			resp := &http.Response{StatusCode: tc.code, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(tc.body)), Request: req}
			if tc.contentType != "" {
				resp.Header.Set("Content-Type", tc.contentType)
			}
			if tc.retryAfter != "" {
				resp.Header.Set("Retry-After", tc.retryAfter)
			}
			err := ErrorFromResponse(resp)
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("got %T %v", err, err)
			}
			if !reflect.DeepEqual(*se, tc.want) {
				t.Errorf("got  %+v %+v\nwant %+v %+v", *se, se.Details, tc.want, tc.want.Details)
			}
			if se.Error() != tc.want.Message {
				t.Errorf("Error() = %q", se.Error())
			}
			if tc.wantUser != "" && se.UserMessage() != tc.wantUser {
				t.Errorf("UserMessage() = %q\nwant          %q", se.UserMessage(), tc.wantUser)
			}
		})
	}
}

func generic(code int, reason, msg, name, serverMsg string) StatusError {
	return StatusError{Code: code, Reason: reason, Message: msg, Status: "Failure",
		Details: &StatusDetails{Name: name, Causes: []StatusCause{{Type: "UnexpectedServerResponse", Message: serverMsg}}}}
}

func TestErrorFromRawResponse(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://k.test/apis/foo/v1/namespaces/x/bars/y", nil)
	resp := &http.Response{StatusCode: 404, Header: http.Header{"Content-Type": {"text/plain"}},
		Body: io.NopCloser(strings.NewReader("404 page not found")), Request: req}
	err := ErrorFromRawResponse(resp)
	if se, ok := err.(*StatusError); !ok || se.UserMessage() != "Error from server (NotFound): the server could not find the requested resource" {
		t.Errorf("got %v", err)
	}
}

func TestErrorFromResponseBelow400(t *testing.T) {
	body := io.NopCloser(strings.NewReader("ok"))
	if err := ErrorFromResponse(&http.Response{StatusCode: 201, Body: body}); err != nil {
		t.Errorf("201: %v", err)
	}
	if b, _ := io.ReadAll(body); string(b) != "ok" {
		t.Error("the body of a success was consumed")
	}
}

func TestStatusPredicates(t *testing.T) {
	notFound := &StatusError{Code: 404, Reason: "NotFound"}
	bare404 := &StatusError{Code: 404}
	exists := &StatusError{Code: 409, Reason: "AlreadyExists"}
	expired := &StatusError{Code: 410, Reason: "Expired"}
	wrapped := fmt.Errorf("getting pod: %w", notFound)
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"IsNotFound(NotFound)", IsNotFound(notFound), true},
		{"IsNotFound(bare 404)", IsNotFound(bare404), true},
		{"IsNotFound(wrapped)", IsNotFound(wrapped), true},
		{"IsNotFound(AlreadyExists)", IsNotFound(exists), false},
		{"IsNotFound(other error)", IsNotFound(errors.New("x")), false},
		{"IsAlreadyExists", IsAlreadyExists(exists), true},
		{"IsConflict(AlreadyExists)", IsConflict(exists), false},
		{"IsGone(Expired)", IsGone(expired), true},
		{"IsGone(bare 410)", IsGone(&StatusError{Code: 410}), true},
		{"IsForbidden", IsForbidden(&StatusError{Code: 403, Reason: "Forbidden"}), true},
		{"IsUnauthorized", IsUnauthorized(&StatusError{Code: 401}), true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestResourceOf(t *testing.T) {
	for path, want := range map[string][2]string{
		"/api/v1/namespaces/ns/pods/x":                          {"pods", "x"},
		"/api/v1/namespaces/ns/pods/x/log":                      {"pods", "x"},
		"/api/v1/namespaces/ns":                                 {"namespaces", "ns"},
		"/api/v1/namespaces":                                    {"namespaces", ""},
		"/api/v1/nodes":                                         {"nodes", ""},
		"/api/v1/watch/namespaces/ns/pods":                      {"pods", ""},
		"/apis/apps/v1/namespaces/ns/deployments":               {"deployments.apps", ""},
		"/prefix/apis/batch/v1/namespaces/ns/jobs/j":            {"jobs.batch", "j"},
		"/apis/rbac.authorization.k8s.io/v1/clusterroles/admin": {"clusterroles.rbac.authorization.k8s.io", "admin"},
		"/api":            {"", ""},
		"/api/v1":         {"", ""},
		"/apis/apps/v1":   {"", ""},
		"/version":        {"", ""},
		"/openapi/v3/api": {"", ""},
	} {
		u, _ := url.Parse("https://h" + path)
		r, n := resourceOf(u)
		if r != want[0] || n != want[1] {
			t.Errorf("resourceOf(%s) = %q, %q; want %q, %q", path, r, n, want[0], want[1])
		}
	}
}

func TestConnectionErrors(t *testing.T) {
	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	untrusted := tlsServer(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))

	tests := []struct {
		name      string
		r         config.Resolved
		ctx       func() context.Context
		wantCause string
		wantUser  string
		wantErr   string
	}{
		{name: "refused", r: config.Resolved{Server: "https://" + closedAddr, InsecureSkipTLSVerify: true},
			wantCause: CauseRefused,
			wantUser:  "The connection to the server " + closedAddr + " was refused - did you specify the right host or port?",
			wantErr:   `Get "https://` + closedAddr + `/api": dial tcp ` + closedAddr + ": connect: connection refused"},
		{name: "unknown authority", r: config.Resolved{Server: untrusted.URL},
			wantCause: CauseUnknownCA,
			wantUser:  "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority"},
		{name: "DNS", r: config.Resolved{Server: "https://no-such-host.invalid:6443", InsecureSkipTLSVerify: true},
			wantCause: CauseDNS,
			wantUser:  "Unable to connect to the server: dial tcp: lookup no-such-host.invalid"},
		{name: "proxy refused", r: config.Resolved{Server: untrusted.URL, InsecureSkipTLSVerify: true, ProxyURL: "http://" + closedAddr},
			wantCause: CauseProxy,
			wantUser:  "Unable to connect to the server: proxyconnect tcp: dial tcp " + closedAddr + ": connect: connection refused"},
		{name: "canceled", r: config.Resolved{Server: untrusted.URL, InsecureSkipTLSVerify: true},
			ctx: func() context.Context {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				return ctx
			},
			wantCause: CauseCanceled, wantUser: "Unable to connect to the server: context canceled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, &tc.r, Options{})
			ctx := t.Context()
			if tc.ctx != nil {
				ctx = tc.ctx()
			}
			req, _ := c.NewRequest(ctx, http.MethodGet, "/api", nil)
			_, err := c.Do(req)
			var ce *ConnectionError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %T %v", err, err)
			}
			if ce.Cause != tc.wantCause {
				t.Errorf("Cause = %q, want %q (%v)", ce.Cause, tc.wantCause, err)
			}
			// Every message names the server.
			wantUser := strings.Replace(tc.wantUser, "the server: ", "the server "+ce.Server+": ", 1)
			if !strings.HasPrefix(ce.UserMessage(), wantUser) {
				t.Errorf("UserMessage() = %q\nwant prefix     %q", ce.UserMessage(), wantUser)
			}
			if tc.wantErr != "" && err.Error() != tc.wantErr {
				t.Errorf("Error() = %q\nwant      %q", err.Error(), tc.wantErr)
			}
			if tc.name == "canceled" && !errors.Is(err, context.Canceled) {
				t.Error("errors.Is(err, context.Canceled) is false")
			}
			if ce.Server == "" {
				t.Error("Server is empty")
			}
		})
	}

	// Through Client.HTTP() the *ConnectionError is inside net/http's *url.Error.
	c := newClient(t, &config.Resolved{Server: "https://" + closedAddr, InsecureSkipTLSVerify: true}, Options{})
	_, err = c.HTTP().Get("/api")
	var ce *ConnectionError
	if !errors.As(err, &ce) || ce.Cause != CauseRefused || ce.Server != closedAddr {
		t.Errorf("HTTP().Get: %T %v (%+v)", err, err, ce)
	}
	if strings.Count(err.Error(), "Get ") != 1 {
		t.Errorf("HTTP().Get error names the request twice: %v", err)
	}
}

func TestClassifyUnknown(t *testing.T) {
	if got := classify(errors.New("something odd")); got != CauseNetwork {
		t.Errorf("classify = %q", got)
	}
}
