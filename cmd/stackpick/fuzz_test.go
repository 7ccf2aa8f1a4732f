package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/templates"
	"go.yaml.in/yaml/v3"
)

var pyDescriptionRE = regexp.MustCompile(`(?m)^DESCRIPTION = (.*?)(  # fmt: skip)?$`)

// FuzzFreeText renders every template with arbitrary description text and checks that
// it lands in each file as data, never as syntax or template code: package.json parses
// as JSON with the same value, pyproject.toml as TOML, the Python constant is the same
// string, every YAML file parses, and the project record reads back the same text.
func FuzzFreeText(f *testing.F) {
	dir := filepath.Join("..", "..", "testdata", "fuzz", "FuzzFreeText")
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		f.Fatalf("no seed corpus in %s: %v", dir, err)
	}
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		f.Add(string(b))
	}
	cat, err := templates.Catalog()
	if err != nil {
		f.Fatal(err)
	}
	oneLine := render.Funcs()["oneLine"].(func(string) string)
	f.Fuzz(func(t *testing.T, desc string) {
		if answers.ValidateDescription(desc) != nil {
			return // refused at the door with a clear error; nothing to render
		}
		for _, tmpl := range cat.Templates {
			data := tmpl.Data("fuzz-app", "fuzz_app", desc, tmpl.Features, "")
			files, err := tmpl.Render(data)
			if err != nil {
				t.Fatalf("%s: %v", tmpl.ID, err)
			}
			for _, file := range files {
				checkFile(t, tmpl.ID, file, desc, oneLine(desc))
			}
			s := project.SchemaFor(cat, "")
			a := answers.New()
			a.Set(answers.KeyName, "fuzz-app", answers.FromFlag)
			a.Set(answers.KeyDescription, desc, answers.FromFlag)
			digest, _ := tmpl.Digest()
			rec, err := answers.Record(s, a, "stackpick test", digest)
			if err != nil {
				t.Fatal(err)
			}
			back, err := answers.LoadFile(answers.RecordName, bytes.NewReader(rec), s)
			if err != nil || back[answers.KeyDescription] != desc {
				t.Fatalf("record round trip: %q -> %q (%v)\n%s", desc, back[answers.KeyDescription], err, rec)
			}
		}
	})
}

func checkFile(t *testing.T, tmpl string, f render.File, desc, oneLineDesc string) {
	t.Helper()
	where := tmpl + "/" + f.Path
	switch {
	case strings.HasSuffix(f.Path, "package-lock.json") || strings.HasSuffix(f.Path, "uv.lock"):
		return // no user text lands in lockfiles; the installs check them
	case strings.HasSuffix(f.Path, "package.json"):
		var pkg struct{ Description string }
		if err := json.Unmarshal(f.Data, &pkg); err != nil || pkg.Description != desc {
			t.Fatalf("%s: description %q -> %q (%v)", where, desc, pkg.Description, err)
		}
	case strings.HasSuffix(f.Path, ".json"):
		if !json.Valid(f.Data) {
			t.Fatalf("%s: not valid JSON", where)
		}
	case f.Path == "pyproject.toml":
		var py struct{ Project struct{ Description string } }
		if _, err := toml.Decode(string(f.Data), &py); err != nil || py.Project.Description != oneLineDesc {
			t.Fatalf("%s: description %q -> %q (%v)", where, oneLineDesc, py.Project.Description, err)
		}
	case strings.HasSuffix(f.Path, ".toml"):
		var v map[string]any
		if _, err := toml.Decode(string(f.Data), &v); err != nil {
			t.Fatalf("%s: not valid TOML: %v", where, err)
		}
	case strings.HasSuffix(f.Path, ".yml") || strings.HasSuffix(f.Path, ".yaml"):
		var v any
		if err := yaml.Unmarshal(f.Data, &v); err != nil {
			t.Fatalf("%s: not valid YAML: %v", where, err)
		}
	case strings.HasSuffix(f.Path, "__init__.py"):
		if m := pyDescriptionRE.FindSubmatch(f.Data); m != nil {
			var got string
			if err := json.Unmarshal(m[1], &got); err != nil || got != desc {
				t.Fatalf("%s: DESCRIPTION %s is not the string %q (%v)", where, m[1], desc, err)
			}
		}
	}
	if !utf8.Valid(f.Data) {
		t.Fatalf("%s: not valid UTF-8", where)
	}
}
