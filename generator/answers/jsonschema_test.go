package answers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// TestJSONSchemaAgreesWithTheLoader compiles the exported schema with a JSON Schema
// validator and checks that it accepts and rejects the same answers files as LoadFile
// plus the resolver.
func TestJSONSchemaAgreesWithTheLoader(t *testing.T) {
	s := testSchema()
	raw, err := JSONSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("stackpick.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("stackpick.json")
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	for _, tc := range []struct {
		yaml string
		ok   bool
	}{
		{"workload: api\nname: demo\nfeatures: [docker, ci]\n", true},
		{"js_frontend: true\n", true},
		{"js_frontend: \"yes\"\nstack: python\n", true},
		{"generated_by: stackpick 1\ntemplate_digest: sha256:00\n", true},
		{"description: \"any text\"\n", true},
		{"workload: apii\n", false},
		{"wrokload: api\n", false},
		{"features: docker\n", false},
		{"features: [docker, kafka]\n", false},
		{"features: [docker, docker]\n", false},
		{"name: \"My App\"\n", false},
		{"name: 42\n", false},
	} {
		var v any
		if err := yaml.Unmarshal([]byte(tc.yaml), &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		schemaOK := sch.Validate(inst) == nil

		loaderOK := false
		if values, err := LoadFile("a.yml", strings.NewReader(tc.yaml), s); err == nil {
			delete(values, KeyGeneratedBy)
			delete(values, KeyTemplateDigest)
			r := &Resolver{Schema: s, File: values}
			var ids []string
			for k := range values {
				ids = append(ids, k)
			}
			loaderOK = r.Resolve(New(), ids...) == nil
		}
		if schemaOK != tc.ok || loaderOK != tc.ok {
			t.Errorf("%q: schema ok=%v, loader ok=%v, want %v", tc.yaml, schemaOK, loaderOK, tc.ok)
		}
	}
}
