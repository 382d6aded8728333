package resource

import (
	"context"
	"encoding/json"
	"slices"
)

// AcceptNames asks for as little as names need: the server's Table (sent with includeObject=None, so that
// rows carry their cells only), else metadata alone, else plain JSON from a server (or an aggregated API)
// that offers neither. A Table of pods is a few hundred bytes a row; whole objects can be megabytes
// (kubernetes issue 82883).
const AcceptNames = "application/json;as=Table;v=v1;g=meta.k8s.io," +
	"application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io," +
	"application/json"

// ListNames lists the names of the objects in the collection at path (narrowed by opts' selectors), in
// the server's order, page by page. Whatever opts says, rows come without objects.
func ListNames(ctx context.Context, c Doer, path string, opts ListOptions) ([]string, error) {
	opts.IncludeObject = "None"
	var names []string
	nameCell := map[*Header]int{}
	_, err := List(ctx, c, path, AcceptNames, opts, func(h *Header) error {
		nameCell[h] = nameColumn(h.ColumnDefinitions)
		return nil
	}, func(h *Header, raw json.RawMessage) error {
		if h.IsTable() {
			var row struct {
				Cells []json.RawMessage `json:"cells"`
			}
			if err := json.Unmarshal(raw, &row); err != nil {
				return decodeError(err)
			}
			var name string
			if i := nameCell[h]; i < len(row.Cells) && json.Unmarshal(row.Cells[i], &name) == nil && name != "" {
				names = append(names, name)
			}
			return nil
		}
		var obj struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &obj); err != nil {
			return decodeError(err)
		}
		if obj.Metadata.Name != "" {
			names = append(names, obj.Metadata.Name)
		}
		return nil
	})
	return names, err
}

// nameColumn is the index of a Table's column of format "name" (the first column when none says so).
func nameColumn(defs json.RawMessage) int {
	var cols []struct {
		Format string `json:"format"`
	}
	if json.Unmarshal(defs, &cols) != nil {
		return 0
	}
	if i := slices.IndexFunc(cols, func(c struct {
		Format string `json:"format"`
	}) bool {
		return c.Format == "name"
	}); i >= 0 {
		return i
	}
	return 0
}
