package describe

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kubex-cli/kubex/pkg/client"
	"github.com/kubex-cli/kubex/pkg/printers"
)

// Event is the part of a core/v1 Event that describe and events print.
type Event struct {
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	InvolvedObject struct {
		Kind       string `json:"kind"`
		Name       string `json:"name"`
		Namespace  string `json:"namespace"`
		APIVersion string `json:"apiVersion"`
	} `json:"involvedObject"`
	Reason         string `json:"reason"`
	Message        string `json:"message"`
	Type           string `json:"type"`
	Count          int32  `json:"count"`
	FirstTimestamp string `json:"firstTimestamp"`
	LastTimestamp  string `json:"lastTimestamp"`
	EventTime      string `json:"eventTime"`
	Series         *struct {
		Count            int32  `json:"count"`
		LastObservedTime string `json:"lastObservedTime"`
	} `json:"series"`
	Source struct {
		Component string `json:"component"`
	} `json:"source"`
	ReportingController string `json:"reportingComponent"`

	Raw json.RawMessage `json:"-"`
}

// DecodeEvent decodes one Event, keeping its bytes.
func DecodeEvent(raw []byte) (Event, error) {
	var e Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return e, fmt.Errorf("decoding an event: %w", err)
	}
	e.Raw = append(json.RawMessage(nil), raw...)
	return e, nil
}

func parseTime(ts string) time.Time {
	if ts == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return time.Time{}
	}
	return t
}

func sinceTime(ts string) string {
	t := parseTime(ts)
	if t.IsZero() {
		return "<unknown>"
	}
	return printers.HumanDuration(time.Since(t))
}

// Interval is the age column of an event as kubectl prints it: "5m", or "2m (x3 over 10m)".
func (e Event) Interval() string {
	first := sinceTime(e.EventTime)
	if parseTime(e.EventTime).IsZero() {
		first = sinceTime(e.FirstTimestamp)
	}
	switch {
	case e.Series != nil:
		return fmt.Sprintf("%s (x%d over %s)", sinceTime(e.Series.LastObservedTime), e.Series.Count, first)
	case e.Count > 1:
		return fmt.Sprintf("%s (x%d over %s)", sinceTime(e.LastTimestamp), e.Count, first)
	}
	return first
}

// eventQuery names the object whose events are wanted, as client-go's GetFieldSelector does: kind and
// uid only when known.
type eventQuery struct {
	name, namespace, kind, uid string
	withKind, withUID          bool
}

func (q eventQuery) selector() string {
	// fields.Set{...}.AsSelector() sorts by key.
	parts := []string{}
	if q.withKind {
		parts = append(parts, "involvedObject.kind="+escapeField(q.kind))
	}
	parts = append(parts, "involvedObject.name="+escapeField(q.name), "involvedObject.namespace="+escapeField(q.namespace))
	if q.withUID {
		parts = append(parts, "involvedObject.uid="+escapeField(q.uid))
	}
	return strings.Join(parts, ",")
}

// escapeField escapes a field selector value as fields.EscapeValue does.
func escapeField(s string) string {
	return strings.NewReplacer(`\`, `\\`, `,`, `\,`, `=`, `\=`).Replace(s)
}

// searchEvents lists the events of the object q names, chunk at a time.
func searchEvents(ctx context.Context, events *client.Resource, q eventQuery, chunk int64) ([]Event, error) {
	var out []Event
	_, err := events.InNamespace(q.namespace).List(ctx, client.ListOptions{FieldSelector: q.selector(), Limit: chunkLimit(chunk)}, func(raw []byte) error {
		e, err := DecodeEvent(raw)
		if err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// chunkLimit is --chunk-size as a list's page size: 0 means no paging.
func chunkLimit(chunk int64) int64 {
	if chunk <= 0 {
		return -1
	}
	return chunk
}

// describeEvents prints the Events section, oldest last-seen first.
func describeEvents(events []Event, w *writer) {
	if len(events) == 0 {
		w.write(l0, "Events:\t<none>\n")
		return
	}
	w.flush()
	sort.Sort(byLastTimestamp(events))
	w.write(l0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
	w.write(l1, "----\t------\t----\t----\t-------\n")
	for _, e := range events {
		source := e.Source.Component
		if source == "" {
			source = e.ReportingController
		}
		w.write(l1, "%v\t%v\t%s\t%v\t%v\n", e.Type, e.Reason, e.Interval(), source, strings.TrimSpace(e.Message))
	}
}

// byLastTimestamp is kubectl's describe order, sorted with sort.Sort as kubectl does so that ties come
// out the same.
type byLastTimestamp []Event

func (l byLastTimestamp) Len() int      { return len(l) }
func (l byLastTimestamp) Swap(i, j int) { l[i], l[j] = l[j], l[i] }
func (l byLastTimestamp) Less(i, j int) bool {
	return parseTime(l[i].LastTimestamp).Before(parseTime(l[j].LastTimestamp))
}
