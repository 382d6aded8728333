package get

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"k8s.io/client-go/util/jsonpath"

	"github.com/kubex-cli/kubex/pkg/printers"
)

// --sort-by, as kubectl sorts: the first value the JSONPath finds in each object, compared as numbers,
// quantities ("100m" < "1") or strings; objects without the field first. Only the sort keys and what is
// printed are held, never the decoded objects.

// sortField is kubectl's relaxed JSONPath ("metadata.name", ".metadata.name" and "{.metadata.name}"
// alike), or expr itself when it is no such path.
func sortField(expr string) string {
	if p, err := printers.RelaxedJSONPath(expr); err == nil && p != "" {
		return p
	}
	return expr
}

// sortKeys evaluates one parsed --sort-by field.
type sortKeys struct {
	field   string
	path    *jsonpath.JSONPath
	decoder printers.Decoder
}

func newSortKeys(expr string) (*sortKeys, error) {
	field := sortField(expr)
	p := jsonpath.New("sorting").AllowMissingKeys(true)
	if err := p.Parse(field); err != nil {
		return nil, fmt.Errorf("sorting error: %v", err)
	}
	return &sortKeys{field: field, path: p}, nil
}

// key is the first value the field finds in the object raw, and whether there is one.
func (k *sortKeys) key(raw []byte) (any, bool, error) {
	obj, err := k.decoder.Unstructured(raw)
	if err != nil {
		return nil, false, fmt.Errorf("decoding an object to sort: %w", err)
	}
	res, err := k.path.FindResults(obj)
	if err != nil {
		return nil, false, err
	}
	if len(res) == 0 || len(res[0]) == 0 {
		return nil, false, nil
	}
	return res[0][0].Interface(), true, nil
}

// sorted is a sort.Interface over keys, with kubectl's Less (an entry without a key sorts first, even
// before another without one), so that sort.Sort puts rows in kubectl's order.
type sorted struct {
	keys  []any
	has   []bool
	order []int
	err   error
	field string
}

func (s *sorted) Len() int { return len(s.keys) }
func (s *sorted) Swap(i, j int) {
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
	s.has[i], s.has[j] = s.has[j], s.has[i]
	s.order[i], s.order[j] = s.order[j], s.order[i]
}
func (s *sorted) Less(i, j int) bool {
	if !s.has[i] {
		return true
	}
	if !s.has[j] {
		return false
	}
	less, err := lessValue(s.keys[i], s.keys[j])
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("field %s is an unsortable type: %v", s.field, err)
	}
	return less
}

// sortOrder returns the order in which to print entries with these keys.
func sortOrder(field string, keys []any, has []bool) ([]int, error) {
	found := false
	for _, h := range has {
		found = found || h
	}
	if len(keys) > 0 && !found {
		return nil, fmt.Errorf("couldn't find any field with path %q in the list of objects", field)
	}
	s := &sorted{keys: keys, has: has, order: make([]int, len(keys)), field: field}
	for i := range s.order {
		s.order[i] = i
	}
	sort.Sort(s)
	return s.order, s.err
}

// lessValue compares two decoded JSON values as kubectl's sorter does.
func lessValue(a, b any) (bool, error) {
	switch {
	case a == nil && b == nil:
		return false, nil
	case a == nil:
		return true, nil
	case b == nil:
		return false, nil
	}
	switch a := a.(type) {
	case int64:
		if b, ok := b.(int64); ok {
			return a < b, nil
		}
	case float64:
		if b, ok := b.(float64); ok {
			return a < b, nil
		}
	case string:
		if b, ok := b.(string); ok {
			qa, okA := parseQuantity(a)
			qb, okB := parseQuantity(b)
			if okA && okB {
				return qa.Cmp(qb) < 0, nil
			}
			return a < b, nil
		}
	default:
		return false, fmt.Errorf("unsortable type: %T", a)
	}
	return false, fmt.Errorf("unsortable interface: %T and %T", a, b)
}

