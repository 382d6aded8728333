package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/kubex-cli/kubex/pkg/client/watch"
)

// WatchOptions are those of Watch: which objects (selectors; Limit pages the initial list) and how the
// engine runs (watch.Options: --watch-only, streaming list, backoff, ...).
type WatchOptions struct {
	ListOptions
	watch.Options
}

// OpenWatch opens one watch stream from resourceVersion rv ("" for "now"), with bookmarks, in the form
// accept asks for: the raw events, for a caller that decodes them itself (watch.NewDecoder). It does not
// resume; Watch does.
func (r *Resource) OpenWatch(ctx context.Context, accept string, o ListOptions, rv string, initialEvents bool) (io.ReadCloser, error) {
	o.Watch, o.AllowBookmarks, o.ResourceVersion, o.Limit, o.Continue = true, true, rv, 0, ""
	if initialEvents {
		o.SendInitialEvents, o.ResourceVersionType = true, "NotOlderThan"
	}
	resp, err := r.Request(http.MethodGet, "").Params(o.Encode()).Accept(accept).Stream(ctx)
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// Watch lists the objects, then watches them with the resuming engine, calling emit for every change
// (ADDED, MODIFIED, DELETED) with each object's JSON: nothing lost and nothing repeated across dropped
// connections, API server restarts and 410 Gone (answered by a relist that emits what changed in between).
// It returns when ctx ends (nil), emit fails (its error) or the server refuses the watch.
func (r *Resource) Watch(ctx context.Context, o WatchOptions, emit func(watch.Change) error) error {
	return watch.Run(ctx, r.Source(o.ListOptions), o.Options, emit)
}

// Source is the collection as the watch engine sees it, its objects as JSON: what Watch runs, for a
// caller that runs watch.Run itself.
func (r *Resource) Source(o ListOptions) watch.Source { return &objectSource{r: r, opts: o} }

type objectSource struct {
	r    *Resource
	opts ListOptions
}

func (s *objectSource) List(ctx context.Context, each func(watch.Item) error) (string, error) {
	return s.r.List(ctx, s.opts, func(raw []byte) error {
		it, err := itemOf(raw)
		if err != nil {
			return err
		}
		return each(it)
	})
}

func (s *objectSource) Watch(ctx context.Context, rv string, initialEvents bool) (io.ReadCloser, error) {
	return s.r.OpenWatch(ctx, AcceptJSON, s.opts, rv, initialEvents)
}

func (s *objectSource) Decode(ev watch.Event) (watch.Decoded, error) {
	if ev.Type == watch.Bookmark {
		var b struct {
			Metadata struct {
				ResourceVersion string            `json:"resourceVersion"`
				Annotations     map[string]string `json:"annotations"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(ev.Object, &b); err != nil {
			return watch.Decoded{}, fmt.Errorf("decoding a watch bookmark: %w", err)
		}
		return watch.Decoded{ResourceVersion: b.Metadata.ResourceVersion,
			InitialEventsEnd: b.Metadata.Annotations[watch.InitialEventsEndAnnotation] == "true"}, nil
	}
	it, err := itemOf(ev.Object)
	if err != nil {
		return watch.Decoded{}, err
	}
	return watch.Decoded{Items: []watch.Item{it}, ResourceVersion: it.Meta.ResourceVersion}, nil
}

// itemOf copies raw (decoders reuse their buffers) and reads what the engine must know of it.
func itemOf(raw []byte) (watch.Item, error) {
	var obj struct {
		Metadata watch.Meta `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		return watch.Item{}, fmt.Errorf("decoding an object: %w", err)
	}
	return watch.Item{Meta: obj.Metadata, Raw: append(json.RawMessage(nil), raw...)}, nil
}
