package answers

import (
	"encoding/json"
	"strings"
)

// JSONSchema returns the JSON Schema (draft 2020-12) of an answers file: every key
// with its type, allowed values, default and description. Properties keep schema order.
func JSONSchema(s *Schema) ([]byte, error) {
	props := orderedMap{}
	for _, q := range s.Questions {
		p := orderedMap{}
		desc := q.Prompt + " " + q.Help
		if q.Help == "" {
			desc = q.Prompt
		}
		switch q.Kind {
		case Choice:
			if isYesNo(q) {
				// Answers files may also say true or false, the way YAML writes yes/no.
				p.set("type", []string{"string", "boolean"})
				p.set("enum", []any{"yes", "no", true, false})
			} else {
				p.set("type", "string")
				p.set("enum", q.Allowed())
			}
			desc += valuesHelp(q)
		case List:
			p.set("type", "array")
			p.set("items", orderedMap{}.with("type", "string").with("enum", q.Allowed()))
			p.set("uniqueItems", true)
			desc += valuesHelp(q)
		case Text:
			p.set("type", "string")
			switch q.ID {
			case KeyName:
				p.set("pattern", namePattern)
				p.set("maxLength", maxNameLen)
			case KeyDescription:
				p.set("maxLength", maxDescriptionLen)
			}
		}
		p.set("description", desc)
		if q.DefaultFor == nil && q.Default != "" && q.ID != KeyName {
			p.set("default", q.Default)
		}
		props.set(q.ID, p)
	}
	props.set(KeyGeneratedBy, orderedMap{}.with("type", "string").with("description", "Written by stackpick into .stackpick.yml: the tool and version that generated the project."))
	props.set(KeyTemplateDigest, orderedMap{}.with("type", "string").with("description", "Written by stackpick into .stackpick.yml: the digest of the template's files."))
	root := orderedMap{}.
		with("$schema", "https://json-schema.org/draft/2020-12/schema").
		with("title", "stackpick answers file").
		with("description", "Answers for stackpick new, recommend and compare. Each key can also be given as --set key=value or STACKPICK_<KEY>.").
		with("type", "object").
		with("properties", props).
		with("additionalProperties", false)
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		return nil, err
	}
	// Keep <, > and & readable: the schema is read by people, not pasted into HTML.
	out = []byte(strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(out)))
	return append(out, '\n'), nil
}

func valuesHelp(q *Question) string {
	s := " Values:"
	for i, v := range q.Values {
		if i > 0 {
			s += ";"
		}
		s += " " + v.ID
		if v.Help != "" {
			s += " (" + v.Help + ")"
		}
	}
	return s + "."
}

// orderedMap is a JSON object that keeps the insertion order of its keys, so the
// printed schema reads in the order of the questions.
type orderedMap struct {
	keys   []string
	values map[string]any
}

func (m *orderedMap) set(k string, v any) {
	if m.values == nil {
		m.values = map[string]any{}
	}
	if _, ok := m.values[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.values[k] = v
}

func (m orderedMap) with(k string, v any) orderedMap {
	m.set(k, v)
	return m
}

func (m orderedMap) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, k := range m.keys {
		if i > 0 {
			b = append(b, ',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(m.values[k])
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, kb...), ':'), vb...)
	}
	return append(b, '}'), nil
}
