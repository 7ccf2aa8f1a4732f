package render

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
)

func data() Data {
	return Data{
		Name: "demo-app", Package: "demo_app", Description: "A \"quoted\" \\ text\nwith {{ .Name }} and ${HOME}",
		Port: 3000, Features: map[string]bool{"docker": true, "ci": false}, Stack: "node", TemplateID: "t",
	}
}

func TestRender(t *testing.T) {
	files := fstest.MapFS{
		"package.json.tmpl":          {Data: []byte(`{"name": {{ .Name | toJson }}, "description": {{ .Description | toJson }}}`)},
		"static.txt":                 {Data: []byte("{{ .Name }} stays as written")},
		"src/__package__/app.py":     {Data: []byte("x")},
		"Dockerfile":                 {Data: []byte("FROM x")},
		".github/workflows/ci.yml":   {Data: []byte("on: push")},
		"bin/run.sh":                 {Data: []byte("#!/bin/sh")},
		"README.md.tmpl":             {Data: []byte("# {{ .Name }}\n{{ .Description | oneLine }}\n{{ if .Features.docker }}docker{{ end }}")},
		"src/__package__/sub/x.tmpl": {Data: []byte("{{ .Package }}")},
	}
	rules := []Rule{{Path: "Dockerfile", When: "docker"}, {Path: ".github/", When: "ci"}, {Path: "bin/run.sh", Mode: 0o755}}
	got, err := Render(files, rules, data())
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]File{}
	var order []string
	for _, f := range got {
		byPath[f.Path] = f
		order = append(order, f.Path)
	}
	want := []string{"Dockerfile", "README.md", "bin/run.sh", "package.json", "src/demo_app/app.py", "src/demo_app/sub/x", "static.txt"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Fatalf("paths %v, want %v", order, want)
	}
	var pkg struct{ Name, Description string }
	if err := json.Unmarshal(byPath["package.json"].Data, &pkg); err != nil || pkg.Description != data().Description {
		t.Errorf("package.json %s: %v", byPath["package.json"].Data, err)
	}
	if string(byPath["static.txt"].Data) != "{{ .Name }} stays as written" {
		t.Error("a file without .tmpl was rendered")
	}
	if byPath["bin/run.sh"].Mode != 0o755 || byPath["Dockerfile"].Mode != DefaultMode {
		t.Error("modes not applied")
	}
	readme := string(byPath["README.md"].Data)
	if !strings.Contains(readme, "text with {{ .Name }} and ${HOME}\ndocker") {
		t.Errorf("README: user text must land verbatim on one line, never executed:\n%s", readme)
	}
}

func TestRenderErrors(t *testing.T) {
	for name, body := range map[string]string{
		"missing key":   "{{ .Features.nope }}",
		"unknown field": "{{ .Nope }}",
		"non-hermetic":  `{{ now }}`,
		"env":           `{{ env "HOME" }}`,
		"syntax":        "{{ if }}",
	} {
		_, err := Render(fstest.MapFS{"f.tmpl": {Data: []byte(body)}}, nil, data())
		if err == nil || !strings.Contains(err.Error(), "render f.tmpl") {
			t.Errorf("%s: got %v, want an error naming the file", name, err)
		}
	}
	d := data()
	d.Package = "../escape"
	_, err := Render(fstest.MapFS{"__package__/x": {Data: []byte("x")}}, nil, d)
	if err == nil || !strings.Contains(err.Error(), "leave the project folder") {
		t.Errorf("escaping path: got %v", err)
	}
	_, err = Render(fstest.MapFS{"x": {Data: []byte("x")}}, []Rule{{Path: "x", When: "nope"}}, d)
	if err == nil {
		t.Error("a rule naming an unknown feature was accepted")
	}
}

func TestEscapers(t *testing.T) {
	for _, s := range []string{"", "plain", `q"uote`, `back\slash`, "new\nline\r\ttab", "\x01\x7f", "ünï 日本 😀", "\u2028", "</script>&"} {
		var back string
		if err := json.Unmarshal([]byte(pyString(s)), &back); err != nil || back != s {
			t.Errorf("pyString(%q) = %s", s, pyString(s))
		}
		if strings.ContainsAny(oneLine(s), "\n\r\x01\x7f") {
			t.Errorf("oneLine(%q) = %q", s, oneLine(s))
		}
		ts := tomlString(s)
		if strings.ContainsAny(ts[1:len(ts)-1], "\n\r\x01\x7f") || strings.Count(ts, `"`)-strings.Count(ts, `\"`) != 2 {
			t.Errorf("tomlString(%q) = %s", s, ts)
		}
	}
	if got := tomlString("a\"b\\c\nd\x01"); got != `"a\"b\\c\nd\u0001"` {
		t.Errorf("tomlString: %s", got)
	}
}

func TestFuncsHasNoNonHermetic(t *testing.T) {
	fm := Funcs()
	for _, name := range []string{"now", "env", "expandenv", "randAlphaNum", "uuidv4"} {
		if _, ok := fm[name]; ok {
			t.Errorf("func map has %s", name)
		}
	}
	for _, name := range []string{"toJson", "tomlString", "pyString", "yamlString", "oneLine", "upper"} {
		if _, ok := fm[name]; !ok {
			t.Errorf("func map lacks %s", name)
		}
	}
}

// TestRuleConditions: a rule's When is a comma-separated list of conditions that must
// all hold: features, database=VALUE and database!=VALUE.
func TestRuleConditions(t *testing.T) {
	files := fstest.MapFS{"a": {Data: []byte("a")}}
	for _, c := range []struct {
		when, database string
		keep           bool
	}{
		{"docker", "sqlite", true},
		{"ci", "sqlite", false},
		{"database=postgres", "postgres", true},
		{"database=postgres", "sqlite", false},
		{"database!=memory", "sqlite", true},
		{"database!=memory", "memory", false},
		{"docker,database=postgres", "postgres", true},
		{"docker, database=postgres", "sqlite", false},
		{"ci,database=postgres", "postgres", false},
		{"database=postgres", "", false}, // a template without databases
	} {
		d := data()
		d.Database = c.database
		got, err := Render(files, []Rule{{Path: "a", When: c.when}}, d)
		if err != nil {
			t.Fatalf("%q: %v", c.when, err)
		}
		if (len(got) == 1) != c.keep {
			t.Errorf("when %q with database %q: kept %v, want %v", c.when, c.database, len(got) == 1, c.keep)
		}
	}
	if _, err := Render(files, []Rule{{Path: "a", When: "stack=node"}}, data()); err == nil || !strings.Contains(err.Error(), "only database") {
		t.Errorf("a condition on another key: got %v", err)
	}
}
