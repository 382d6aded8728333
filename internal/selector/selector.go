// Package selector matches labels against a label selector locally, for commands that filter their own
// input as kubectl does (apply -l): "a=b,c!=d,e in (x,y),f notin (z),g,!h".
package selector

import (
	"fmt"
	"slices"
	"strings"
)

// Selector is a parsed label selector: all of its requirements must hold.
type Selector []requirement

type requirement struct {
	key    string
	op     string // "=", "!=", "in", "notin", "exists", "!"
	values []string
}

// Parse reads a label selector; "" selects everything.
func Parse(s string) (Selector, error) {
	var sel Selector
	for _, part := range splitTop(s) {
		part = strings.TrimSpace(part)
		if part == "" {
			if strings.TrimSpace(s) == "" {
				return nil, nil
			}
			return nil, fmt.Errorf("unable to parse requirement: found an empty requirement in %q", s)
		}
		r, err := parseRequirement(part)
		if err != nil {
			return nil, fmt.Errorf("unable to parse requirement %q: %w", part, err)
		}
		sel = append(sel, r)
	}
	return sel, nil
}

// splitTop splits at commas outside parentheses.
func splitTop(s string) []string {
	var parts []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

func parseRequirement(p string) (requirement, error) {
	if strings.HasPrefix(p, "!") {
		key := strings.TrimSpace(p[1:])
		return requirement{key: key, op: "!"}, checkKey(key)
	}
	for _, op := range []string{" notin ", " in "} {
		if key, rest, ok := strings.Cut(p, op); ok {
			rest = strings.TrimSpace(rest)
			if !strings.HasPrefix(rest, "(") || !strings.HasSuffix(rest, ")") {
				return requirement{}, fmt.Errorf("values of %q must be in parentheses", strings.TrimSpace(op))
			}
			var values []string
			for _, v := range strings.Split(rest[1:len(rest)-1], ",") {
				values = append(values, strings.TrimSpace(v))
			}
			key = strings.TrimSpace(key)
			return requirement{key: key, op: strings.TrimSpace(op), values: values}, checkKey(key)
		}
	}
	for _, op := range []string{"!=", "==", "="} {
		if key, value, ok := strings.Cut(p, op); ok {
			key, value = strings.TrimSpace(key), strings.TrimSpace(value)
			if strings.ContainsAny(value, "=!() ") {
				return requirement{}, fmt.Errorf("invalid value %q", value)
			}
			if op == "==" {
				op = "="
			}
			return requirement{key: key, op: op, values: []string{value}}, checkKey(key)
		}
	}
	return requirement{key: p, op: "exists"}, checkKey(p)
}

func checkKey(k string) error {
	if k == "" || strings.ContainsAny(k, " =!(),") {
		return fmt.Errorf("invalid label key %q", k)
	}
	return nil
}

// Matches reports whether labels satisfy every requirement.
func (s Selector) Matches(labels map[string]string) bool {
	for _, r := range s {
		v, has := labels[r.key]
		var ok bool
		switch r.op {
		case "=":
			ok = has && v == r.values[0]
		case "!=":
			ok = !has || v != r.values[0]
		case "in":
			ok = has && slices.Contains(r.values, v)
		case "notin":
			ok = !has || !slices.Contains(r.values, v)
		case "exists":
			ok = has
		case "!":
			ok = !has
		}
		if !ok {
			return false
		}
	}
	return true
}
