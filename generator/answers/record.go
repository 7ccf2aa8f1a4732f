package answers

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// RecordName is the file every generated project gets.
const RecordName = ".stackpick.yml"

// Record renders the .stackpick.yml of a generated project: the resolved answers in
// schema order plus who generated it and the template's digest. Read back with
// LoadFile it answers every question, so a replay gives the same project.
func Record(s *Schema, a Answers, generatedBy, templateDigest string) ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k string, v *yaml.Node) {
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, v)
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	add(KeyGeneratedBy, str(generatedBy))
	add(KeyTemplateDigest, str(templateDigest))
	for _, q := range s.Questions {
		if !a.Has(q.ID) {
			continue
		}
		if q.Kind == List {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, item := range a.List(q.ID) {
				seq.Content = append(seq.Content, str(item))
			}
			add(q.ID, seq)
			continue
		}
		add(q.ID, str(a.Get(q.ID)))
	}
	var b bytes.Buffer
	b.WriteString("# The answers this project was generated from. Replay with:\n")
	b.WriteString("#   stackpick new --answers .stackpick.yml OTHER_DIR\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
