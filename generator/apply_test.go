package generator

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/render"
)

func sampleFiles() []render.File {
	return []render.File{
		{Path: "README.md", Data: []byte("# demo\n"), Mode: 0o644},
		{Path: "src/app.js", Data: []byte("app\n"), Mode: 0o644},
		{Path: "bin/run.sh", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
	}
}

// snapshot lists every path under dir with its mode and content, to compare trees.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		line := rel + " " + info.Mode().String()
		if d.Type().IsRegular() {
			b, _ := os.ReadFile(p)
			line += " " + string(b)
		}
		lines = append(lines, line)
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func applyPlan(t *testing.T, target string, policy Policy) (*Plan, error) {
	t.Helper()
	p := NewPlan(target, sampleFiles())
	if err := p.Check(policy); err != nil {
		return p, err
	}
	return p, Apply(context.Background(), p)
}

func TestApplyNewTarget(t *testing.T) {
	parent := t.TempDir()
	target := filepath.Join(parent, "a", "b", "demo")
	if _, err := applyPlan(t, target, PolicyError); err != nil {
		t.Fatal(err)
	}
	got := snapshot(t, target)
	for _, want := range []string{"README.md -rw-r--r-- # demo", "bin/run.sh -rwxr-xr-x #!/bin/sh", "src/app.js -rw-r--r-- app", ". drwxr-xr-x"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(parent, "a", "b"))
	if len(entries) != 1 {
		t.Errorf("staging left behind: %v", entries)
	}
}

func TestApplyEmptyTargetKeepsItsMode(t *testing.T) {
	target := filepath.Join(t.TempDir(), "demo")
	if err := os.Mkdir(target, 0o750); err != nil {
		t.Fatal(err)
	}
	if _, err := applyPlan(t, target, PolicyError); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(target)
	if info.Mode().Perm() != 0o750 {
		t.Errorf("mode %v", info.Mode())
	}
}

func TestNonEmptyTarget(t *testing.T) {
	target := t.TempDir()
	os.WriteFile(filepath.Join(target, "README.md"), []byte("mine\n"), 0o600)
	os.WriteFile(filepath.Join(target, "notes.txt"), []byte("keep\n"), 0o644)
	before := snapshot(t, target)

	_, err := applyPlan(t, target, PolicyError)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), "--conflict") || !strings.Contains(err.Error(), "README.md") {
		t.Fatalf("policy error: got %v", err)
	}
	if snapshot(t, target) != before {
		t.Fatal("the target changed")
	}

	p, err := applyPlan(t, target, PolicySkip)
	if err != nil {
		t.Fatal(err)
	}
	if c := p.Counts(); c[Skip] != 1 || c[Create] != 2 {
		t.Errorf("skip counts %v", c)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "README.md")); string(b) != "mine\n" {
		t.Error("skip replaced a file")
	}

	p, err = applyPlan(t, target, PolicyOverwrite)
	if err != nil {
		t.Fatal(err)
	}
	// The two files skip wrote already hold the template's bytes: only README.md,
	// which differs, is replaced.
	if c := p.Counts(); c[Overwrite] != 1 || c[Unchanged] != 2 {
		t.Errorf("overwrite counts %v", c)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "README.md")); string(b) != "# demo\n" {
		t.Error("overwrite kept the old file")
	}
	if b, _ := os.ReadFile(filepath.Join(target, "notes.txt")); string(b) != "keep\n" {
		t.Error("overwrite touched a file not in the plan")
	}
}

func TestRefusedTargets(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(t.TempDir(), link)
	inTheWay := filepath.Join(dir, "busy")
	os.MkdirAll(filepath.Join(inTheWay, "README.md"), 0o755) // a folder where a file goes
	for name, target := range map[string]string{"file": file, "symlink": link, "folder in the way": inTheWay, "under a file": filepath.Join(file, "sub")} {
		before := snapshot(t, dir)
		_, err := applyPlan(t, target, PolicyOverwrite)
		var conflict *ConflictError
		if !errors.As(err, &conflict) {
			t.Errorf("%s: got %v, want a ConflictError", name, err)
		}
		if snapshot(t, dir) != before {
			t.Errorf("%s: something was written", name)
		}
	}
}

func TestFailureRollsBack(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes into read-only folders; use a file in the way instead.
		t.Log("running as root: failing the move with a file that appears after Check")
	}
	target := t.TempDir()
	os.WriteFile(filepath.Join(target, "README.md"), []byte("mine\n"), 0o600)
	p := NewPlan(target, sampleFiles())
	if err := p.Check(PolicyOverwrite); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, target)
	// A file created after Check where the plan creates one: Apply must refuse it and
	// put README.md back.
	os.MkdirAll(filepath.Join(target, "src"), 0o755)
	os.WriteFile(filepath.Join(target, "src", "app.js"), []byte("raced\n"), 0o644)
	err := Apply(context.Background(), p)
	var conflict *ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("got %v", err)
	}
	os.RemoveAll(filepath.Join(target, "src"))
	if got := snapshot(t, target); got != before {
		t.Errorf("not rolled back:\n%s\nwant\n%s", got, before)
	}
	if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 1 {
		t.Errorf("staging left behind: %v", entries)
	}
}

func TestCancelledApplyWritesNothing(t *testing.T) {
	target := filepath.Join(t.TempDir(), "demo")
	p := NewPlan(target, sampleFiles())
	if err := p.Check(PolicyError); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Apply(ctx, p); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("target exists after a cancelled apply")
	}
	if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestTargetPaths(t *testing.T) {
	root := t.TempDir()
	real := filepath.Join(root, "real")
	os.Mkdir(real, 0o755)
	os.Symlink(real, filepath.Join(root, "link"))
	for _, tc := range []struct {
		target string
		ok     bool
		want   string
	}{
		{filepath.Join(root, "a", "b"), true, ""},
		{filepath.Join(root, "link", "proj"), false, "goes through the symbolic link"},
		{filepath.Join(root, "link"), false, "symbolic link"},
		{root + "/real/../escape", false, "has '..' after a folder name; give the plain path " + filepath.Join(root, "escape")},
		{root + "/real/./proj", true, ""},
	} {
		before := snapshot(t, root)
		_, err := applyPlan(t, tc.target, PolicyError)
		if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: got %v, want ok=%v %q", tc.target, err, tc.ok, tc.want)
		}
		if !tc.ok && snapshot(t, root) != before {
			t.Errorf("%s: something was written", tc.target)
		}
	}
	// A leading .. is plain: it names a sibling of the working folder.
	work := filepath.Join(root, "work")
	os.Mkdir(work, 0o755)
	t.Chdir(work)
	if _, err := applyPlan(t, "../sibling", PolicyError); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "sibling", "README.md")); err != nil {
		t.Fatal(err)
	}
}
