package fakeapi

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// mergePatch applies an RFC 7386 JSON merge patch to target.
func mergePatch(target, patch any) any {
	p, ok := patch.(object)
	if !ok {
		return patch
	}
	t, ok := target.(object)
	if !ok {
		t = object{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
		} else {
			t[k] = mergePatch(t[k], v)
		}
	}
	return t
}

// jsonPatch applies RFC 6902 operations to doc, in order.
func jsonPatch(doc any, ops []map[string]any) (any, error) {
	for _, op := range ops {
		name, _ := op["op"].(string)
		path, _ := op["path"].(string)
		from, _ := op["from"].(string)
		var err error
		switch name {
		case "add", "replace", "remove":
			doc, err = patchAt(doc, pointer(path), name, op["value"])
		case "move", "copy":
			var v any
			if v, err = lookup(doc, pointer(from)); err == nil && name == "move" {
				doc, err = patchAt(doc, pointer(from), "remove", nil)
			}
			if err == nil {
				v, _ = decode(encode(object{"v": v})) // a copy
				doc, err = patchAt(doc, pointer(path), "add", v.(object)["v"])
			}
		case "test":
			var v any
			if v, err = lookup(doc, pointer(path)); err == nil && !bytes.Equal(encode(v), encode(op["value"])) {
				err = fmt.Errorf("testing value %s failed", path)
			}
		default:
			err = fmt.Errorf("unexpected kind: %s", name)
		}
		if err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// pointer splits an RFC 6901 JSON pointer into its unescaped tokens.
func pointer(p string) []string {
	if p == "" {
		return nil
	}
	toks := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks
}

func lookup(node any, toks []string) (any, error) {
	for _, t := range toks {
		switch n := node.(type) {
		case object:
			v, ok := n[t]
			if !ok {
				return nil, fmt.Errorf("missing key %q", t)
			}
			node = v
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(n) {
				return nil, fmt.Errorf("index %q out of range", t)
			}
			node = n[i]
		default:
			return nil, fmt.Errorf("no %q in a scalar", t)
		}
	}
	return node, nil
}

// patchAt returns node with op (add, replace or remove) done at toks.
func patchAt(node any, toks []string, op string, val any) (any, error) {
	if len(toks) == 0 {
		if op == "remove" {
			return nil, fmt.Errorf("cannot remove the whole document")
		}
		return val, nil
	}
	t, last := toks[0], len(toks) == 1
	switch n := node.(type) {
	case object:
		child, ok := n[t]
		switch {
		case !ok && (!last || op != "add"):
			return nil, fmt.Errorf("missing key %q", t)
		case !last:
			c, err := patchAt(child, toks[1:], op, val)
			n[t] = c
			return n, err
		case op == "remove":
			delete(n, t)
		default:
			n[t] = val
		}
		return n, nil
	case []any:
		if last && op == "add" && t == "-" {
			return append(n, val), nil
		}
		i, err := strconv.Atoi(t)
		if err != nil || i < 0 || i > len(n) || (i == len(n) && (!last || op != "add")) {
			return nil, fmt.Errorf("index %q out of range", t)
		}
		switch {
		case !last:
			c, err := patchAt(n[i], toks[1:], op, val)
			n[i] = c
			return n, err
		case op == "add":
			return slices.Insert(n, i, val), nil
		case op == "remove":
			return slices.Delete(n, i, i+1), nil
		}
		n[i] = val
		return n, nil
	}
	return nil, fmt.Errorf("no %q in a scalar", t)
}
