package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/templates"
)

// breakATest appends a failing test to the project's first test file and returns the
// failing test's name as verify should report it. It knows the two test layouts the
// skeletons use (node:test in test/*.test.{js,ts}, pytest in tests/test_*.py).
func breakATest(t *testing.T, dir string) (name string) {
	t.Helper()
	const msg = "one plus one is not three"
	if files, _ := filepath.Glob(filepath.Join(dir, "tests", "test_*.py")); len(files) > 0 {
		appendTo(t, files[0], "\n\ndef test_broken_on_purpose():\n    assert 1 + 1 == 3, \""+msg+"\"\n")
		return "tests." + strings.TrimSuffix(filepath.Base(files[0]), ".py") + "::test_broken_on_purpose"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "test", "*.test.[jt]s"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if regexp.MustCompile(`import \{[^}]*\bdescribe\b[^}]*\bit\b[^}]*\} from 'node:test'`).Match(b) && strings.Contains(string(b), "import assert from") {
			appendTo(t, f, "\ndescribe('broken on purpose', () => {\n  it('fails', () => {\n    assert.equal(1 + 1, 3, '"+msg+"');\n  });\n});\n")
			return "broken on purpose > fails"
		}
	}
	t.Fatalf("no test file to break in %s", dir)
	return ""
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// TestVerifyShowsFailingTestsFirst generates each template, breaks one of its tests,
// and runs verify: the failing test's name and message come before the output's tail,
// in text and in JSON (the test step's "failures"). Slow: installs from the
// registries; skipped by -short.
func TestVerifyShowsFailingTestsFirst(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registries; run without -short")
	}
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	const msg = "one plus one is not three"
	for _, tmpl := range cat.Public() {
		t.Run(tmpl.ID, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "broken-app")
			if code, _, stderr := runTest(t, "new", dir, "--yes", "--template", tmpl.ID, "--set", "features="); code != 0 {
				t.Fatalf("new: exit %d: %s", code, stderr)
			}
			name := breakATest(t, dir)

			code, stdout, _ := runTest(t, "verify", dir)
			text := stdout.String()
			if code != exitVerify {
				t.Fatalf("verify: exit %d, want %d:\n%s", code, exitVerify, text)
			}
			failed := fmt.Sprintf("%-*s FAILED", stepNameWidth, "test")
			step := text[max(strings.Index(text, "\n"+failed), 0)+1:]
			if i := strings.Index(step, "\nboot "); i >= 0 {
				step = step[:i]
			}
			first := strings.Index(step, "✖ "+name)
			tail := strings.Index(step, "output (tail):")
			if !strings.HasPrefix(step, failed) || first < 0 || !strings.Contains(step[first:], msg) || tail < 0 || first > tail || strings.Index(step, msg) > tail {
				t.Errorf("the test step does not show %q and %q before the output:\n%s", name, msg, step)
			}

			code, stdout, _ = runTest(t, "verify", dir, "--output", "json")
			if code != exitVerify {
				t.Fatalf("verify --output json: exit %d", code)
			}
			raw := stdout.String()
			var rep struct {
				SchemaVersion *int `json:"schema_version"`
				Steps         []struct {
					Name     string `json:"name"`
					Failures []struct {
						Name, Message, File string
					} `json:"failures"`
					Output string `json:"output"`
				} `json:"steps"`
			}
			if err := json.Unmarshal([]byte(raw), &rep); err != nil {
				t.Fatal(err)
			}
			if rep.SchemaVersion == nil || *rep.SchemaVersion != 1 || !strings.HasPrefix(raw, "{\n  \"schema_version\": 1,") {
				t.Errorf("schema_version is not 1 at the top: %.80s", raw)
			}
			found := false
			for _, s := range rep.Steps {
				if s.Name != "test" {
					continue
				}
				found = true
				if len(s.Failures) != 1 || s.Failures[0].Name != name || !strings.Contains(s.Failures[0].Message, msg) || s.Failures[0].File == "" {
					t.Errorf("JSON failures %+v, want one named %q with %q and a file", s.Failures, name, msg)
				}
				if s.Output == "" {
					t.Error("JSON: the test step has no output tail")
				}
			}
			if !found {
				t.Error("JSON: no test step")
			}
			// In the JSON text, the failures come before the output.
			stepText := raw[strings.Index(raw, `"name": "test"`):]
			if f, o := strings.Index(stepText, `"failures"`), strings.Index(stepText, `"output"`); f < 0 || o < 0 || f > o {
				t.Errorf("JSON: failures (at %d) do not come before output (at %d)", f, o)
			}
		})
	}
}