// parseQuantity reads a Kubernetes resource quantity ("1.5Gi", "100m", "2e3", "5") as an exact number.
func parseQuantity(s string) (*big.Rat, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, suffix := s[:i], s[i:]
	if !isDecimal(num) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, false
	}
	if mult, ok := quantitySuffixes[suffix]; ok {
		return r.Mul(r, mult), true
	}
	if len(suffix) > 1 && (suffix[0] == 'e' || suffix[0] == 'E') && isSignedInt(suffix[1:]) {
		var exp int
		if _, err := fmt.Sscan(strings.TrimPrefix(suffix[1:], "+"), &exp); err == nil && exp >= -1000 && exp <= 1000 {
			return r.Mul(r, pow(10, exp)), true
		}
	}
	return nil, false
}

var quantitySuffixes = map[string]*big.Rat{
	"": pow(10, 0), "n": pow(10, -9), "u": pow(10, -6), "m": pow(10, -3),
	"k": pow(10, 3), "M": pow(10, 6), "G": pow(10, 9), "T": pow(10, 12), "P": pow(10, 15), "E": pow(10, 18),
	"Ki": pow(2, 10), "Mi": pow(2, 20), "Gi": pow(2, 30), "Ti": pow(2, 40), "Pi": pow(2, 50), "Ei": pow(2, 60),
}

func pow(base int64, exp int) *big.Rat {
	r := new(big.Rat).SetInt64(1)
	b := new(big.Rat).SetInt64(base)
	if exp < 0 {
		b.Inv(b)
		exp = -exp
	}
	for range exp {
		r.Mul(r, b)
	}
	return r
}

// isDecimal is a signed decimal with at least one digit: "1", "-1.5", ".5", "5.".
func isDecimal(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if len(s) == 0 || strings.Count(s, ".") > 1 {
		return false
	}
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c != '.':
			return false
		}
	}
	return digits > 0
}

func isSignedInt(s string) bool {
	s = strings.TrimLeft(s, "+-")
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// rowSorter holds a table's rows and their sort keys until the table is complete.
type rowSorter struct {
	keys    *sortKeys
	rows    []sortedRow
	decoder printers.RowDecoder
}

type sortedRow struct {
	isTable bool
	row     printers.Row
	meta    printers.RowMeta // for an object of a non-Table list
	key     any
	has     bool
}

func newRowSorter(expr string) (*rowSorter, error) {
	k, err := newSortKeys(expr)
	if err != nil {
		return nil, err
	}
	return &rowSorter{keys: k}, nil
}

// add keeps one row (with includeObject=Object, its whole object comes along for the key) or object.
func (s *rowSorter) add(isTable bool, raw json.RawMessage) error {
	raw = append(json.RawMessage(nil), raw...) // kept: the list decoder reuses raw
	r := sortedRow{isTable: isTable}
	obj := []byte(raw)
	if isTable {
		var err error
		if r.row, err = s.decoder.Decode(raw); err != nil {
			return err
		}
		var w struct {
			Object json.RawMessage `json:"object"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		obj = w.Object
	} else {
		var w struct {
			Metadata printers.RowMeta `json:"metadata"`
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		r.meta = w.Metadata
	}
	if len(obj) > 0 {
		var err error
		if r.key, r.has, err = s.keys.key(obj); err != nil {
			return err
		}
	}
	s.rows = append(s.rows, r)
	return nil
}

// print prints the rows in order and forgets them.
func (s *rowSorter) print(tp *printers.TablePrinter) error {
	rows := s.rows
	s.rows = nil
	if len(rows) > 1 {
		keys, has := make([]any, len(rows)), make([]bool, len(rows))
		for i, r := range rows {
			keys[i], has[i] = r.key, r.has
		}
		order, err := sortOrder(s.keys.field, keys, has)
		if err != nil {
			return err
		}
		sortedRows := make([]sortedRow, len(rows))
		for i, j := range order {
			sortedRows[i] = rows[j]
		}
		rows = sortedRows
	}
	for _, r := range rows {
		var err error
		if r.isTable {
			err = tp.PrintRow(r.row, "")
		} else {
			err = tp.PrintObjectMeta(r.meta)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
