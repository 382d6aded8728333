package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is a metav1 Status of status Failure, as the API server words it.
type apiError struct {
	Code    int
	Reason  string
	Message string
	Details *statusDetails
}

type statusDetails struct {
	Name  string `json:"name,omitempty"`
	Group string `json:"group,omitempty"`
	Kind  string `json:"kind,omitempty"`
}

func (e *apiError) Error() string { return e.Message }

func (e *apiError) write(w http.ResponseWriter) {
	writeJSON(w, e.Code, "application/json", struct {
		Kind       string         `json:"kind"`
		APIVersion string         `json:"apiVersion"`
		Metadata   struct{}       `json:"metadata"`
		Status     string         `json:"status"`
		Message    string         `json:"message"`
		Reason     string         `json:"reason"`
		Details    *statusDetails `json:"details,omitempty"`
		Code       int            `json:"code"`
	}{"Status", "v1", struct{}{}, "Failure", e.Message, e.Reason, e.Details, e.Code})
}

func writeJSON(w http.ResponseWriter, code int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"InternalError","code":500}`)
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(code)
	w.Write(b)
}

func details(r *resource, name string) *statusDetails {
	return &statusDetails{Name: name, Group: r.Group, Kind: r.Name}
}

func errNotFound(r *resource, name string) *apiError {
	return &apiError{http.StatusNotFound, "NotFound", fmt.Sprintf("%s %q not found", r.qualified(), name), details(r, name)}
}

func errAlreadyExists(r *resource, name string) *apiError {
	return &apiError{http.StatusConflict, "AlreadyExists", fmt.Sprintf("%s %q already exists", r.qualified(), name), details(r, name)}
}

func errConflict(r *resource, name string) *apiError {
	return &apiError{http.StatusConflict, "Conflict", fmt.Sprintf("Operation cannot be fulfilled on %s %q: the object has been modified; please apply your changes to the latest version and try again", r.qualified(), name), details(r, name)}
}

func errInvalid(r *resource, name, msg string) *apiError {
	return &apiError{http.StatusUnprocessableEntity, "Invalid", fmt.Sprintf("%s %q is invalid: %s", r.Kind, name, msg),
		&statusDetails{Name: name, Group: r.Group, Kind: r.Kind}}
}

func errBadRequest(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "BadRequest", fmt.Sprintf(format, args...), nil}
}

var (
	errNoPath = &apiError{http.StatusNotFound, "NotFound", "the server could not find the requested resource", &statusDetails{}}
	errMethod = &apiError{http.StatusMethodNotAllowed, "MethodNotAllowed", "the server does not allow this method on the requested resource", &statusDetails{}}
	errAccept = &apiError{http.StatusNotAcceptable, "NotAcceptable", "the server was unable to respond with a content type that the client supports", nil}
)
