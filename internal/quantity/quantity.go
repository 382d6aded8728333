// Package quantity reads and prints Kubernetes resource quantities ("100m", "1.5Gi") as apimachinery's
// resource.Quantity does, without linking apimachinery into the CLI.
package quantity

import (
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// Quantity is a resource.Quantity as far as describe needs it: an exact value and the format it prints
// in (kubectl's canonical form).
type Quantity struct {
	v      *big.Rat
	format byte // 'b' BinarySI, 'd' DecimalSI, 'e' DecimalExponent
}

var (
	binarySuffixes  = map[string]int{"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
	decimalSuffixes = map[string]int{"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
)

// Parse reads a Kubernetes Quantity ("100m", "1.5Gi", "2e3").
func Parse(s string) (Quantity, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Quantity{}, errFormat
	}
	i := 0
	if s[0] == '+' || s[0] == '-' {
		i++
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, suffix := s[:i], s[i:]
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return Quantity{}, errFormat
	}
	if e, ok := binarySuffixes[suffix]; ok {
		return Quantity{v: r.Mul(r, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(e)))), format: 'b'}, nil
	}
	if e, ok := decimalSuffixes[suffix]; ok {
		return Quantity{v: r.Mul(r, pow10(e)), format: 'd'}, nil
	}
	if suffix[0] == 'e' || suffix[0] == 'E' {
		var e int
		if _, err := fmt.Sscanf(suffix[1:], "%d", &e); err != nil {
			return Quantity{}, errFormat
		}
		return Quantity{v: r.Mul(r, pow10(e)), format: 'e'}, nil
	}
	return Quantity{}, errFormat
}

func pow10(e int) *big.Rat {
	if e >= 0 {
		return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(e)), nil))
	}
	return new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-e)), nil))
}

func (q Quantity) Sign() int {
	if q.v == nil {
		return 0
	}
	return q.v.Sign()
}

// add adds b to q, keeping q's format (b's when q is zero-valued, as a first DeepCopy would).
func (q Quantity) Add(b Quantity) Quantity {
	if q.v == nil {
		return Quantity{v: new(big.Rat).Set(b.v), format: b.format}
	}
	return Quantity{v: new(big.Rat).Add(q.v, b.v), format: q.format}
}

// ceilInt is the value times scale, rounded up (Quantity.Value, MilliValue).
func (q Quantity) CeilInt(scale int64) int64 {
	if q.v == nil {
		return 0
	}
	r := new(big.Rat).Mul(q.v, new(big.Rat).SetInt64(scale))
	n, d := r.Num(), r.Denom()
	quo, mod := new(big.Int).QuoRem(n, d, new(big.Int))
	if mod.Sign() > 0 {
		quo.Add(quo, big.NewInt(1))
	}
	return quo.Int64()
}

// String is the canonical form kubectl prints.
func (q Quantity) String() string {
	if q.v == nil || q.v.Sign() == 0 {
		return "0"
	}
	// Quantities are exact to the nano: round up to it.
	nanos := new(big.Rat).Mul(q.v, pow10(9))
	n := new(big.Int).Quo(nanos.Num(), nanos.Denom())
	if new(big.Rat).SetInt(n).Cmp(nanos) != 0 && nanos.Sign() > 0 {
		n.Add(n, big.NewInt(1))
	}
	format := q.format
	if format == 'b' {
		abs := new(big.Rat).Abs(q.v)
		if abs.Cmp(big.NewRat(1024, 1)) < 0 || !q.v.IsInt() {
			format = 'd'
		}
	}
	if format == 'b' {
		m := new(big.Int).Set(q.v.Num())
		exp := 0
		k := big.NewInt(1024)
		for exp < 60 {
			quo, mod := new(big.Int).QuoRem(m, k, new(big.Int))
			if mod.Sign() != 0 {
				break
			}
			m = quo
			exp += 10
		}
		suffix := map[int]string{0: "", 10: "Ki", 20: "Mi", 30: "Gi", 40: "Ti", 50: "Pi", 60: "Ei"}[exp]
		return m.String() + suffix
	}
	// n is the value in nanos; strip groups of three zeros.
	exp := -9
	thousand := big.NewInt(1000)
	for exp < 18 {
		quo, mod := new(big.Int).QuoRem(n, thousand, new(big.Int))
		if mod.Sign() != 0 {
			break
		}
		n = quo
		exp += 3
	}
	if format == 'e' {
		if exp == 0 {
			return n.String()
		}
		return fmt.Sprintf("%se%d", n.String(), exp)
	}
	suffix := map[int]string{-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}[exp]
	return n.String() + suffix
}

// CeilDiv is ceil(v / d) as an integer string (the downward API's divisor rule).
func CeilDiv(v, d Quantity) string {
	r := new(big.Rat).Quo(v.v, d.v)
	quo, mod := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if mod.Sign() > 0 {
		quo.Add(quo, big.NewInt(1))
	}
	return quo.String()
}

// errFormat is apimachinery's ErrFormatWrong, as kubectl prints it.
var errFormat = errors.New("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")

// Cmp compares q with b: -1, 0 or +1.
func (q Quantity) Cmp(b Quantity) int {
	if q.v == nil || b.v == nil {
		return q.Sign() - b.Sign()
	}
	return q.v.Cmp(b.v)
}
