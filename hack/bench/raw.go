package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// rawSubcommand is the hidden first argument that makes the bench binary the "raw" client: the
// least any client must do for a row, measured as a process of its own.
const rawSubcommand = "__raw"

// Accept headers, as kubectl sends them.
const (
	acceptJSON  = "application/json"
	acceptTable = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)

// rawRequest is what the raw client does for a row: GET path with accept, following continue
// tokens (for paths with limit=, as kubectl does); with watch, it then opens a watch from the
// list's resourceVersion and stops once the server has answered its headers.
type rawRequest struct {
	path   string
	accept string
	watch  bool
}

func (r rawRequest) args(server, ca, cert, key string) []string {
	a := []string{rawSubcommand, "-server", server, "-ca", ca, "-cert", cert, "-key", key, "-path", r.path, "-accept", r.accept}
	if r.watch {
		a = append(a, "-watch")
	}
	return a
}

func rawMain(args []string) error {
	fl := flag.NewFlagSet(rawSubcommand, flag.ContinueOnError)
	server := fl.String("server", "", "apiserver URL")
	ca := fl.String("ca", "", "CA file")
	cert := fl.String("cert", "", "client certificate file")
	key := fl.String("key", "", "client key file")
	path := fl.String("path", "", "request path and query")
	accept := fl.String("accept", acceptJSON, "Accept header")
	watch := fl.Bool("watch", false, "then watch from the list's resourceVersion")
	if err := fl.Parse(args); err != nil {
		return err
	}
	client, err := adminClient(*ca, *cert, *key)
	if err != nil {
		return err
	}
	u, err := url.Parse(*server + *path)
	if err != nil {
		return err
	}
	chunked := u.Query().Has("limit")
	var meta listMeta
	for next := u.String(); ; {
		if meta, err = rawGet(client, next, *accept, chunked); err != nil {
			return err
		}
		if meta.Continue == "" {
			break
		}
		next = withQuery(u, "continue", meta.Continue)
	}
	if !*watch {
		return nil
	}
	w := withQuery(u, "limit", "", "watch", "true", "resourceVersion", meta.ResourceVersion)
	req, err := http.NewRequest(http.MethodGet, w, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", *accept)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: HTTP %d", w, resp.StatusCode)
	}
	return nil
}

// withQuery returns u with the query parameters set (pairs of name, value; "" deletes).
func withQuery(u *url.URL, kv ...string) string {
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q.Del(kv[i])
		} else {
			q.Set(kv[i], kv[i+1])
		}
	}
	nu := *u
	nu.RawQuery = q.Encode()
	return nu.String()
}

type listMeta struct {
	ResourceVersion string `json:"resourceVersion"`
	Continue        string `json:"continue"`
}

// rawGet fetches u into io.Discard. The list's metadata (resourceVersion, continue) is read
// from the start of the body, where the apiserver puts it, only when it is needed.
func rawGet(client *http.Client, u, accept string, needMeta bool) (listMeta, error) {
	var meta listMeta
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return meta, err
	}
	req.Header.Set("Accept", accept)
	resp, err := client.Do(req)
	if err != nil {
		return meta, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return meta, fmt.Errorf("GET %s: HTTP %d: %s", u, resp.StatusCode, b)
	}
	body := bufio.NewReaderSize(resp.Body, 64<<10)
	if needMeta {
		head, _ := body.Peek(16 << 10) // a short body comes with an error: it is read below
		i := bytes.Index(head, []byte(`"metadata":`))
		if i < 0 {
			return meta, fmt.Errorf("GET %s: no metadata in the first %d bytes", u, len(head))
		}
		if err := json.NewDecoder(bytes.NewReader(head[i+len(`"metadata":`):])).Decode(&meta); err != nil {
			return meta, fmt.Errorf("GET %s: metadata: %w", u, err)
		}
	}
	_, err = io.Copy(io.Discard, body)
	return meta, err
}

func isRawInvocation() bool { return len(os.Args) > 1 && os.Args[1] == rawSubcommand }

func runRaw() {
	if err := rawMain(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench raw:", strings.TrimSpace(err.Error()))
		os.Exit(1)
	}
}
