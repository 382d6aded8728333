package fakeapi

import (
	"errors"
	"mime"
	"strings"
	"time"

	"github.com/kubex-cli/kubex/pkg/printers"
)

// form is what an Accept header asked for: whole objects (as ""), a meta.k8s.io Table, or
// PartialObjectMetadata.
type form struct {
	as      string // "", "Table", "PartialObjectMetadata"
	version string // meta.k8s.io version of Table and PartialObjectMetadata
}

// negotiate picks the first media type of accept the server can produce, as the API server does.
func negotiate(accept string) (form, error) {
	if strings.TrimSpace(accept) == "" {
		return form{}, nil
	}
	for _, part := range strings.Split(accept, ",") {
		base, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch {
		case base == "*/*" || base == "application/*" || (base == "application/json" && params["as"] == ""):
			return form{}, nil
		case base != "application/json" || params["g"] != "meta.k8s.io" || (params["v"] != "v1" && params["v"] != "v1beta1"):
		case params["as"] == "Table":
			return form{"Table", params["v"]}, nil
		case params["as"] == "PartialObjectMetadata" || params["as"] == "PartialObjectMetadataList":
			return form{"PartialObjectMetadata", params["v"]}, nil
		}
	}
	return form{}, errors.New("not acceptable")
}

func (f form) contentType() string {
	if f.as == "" {
		return "application/json"
	}
	return "application/json;as=" + f.as + ";g=meta.k8s.io;v=" + f.version
}

// object is obj in form f: itself, a Table of one row (with column definitions if columns), or its
// PartialObjectMetadata.
func (f form) object(res *resource, obj object, includeObject string, columns bool) any {
	obj["apiVersion"] = res.GroupVersion()
	switch f.as {
	case "Table":
		t := f.table([]object{obj}, listMeta{ResourceVersion: str(meta(obj)["resourceVersion"])}, includeObject)
		if !columns {
			t.ColumnDefinitions = []any{}
		}
		return t
	case "PartialObjectMetadata":
		return f.partial(obj)
	}
	return obj
}

// list is items in form f: a List, a Table, or a PartialObjectMetadataList.
func (f form) list(res *resource, items []object, lm listMeta, includeObject string) any {
	switch f.as {
	case "Table":
		return f.table(items, lm, includeObject)
	case "PartialObjectMetadata":
		ps := make([]any, len(items))
		for i, it := range items {
			ps[i] = f.partial(it)
		}
		return listBody{"PartialObjectMetadataList", "meta.k8s.io/" + f.version, lm, ps}
	}
	l := listBody{res.Kind + "List", res.GroupVersion(), lm, make([]any, len(items))}
	for i, it := range items {
		it["apiVersion"] = res.GroupVersion()
		l.Items[i] = it
	}
	return l
}

// listBody and tableBody keep the API server's order of fields: clients read kind and metadata as they
// stream the items.
type listBody struct {
	Kind       string   `json:"kind"`
	APIVersion string   `json:"apiVersion"`
	Metadata   listMeta `json:"metadata"`
	Items      []any    `json:"items"`
}

type tableBody struct {
	Kind              string   `json:"kind"`
	APIVersion        string   `json:"apiVersion"`
	Metadata          listMeta `json:"metadata"`
	ColumnDefinitions []any    `json:"columnDefinitions"`
	Rows              []any    `json:"rows"`
}

func (f form) partial(obj object) object {
	return object{"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/" + f.version, "metadata": meta(obj)}
}

// table is the API server's default Table, with a NAME and an AGE column for every kind (real servers have
// more columns for built-in kinds and CRDs with printer columns). Rows carry the object's metadata
// unless includeObject is None or Object.
func (f form) table(items []object, lm listMeta, includeObject string) *tableBody {
	rows := make([]any, len(items))
	for i, it := range items {
		m := meta(it)
		row := object{"cells": []any{m["name"], printers.Age(str(m["creationTimestamp"]), time.Now())}}
		switch includeObject {
		case "None":
		case "Object":
			row["object"] = it
		default:
			row["object"] = f.partial(it)
		}
		rows[i] = row
	}
	return &tableBody{"Table", "meta.k8s.io/" + f.version, lm, []any{
		object{"name": "Name", "type": "string", "format": "name", "description": "Name must be unique within a namespace.", "priority": 0},
		object{"name": "Age", "type": "string", "format": "", "description": "CreationTimestamp is a timestamp representing the server time when this object was created.", "priority": 0},
	}, rows}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
