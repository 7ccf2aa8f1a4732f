package answers

import (
	"strings"
)

// Source says where an answer came from; the precedence rule ranks them in this order.
type Source string

// The sources, highest precedence first.
const (
	FromFlag    Source = "flag"
	FromFile    Source = "file"
	FromEnv     Source = "env"
	FromPrompt  Source = "prompt"
	FromDefault Source = "default"
)

// Answers holds resolved values by question id. Lists are kept comma-joined in schema
// order, so an Answers compares and prints deterministically.
type Answers struct {
	values  map[string]string
	sources map[string]Source
}

// New returns empty answers.
func New() Answers {
	return Answers{values: map[string]string{}, sources: map[string]Source{}}
}

// Set records a value and where it came from.
func (a Answers) Set(id, value string, src Source) {
	a.values[id] = value
	a.sources[id] = src
}

// Get returns the value of id, or "" when it is unanswered.
func (a Answers) Get(id string) string { return a.values[id] }

// Has reports whether id is answered.
func (a Answers) Has(id string) bool {
	_, ok := a.values[id]
	return ok
}

// List returns a list answer as its items.
func (a Answers) List(id string) []string { return splitList(a.values[id]) }

// Source tells where the answer to id came from.
func (a Answers) Source(id string) Source { return a.sources[id] }

// Map returns the answers as plain data in which list answers are string slices, for
// JSON and YAML output and for the recommender.
func (a Answers) Map(s *Schema) map[string]any {
	m := map[string]any{}
	for _, q := range s.Questions {
		v, ok := a.values[q.ID]
		if !ok {
			continue
		}
		if q.Kind == List {
			items := splitList(v)
			if items == nil {
				items = []string{}
			}
			m[q.ID] = items
		} else {
			m[q.ID] = v
		}
	}
	return m
}

// Strings returns the scalar answers by id (lists comma-joined).
func (a Answers) Strings() map[string]string {
	m := make(map[string]string, len(a.values))
	for k, v := range a.values {
		m[k] = v
	}
	return m
}

// SetArgs renders the answers as the --set flags that reproduce them, in schema order.
func (a Answers) SetArgs(s *Schema) []string {
	var out []string
	for _, q := range s.Questions {
		if v, ok := a.values[q.ID]; ok {
			out = append(out, q.ID+"="+v)
		}
	}
	return out
}

// ParseAssignment splits a --set value "key=value".
func ParseAssignment(s string) (key, value string, ok bool) {
	key, value, ok = strings.Cut(s, "=")
	return strings.TrimSpace(key), value, ok && strings.TrimSpace(key) != ""
}
