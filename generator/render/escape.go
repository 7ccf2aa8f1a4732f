package render

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// escapers put user text into a file's syntax. Each returns a complete literal,
// quotes included, that parses back to exactly the input.
var escapers = map[string]any{
	"tomlString": tomlString,
	"pyString":   pyString,
	"yamlString": yamlString,
	"oneLine":    oneLine,
}

// jsonString is a JSON string literal; Go escapes <, > and & too, which keeps the
// text inert inside HTML and is still valid JSON.
func jsonString(s string) string {
	b, _ := json.Marshal(s) // a string always marshals
	return string(b)
}

// tomlString is a TOML basic string: JSON's escapes are a subset of TOML's, except
// that TOML has no \/ (Go never writes it) and requires \u escapes for controls.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pyString is a Python str literal. A JSON string literal is one, with the same
// meaning, as long as it has no \/ escape (Go never writes it).
func pyString(s string) string { return jsonString(s) }

// yamlString is a YAML double-quoted scalar; JSON strings are valid YAML ones.
func yamlString(s string) string { return jsonString(s) }

// oneLine folds line breaks and other control characters to single spaces, for
// Markdown text and comments where a newline would end the construct.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSpace(b.String())
}
