package answers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxFileSize bounds an answers file: real ones are a few hundred bytes.
const MaxFileSize = 1 << 20

// Record keys: written into .stackpick.yml beside the answers, accepted on replay.
const (
	KeyGeneratedBy    = "generated_by"
	KeyTemplateDigest = "template_digest"
)

// LoadFile reads an answers file (YAML or JSON, which is YAML) from r and returns its
// values by key, in the raw string form --set takes (lists comma-joined). It checks
// the shape only; values are validated by the Resolver with the rest.
func LoadFile(name string, r io.Reader, s *Schema) (map[string]string, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, &FileError{Path: name, Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, &FileError{Path: name, Err: fmt.Errorf("larger than %d bytes; an answers file holds a few keys", MaxFileSize)}
	}
	if !utf8.Valid(data) {
		return nil, &FileError{Path: name, Err: errors.New("not valid UTF-8 text")}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if err == io.EOF {
			return map[string]string{}, nil // an empty file answers nothing
		}
		return nil, &FileError{Path: name, Err: fmt.Errorf("not valid YAML or JSON: %v", err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, &FileError{Path: name, Err: errors.New("holds more than one YAML document; keep one mapping of key: value")}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return map[string]string{}, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &FileError{Path: name, Err: fmt.Errorf("line %d: the top level must be a mapping of key: value", root.Line)}
	}
	out := map[string]string{}
	known := append(s.IDs(), KeyGeneratedBy, KeyTemplateDigest)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag != "!!str" {
			return nil, &FileError{Path: name, Err: fmt.Errorf("line %d: keys must be plain strings", k.Line)}
		}
		key := k.Value
		if _, dup := out[key]; dup {
			return nil, &FileError{Path: name, Err: fmt.Errorf("line %d: key %q appears twice", k.Line, key)}
		}
		if key == KeyGeneratedBy || key == KeyTemplateDigest {
			if err := wantString(v); err != nil {
				return nil, &FileError{Path: name, Err: fmt.Errorf("line %d: %s: %v", v.Line, key, err)}
			}
			out[key] = v.Value
			continue
		}
		q, ok := s.Lookup(key)
		if !ok {
			return nil, &InvalidError{UnknownKey: true, Value: key, Allowed: known, Nearest: Nearest(key, known), Where: fmt.Sprintf("%s line %d", name, k.Line)}
		}
		raw, err := rawValue(q, v)
		if err != nil {
			return nil, &FileError{Path: name, Err: fmt.Errorf("line %d: %s: %v", v.Line, key, err)}
		}
		out[key] = raw
	}
	return out, nil
}

// rawValue reads one value node in the shape its question takes.
func rawValue(q *Question, v *yaml.Node) (string, error) {
	if v.Kind == yaml.AliasNode || v.Anchor != "" {
		return "", errors.New("anchors and aliases are not supported in answers files")
	}
	if q.Kind == List {
		if v.Kind != yaml.SequenceNode {
			return "", fmt.Errorf("want a list, e.g. [%s], got %s", strings.Join(q.Allowed(), ", "), describeNode(v))
		}
		items := make([]string, 0, len(v.Content))
		for _, item := range v.Content {
			if err := wantString(item); err != nil {
				return "", fmt.Errorf("list items: %v", err)
			}
			if strings.Contains(item.Value, ",") {
				return "", fmt.Errorf("list item %q contains a comma; give one value per item", item.Value)
			}
			if slices.Contains(items, item.Value) {
				return "", fmt.Errorf("list item %q appears twice", item.Value)
			}
			items = append(items, item.Value)
		}
		return strings.Join(items, ","), nil
	}
	// yes/no questions also take YAML booleans, the way people write them.
	if v.Kind == yaml.ScalarNode && v.Tag == "!!bool" && isYesNo(q) {
		if v.Value == "true" {
			return "yes", nil
		}
		return "no", nil
	}
	if err := wantString(v); err != nil {
		return "", err
	}
	return v.Value, nil
}

func isYesNo(q *Question) bool {
	a := q.Allowed()
	return len(a) == 2 && a[0] == "yes" && a[1] == "no"
}

func wantString(v *yaml.Node) error {
	if v.Kind == yaml.AliasNode || v.Anchor != "" {
		return errors.New("anchors and aliases are not supported in answers files")
	}
	if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
		return fmt.Errorf("want a string, got %s", describeNode(v))
	}
	return nil
}

func describeNode(v *yaml.Node) string {
	switch v.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	switch v.Tag {
	case "!!null":
		return "null"
	case "!!bool":
		return "a boolean (" + v.Value + ")"
	case "!!int", "!!float":
		return "a number (" + v.Value + ")"
	}
	return fmt.Sprintf("%q", v.Value)
}
