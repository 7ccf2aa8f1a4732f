package conformance

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// object is a JSON object under construction, its keys kept in order so that the corpus
// is byte-identical from run to run.
type object struct {
	keys   []string
	values map[string]string // raw JSON texts
}

// newObject holds an ordinary valid value for each required property.
func newObject(s *openapi3.Schema) object {
	o := object{values: map[string]string{}}
	for _, name := range s.Required {
		if p := s.Properties[name]; p != nil && p.Value != nil {
			o = o.with(name, validValue(p.Value))
		}
	}
	return o
}

// withAll adds the optional properties too.
func (o object) withAll(s *openapi3.Schema) object {
	for _, name := range o.order(s) {
		if _, ok := o.values[name]; !ok {
			o = o.with(name, validValue(s.Properties[name].Value))
		}
	}
	return o
}

// order is the schema's properties: required ones in their order, then the rest sorted.
func (o object) order(s *openapi3.Schema) []string {
	names := slices.Clone(s.Required)
	var rest []string
	for name := range s.Properties {
		if !slices.Contains(names, name) {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

func (o object) with(key, raw string) object {
	c := object{keys: slices.Clone(o.keys), values: map[string]string{}}
	for k, v := range o.values {
		c.values[k] = v
	}
	if _, ok := c.values[key]; !ok {
		c.keys = append(c.keys, key)
	}
	c.values[key] = raw
	return c
}

func (o object) without(key string) object {
	c := o.with(key, "null")
	c.keys = slices.DeleteFunc(c.keys, func(k string) bool { return k == key })
	delete(c.values, key)
	return c
}

func (o object) json() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(quote(k))
		b.WriteByte(':')
		b.WriteString(o.values[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

func validValue(s *openapi3.Schema) string {
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		v := 1.0
		if s.Min != nil && v < *s.Min || s.Max != nil && v > *s.Max {
			v = *s.Min
		}
		return num(v)
	case s.Type.Is("boolean"):
		return "true"
	case s.Type.Is("array"):
		if s.Items != nil && s.Items.Value != nil {
			return "[" + validValue(s.Items.Value) + "]"
		}
		return "[]"
	default:
		return `"a"`
	}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// quote writes s as a JSON string, keeping non-ASCII characters as they are.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func list(n int, item func(int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = item(i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// padded fills a JSON text with trailing spaces (still valid JSON) up to n bytes.
func padded(text []byte, n int) []byte {
	return append(slices.Clone(text), bytes.Repeat([]byte(" "), n-len(text))...)
}

func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}
