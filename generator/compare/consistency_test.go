package compare

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/stackpick/stackpick/generator/catalog"
)

// pairCatalog is a Node-like and a Python-like template whose tools are configured
// the way the real ones are: biome in biome.json, ruff in pyproject.toml [tool.ruff];
// package-lock.json read by npm ci, uv.lock read only by the uv install.
func pairCatalog(t *testing.T, installWith string) *catalog.Catalog {
	t.Helper()
	fsys := fstest.MapFS{
		"n/manifest.yml": {Data: []byte(`id: tpl-n
stack: n
framework: N
port: 1
steps:
  install: [[npm, ci]]
  lint: [[npm, run, lint]]
  test: [[npm, test]]
  start: [node, src/server.js]
`)},
		"n/files/package.json":      {Data: []byte(`{"scripts":{"lint":"biome check ."}}`)},
		"n/files/package-lock.json": {Data: []byte(`{}`)},
		"n/files/biome.json":        {Data: []byte(`{}`)},
		"n/files/src/server.js":     {Data: []byte("app.get('/livez', f)\n")},
		"p/manifest.yml": {Data: []byte(`id: tpl-p
stack: p
framework: P
port: 2
steps:
  install:
    - [python3, -m, venv, .venv]
    - [.venv/bin/pip, install, -q, -e, ".[dev]"]
` + installWith + `  lint:
    - [.venv/bin/ruff, check, .]
    - [.venv/bin/ruff, format, --check, .]
  start: [.venv/bin/python, -m, "{{ .Package }}"]
`)},
		"p/files/pyproject.toml":              {Data: []byte("[project]\ndependencies = [\"fastapi==1\"]\n[tool.ruff.lint]\nselect = [\"E\"]\n")},
		"p/files/uv.lock":                     {Data: []byte("version = 1\n")},
		"p/files/src/__package__/__main__.py": {Data: []byte("@app.get(\"/livez\")\n")},
	}
	cat, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func pairReport(t *testing.T, installWith string) *Report {
	t.Helper()
	cat := pairCatalog(t, installWith)
	var subs []Subject
	for _, id := range []string{"tpl-n", "tpl-p"} {
		tp := cat.ByID(id)
		subs = append(subs, Subject{Template: tp, Data: tp.Data("demo", "demo", "d", nil, "")})
	}
	rep, err := Structure(Answers{Name: "demo"}, subs)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

const (
	uvInstall = "  install_with:\n    uv: [[uv, sync, --locked]]\n"
	uvLocked  = "  locked: [[uv, lock, --locked]]\n"
)

// The parity table says the Python skeleton lints with ruff configured in
// pyproject.toml; the roles must then not call biome.json a file without counterpart.
func TestLintConfigInManifestIsACounterpart(t *testing.T) {
	rep := pairReport(t, uvInstall)
	if c := cell(t, rep, "lint", "tpl-p"); !c.Present || c.Detail != "ruff (pyproject.toml [tool.ruff])" {
		t.Fatalf("parity lint: %+v", c)
	}
	var lint *Role
	for i := range rep.Roles {
		if rep.Roles[i].Role == roleLint {
			lint = &rep.Roles[i]
		}
	}
	if lint == nil || len(lint.Sections) != 2 || !slices.Equal(lint.Sections[1], []string{"pyproject.toml [tool.ruff]"}) || len(lint.Sections[0]) != 0 {
		t.Fatalf("lint config role: %+v", lint)
	}
	for _, u := range rep.Unpaired {
		if u.Role == roleLint {
			t.Errorf("%s listed without counterpart although the other skeleton configures its linter in pyproject.toml", u.Path)
		}
	}
	var text bytes.Buffer
	if err := WriteTextWidth(&text, rep, 100); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^  lint config +biome\.json +pyproject\.toml \[tool\.ruff\]$`).MatchString(text.String()) {
		t.Errorf("the roles table does not show the section:\n%s", text.String())
	}
}

// The lockfile row names the install that reads the lockfile: with install_with, the
// uv install (and pip as the fallback); without, it says that the install ignores it
// and what keeps it in step.
func TestLockfileRowNamesTheInstallThatReadsIt(t *testing.T) {
	with := pairReport(t, uvInstall+uvLocked)
	if c := cell(t, with, "lockfile", "tpl-n"); !c.Present || c.Detail != "package-lock.json; npm ci" {
		t.Errorf("npm: %+v", c)
	}
	want := "uv.lock; uv sync --locked when uv is on PATH, else python3 -m venv .venv && .venv/bin/pip install -q -e .[dev] (ignores uv.lock)"
	if c := cell(t, with, "lockfile", "tpl-p"); !c.Present || c.Detail != want {
		t.Errorf("uv:\n got %v %q\nwant true %q", c.Present, c.Detail, want)
	}
	checked := pairReport(t, uvLocked)
	want = "uv.lock, checked by uv lock --locked; the install (python3 -m venv .venv && .venv/bin/pip install -q -e .[dev]) does not read it"
	if c := cell(t, checked, "lockfile", "tpl-p"); !c.Present || c.Detail != want {
		t.Errorf("pip, lockfile checked:\n got %v %q\nwant true %q", c.Present, c.Detail, want)
	}
	unused := pairReport(t, "")
	want = "uv.lock, but the install (python3 -m venv .venv && .venv/bin/pip install -q -e .[dev]) does not read it"
	if c := cell(t, unused, "lockfile", "tpl-p"); c.Present || c.Detail != want {
		t.Errorf("pip, lockfile unused:\n got %v %q\nwant false %q", c.Present, c.Detail, want)
	}
}

func TestReadsLock(t *testing.T) {
	cases := []struct {
		steps [][]string
		lock  string
		want  bool
	}{
		{[][]string{{"npm", "ci"}}, "package-lock.json", true},
		{[][]string{{"uv", "sync", "--locked"}}, "uv.lock", true},
		{[][]string{{"uv", "pip", "install", "."}}, "uv.lock", false},
		{[][]string{{".venv/bin/pip", "install", "-e", "."}}, "uv.lock", false},
		{[][]string{{"pip", "install", "-r", "requirements.lock"}}, "requirements.lock", true},
		{[][]string{{"python3", "-m", "venv", ".venv"}, {"poetry", "install"}}, "poetry.lock", true},
	}
	for _, c := range cases {
		if got := readsLock(c.steps, c.lock); got != c.want {
			t.Errorf("readsLock(%v, %s) = %v", c.steps, c.lock, got)
		}
	}
}

func TestWrap(t *testing.T) {
	cases := []struct {
		s     string
		width int
		want  []string
	}{
		{"express 5.3.0, pino 10.4.0", 14, []string{"express 5.3.0,", "pino 10.4.0"}},
		{"", 10, []string{""}},
		{"src/golden_app/middleware.py", 20, []string{"src/golden_app/", "middleware.py"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
	}
	for _, c := range cases {
		if got := wrap(c.s, c.width); !slices.Equal(got, c.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.s, c.width, got, c.want)
		}
	}
}

// goldenReport is the report of the real templates that the compare golden test
// keeps in testdata/compare.
func goldenReport(t *testing.T, name string) *Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "compare", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// Every line of the text report fits the terminal's width, with the real templates'
// report and with a benchmark, and nothing is lost on the way: each file path and
// each figure is still printed.
func TestTextFitsTheWidth(t *testing.T) {
	withBench := pairReport(t, uvInstall)
	withBench.Bench = fakeBench()
	// The templates' names with a benchmark: the widest server column.
	realNames := goldenReport(t, "all")
	realNames.Bench = sampleBench()
	realNames.Bench.Overhead = []Overhead{{Skeleton: "python-fastapi", Bare: "bare-python-fastapi", Ratio: 0.75, RoundRatios: []float64{0.79, 0.70}, P99Ratio: 1.11, RSSRatio: 1.14}}
	reports := map[string]*Report{"all": goldenReport(t, "all"), "none": goldenReport(t, "none"), "bench": withBench, "real names": realNames}
	for name, rep := range reports {
		for _, width := range []int{40, 80, 100, 200} {
			var buf bytes.Buffer
			if err := WriteTextWidth(&buf, rep, width); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for i, line := range strings.Split(out, "\n") {
				if n := utf8.RuneCountInString(line); n > width {
					t.Errorf("%s at %d columns: line %d is %d wide: %q", name, width, i+1, n, line)
				}
			}
			// Paths break only after a '/', so each path's last part is whole.
			for _, ro := range rep.Roles {
				for _, files := range ro.Files {
					for _, p := range files {
						if !strings.Contains(out, filepath.Base(p)) {
							t.Errorf("%s at %d columns: %s is missing", name, width, p)
						}
					}
				}
			}
			if rep == realNames && (!strings.Contains(out, "bare-python-fastapi") || !strings.Contains(out, "11250")) {
				t.Errorf("%s at %d columns: a benchmark figure is missing:\n%s", name, width, out)
			}
			if rep == withBench && (!strings.Contains(out, "(×2.33)") || !strings.Contains(out, "0.50 0.67")) {
				t.Errorf("%s at %d columns: a benchmark figure is missing:\n%s", name, width, out)
			}
		}
	}
}

// Markdown stays one table row per line with as many cells as its header.
func TestMarkdownTablesAreWellFormed(t *testing.T) {
	rep := goldenReport(t, "all")
	rep.Bench = fakeBench()
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, rep); err != nil {
		t.Fatal(err)
	}
	cells := func(line string) int {
		return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") - 1
	}
	want := -1
	tables := 0
	for _, line := range strings.Split(buf.String(), "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		if want < 0 {
			want = cells(line)
			tables++
			continue
		}
		if got := cells(line); got != want {
			t.Errorf("row with %d cells in a table of %d: %s", got, want, line)
		}
	}
	if tables != 7 {
		t.Errorf("%d tables, want 7", tables)
	}
}
