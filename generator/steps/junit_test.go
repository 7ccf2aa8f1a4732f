package steps

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/catalog"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTestStepNamesNodeTestFailures runs a real node:test suite through npm-less
// `node --test` and checks that the failing tests (top level and inside a describe
// block) come back with their messages, file and line, and that the spec output is
// still printed.
func TestTestStepNamesNodeTestFailures(t *testing.T) {
	needs(t, "node")
	dir := t.TempDir()
	// An ES module, as the skeleton's tests are: its trace frames are file:// URLs.
	writeFiles(t, dir, map[string]string{"test/a.test.mjs": `import test from 'node:test';
import assert from 'node:assert';
test('passes', () => {});
test('adds numbers', () => { assert.strictEqual(1 + 1, 3); });
test.describe('group', () => {
  test.it('inner fails', () => { throw new Error('boom inner'); });
});
`})
	res := runner(dir, catalog.Steps{Test: [][]string{{"node", "--test", "test/a.test.mjs"}}}, catalog.Runtime{}).Run(context.Background(), Test)
	if res.OK {
		t.Fatal("the failing suite passed")
	}
	if len(res.Failures) != 2 {
		t.Fatalf("failures %+v, want 2", res.Failures)
	}
	f := res.Failures[0]
	if f.Name != "adds numbers" || f.Message != "Expected values to be strictly equal:\n\n2 !== 3" || f.File != "test/a.test.mjs" || f.Line != 4 {
		t.Errorf("first failure %+v", f)
	}
	f = res.Failures[1]
	if f.Name != "group > inner fails" || f.Message != "boom inner" || f.File != "test/a.test.mjs" || f.Line != 6 {
		t.Errorf("second failure %+v", f)
	}
	if !strings.Contains(res.Output, "✖ adds numbers") {
		t.Errorf("the spec reporter's output is gone: %q", res.Output)
	}
}

// TestTestStepNamesPytestFailures does the same with a real pytest.
func TestTestStepNamesPytestFailures(t *testing.T) {
	needs(t, "pytest")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"tests/test_a.py": `def test_ok():
    pass


def test_adds():
    assert 1 + 1 == 3, "sums are wrong"


class TestGroup:
    def test_inner(self):
        raise ValueError("boom inner")
`})
	res := runner(dir, catalog.Steps{Test: [][]string{{"pytest", "-q", "-p", "no:cacheprovider", "tests"}}}, catalog.Runtime{}).Run(context.Background(), Test)
	if res.OK {
		t.Fatal("the failing suite passed")
	}
	if len(res.Failures) != 2 {
		t.Fatalf("failures %+v, want 2\n%s", res.Failures, res.Output)
	}
	f := res.Failures[0]
	if f.Name != "tests.test_a::test_adds" || !strings.HasPrefix(f.Message, "AssertionError: sums are wrong") || f.File != "tests/test_a.py" || f.Line != 6 {
		t.Errorf("first failure %+v", f)
	}
	f = res.Failures[1]
	if f.Name != "tests.test_a.TestGroup::test_inner" || f.Message != "ValueError: boom inner" || f.File != "tests/test_a.py" || f.Line != 11 {
		t.Errorf("second failure %+v", f)
	}
	if strings.Contains(res.Output, "junit") || strings.Contains(res.Output, "xml") {
		t.Errorf("the report shows in the output: %q", res.Output)
	}
}

func TestParseJUnitReadsErrorsAndASingleSuite(t *testing.T) {
	xml := `<testsuite name="pytest"><testcase classname="" name="tests.test_b"><error message="collection failure">tests/test_b.py:1: in &lt;module&gt;
    import nope
E   ModuleNotFoundError: No module named 'nope'</error></testcase><testcase classname="x" name="ok"/></testsuite>`
	got, err := parseJUnit([]byte(xml), "", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "tests.test_b" || got[0].Message != "collection failure" {
		t.Errorf("got %+v", got)
	}
	if _, err := parseJUnit([]byte("not xml"), "", false); err == nil {
		t.Error("no error for a broken report")
	}
}
