package catalog

import (
	"strings"
	"testing"
	"testing/fstest"
)

func manifest(id, stack string, extra string) *fstest.MapFile {
	return &fstest.MapFile{Data: []byte("id: " + id + "\nstack: " + stack + "\nport: 3000\nfeatures: [docker]\n" + extra)}
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"b/manifest.yml":        manifest("b-tmpl", "node", "files:\n  - path: Dockerfile\n    when: docker\n  - path: run.sh\n    mode: \"0755\"\n"),
		"b/files/Dockerfile":    {Data: []byte("FROM x")},
		"b/files/run.sh":        {Data: []byte("#!/bin/sh")},
		"a/manifest.yml":        manifest("a-tmpl", "python", ""),
		"a/files/x.txt":         {Data: []byte("x")},
		"bare/manifest.yml":     manifest("bare-node", "node", "internal: true\n"),
		"bare/files/x.txt":      {Data: []byte("x")},
		"not-a-template/README": {Data: []byte("no manifest")},
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.IDs(), ","); got != "a-tmpl,b-tmpl" {
		t.Errorf("IDs %s (internal templates must not be listed)", got)
	}
	if c.ByID("bare-node") == nil || c.ForStack("node").ID != "b-tmpl" || c.ForStack("go") != nil {
		t.Error("lookups")
	}
	if got := strings.Join(c.Stacks(), ","); got != "node,python" {
		t.Errorf("stacks %s", got)
	}
	b := c.ByID("b-tmpl")
	files, err := b.Render(b.Data("n", "n", "", nil, ""))
	if err != nil || len(files) != 1 || files[0].Path != "run.sh" || files[0].Mode != 0o755 {
		t.Errorf("render without docker: %+v %v", files, err)
	}
	files, _ = b.Render(b.Data("n", "n", "", []string{"docker"}, ""))
	if len(files) != 2 {
		t.Errorf("render with docker: %d files", len(files))
	}
	// The digest changes with any file of the template.
	before, err := c.ByID("a-tmpl").Digest()
	if err != nil {
		t.Fatal(err)
	}
	fsys["a/files/x.txt"] = &fstest.MapFile{Data: []byte("y")}
	c2, _ := Load(fsys)
	after, _ := c2.ByID("a-tmpl").Digest()
	if after == before || !strings.HasPrefix(before, "sha256:") {
		t.Error("digest did not change with the content")
	}
}

func TestLoadRejects(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"duplicate id":  {"a/manifest.yml": manifest("x", "node", ""), "b/manifest.yml": manifest("x", "node", "")},
		"unknown field": {"a/manifest.yml": manifest("x", "node", "colour: blue\n")},
		"no port":       {"a/manifest.yml": {Data: []byte("id: x\nstack: node\n")}},
		"bad mode":      {"a/manifest.yml": manifest("x", "node", "files:\n  - path: a\n    mode: rwx\n")},
		"bad feature":   {"a/manifest.yml": manifest("x", "node", "files:\n  - path: a\n    when: kafka\n")},
		"bad database":  {"a/manifest.yml": manifest("x", "node", "databases: [sqlite]\nfiles:\n  - path: a\n    when: database=mysql\n")},
		"bad key":       {"a/manifest.yml": manifest("x", "node", "databases: [sqlite]\nfiles:\n  - path: a\n    when: stack=node\n")},
	} {
		if _, err := Load(fsys); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestCommand(t *testing.T) {
	got, err := Command([]string{".venv/bin/python", "-m", "{{ .Package }}"}, (&Template{}).Data("a-b", "a_b", "", nil, ""))
	if err != nil || strings.Join(got, " ") != ".venv/bin/python -m a_b" {
		t.Errorf("%v %v", got, err)
	}
	if _, err := Command([]string{"{{ .Nope }}"}, (&Template{}).Data("a", "a", "", nil, "")); err == nil {
		t.Error("unknown field accepted")
	}
}

func TestLoadRefusesStepsTheRunnerCannotUse(t *testing.T) {
	for _, extra := range []string{
		"runtime: {name: Node.js, command: [node, --version]}\n",
		"runtime: {name: Node.js, command: [node, --version], minimum: \"24.x\"}\n",
		"runtime: {command: [node, --version], minimum: \"24\"}\n",
		"steps:\n  install_with:\n    uv: []\n",
		"steps:\n  install_with:\n    uv: [[]]\n",
	} {
		_, err := Load(fstest.MapFS{"a/manifest.yml": manifest("a", "node", extra), "a/files/x": {Data: []byte("x")}})
		if err == nil {
			t.Errorf("loaded %q", extra)
		}
	}
	c, err := Load(fstest.MapFS{"a/manifest.yml": manifest("a", "node", "runtime: {name: Node.js, command: [node, --version], minimum: \"24.12.0\"}\nsteps:\n  install_with:\n    uv: [[uv, sync, --locked]]\n"), "a/files/x": {Data: []byte("x")}})
	if err != nil || c.ByID("a").Runtime.Minimum != "24.12.0" || c.ByID("a").Steps.InstallWith["uv"][0][1] != "sync" {
		t.Errorf("a valid runtime and install_with: %v", err)
	}
}

// TestSharedFiles: a file kept once for every template lands in each project that
// asks for it, exactly, and is part of the template's digest.
func TestSharedFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"a/manifest.yml": manifest("a-tmpl", "node", "shared_files:\n  docs/api.json: contract\n  src/__package__/api.json: contract\n"),
		"a/files/x.txt":  {Data: []byte("x")},
	}
	load := func(contract string) *Template {
		c, err := Load(fsys)
		if err != nil {
			t.Fatal(err)
		}
		c.Share("contract", []byte(contract))
		return c.ByID("a-tmpl")
	}
	tmpl := load(`{"openapi":"3.1.0"}`)
	files, err := tmpl.Render(tmpl.Data("demo", "demo", "", nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = string(f.Data)
	}
	for _, p := range []string{"docs/api.json", "src/demo/api.json"} {
		if got[p] != `{"openapi":"3.1.0"}` {
			t.Fatalf("%s = %q", p, got[p])
		}
	}
	d1, _ := tmpl.Digest()
	d2, _ := load(`{"openapi":"3.1.1"}`).Digest()
	if d1 == d2 {
		t.Error("the digest does not change with the shared file")
	}
	c, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ByID("a-tmpl").Render(c.ByID("a-tmpl").Data("demo", "demo", "", nil, "")); err == nil || !strings.Contains(err.Error(), `needs the shared file "contract"`) {
		t.Errorf("a missing shared file: %v", err)
	}
}
