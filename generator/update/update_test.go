package update

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/templates"
)

const by = "stackpick test"

// templateFS copies the real templates into memory, so a test can make the next
// template version from them with edits.
func templateFS(t testing.TB) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	err := fs.WalkDir(templates.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templates.FS(), p)
		out[p] = &fstest.MapFile{Data: b, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func clone(m fstest.MapFS) fstest.MapFS {
	out := fstest.MapFS{}
	for k, v := range m {
		c := *v
		c.Data = append([]byte(nil), v.Data...)
		out[k] = &c
	}
	return out
}

func load(t testing.TB, fsys fs.FS) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	cat.Share("openapi.json", docs.OpenAPI) // as templates.Catalog does
	return cat
}

// edit replaces old with new in one template file; old must be there.
func edit(t testing.TB, m fstest.MapFS, file, old, new string) {
	t.Helper()
	f := m[file]
	if f == nil || !strings.Contains(string(f.Data), old) {
		t.Fatalf("%s has no %q", file, old)
	}
	f.Data = []byte(strings.Replace(string(f.Data), old, new, 1))
}

// generate writes a new project into dir as `new --yes` does.
func generate(t testing.TB, cat *catalog.Catalog, dir string, sets ...string) {
	t.Helper()
	if !strings.HasPrefix(strings.Join(sets, " "), "name=") {
		sets = append([]string{"name=demo"}, sets...)
	}
	p, err := project.Resolve(project.Request{Catalog: cat, Dir: dir, Policy: generator.PolicyError, Sources: project.Sources{Sets: sets, UseDefaults: true}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.Plan(by)
	if err == nil {
		project.AddBase(plan)
		err = plan.Check(generator.PolicyError)
	}
	if err == nil {
		err = generator.Apply(context.Background(), plan)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func runUpdate(t testing.TB, cat *catalog.Catalog, dir string, sets ...string) *Plan {
	t.Helper()
	plan, _, err := Prepare(Request{Catalog: cat, Dir: dir, Sources: project.Sources{Sets: sets}, GeneratedBy: by})
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	return plan
}

// tree lists every file under dir with its mode and content.
func tree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, _ := d.Info()
		if d.IsDir() {
			out[rel+"/"] = info.Mode().String()
			return nil
		}
		b, err := os.ReadFile(p)
		out[rel] = info.Mode().String() + "\n" + string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t testing.TB, got, want map[string]string) {
	t.Helper()
	var diffs []string
	for p, w := range want {
		if g, ok := got[p]; !ok {
			diffs = append(diffs, "missing "+p)
		} else if g != w {
			diffs = append(diffs, "differs "+p)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "extra "+p)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("trees differ: %s", strings.Join(diffs, ", "))
	}
}

func readFile(t testing.TB, dir, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t testing.TB, dir, p, s string) {
	t.Helper()
	full := filepath.Join(dir, p)
	info, err := os.Stat(full)
	mode := fs.FileMode(0o644)
	if err == nil {
		mode = info.Mode().Perm()
	}
	if err := os.WriteFile(full, []byte(s), mode); err != nil {
		t.Fatal(err)
	}
}

// nextVersion is a second template version with every kind of change: line edits,
// an added file, a removed file, a renamed file and dependency bumps (manifest and
// lockfile).
func nextVersion(t testing.TB, v1 fstest.MapFS) fstest.MapFS {
	v2 := clone(v1)
	edit(t, v2, "node-express/files/src/store.ts", "\n", "\n// store v2\n")
	edit(t, v2, "node-express/files/package.json.tmpl", `"pino": "10.4.0"`, `"pino": "10.5.0"`)
	edit(t, v2, "node-express/files/package-lock.json.tmpl", `"version": "10.4.0"`, `"version": "10.5.0"`)
	v2["node-express/files/src/added.ts"] = &fstest.MapFile{Data: []byte("export const added = true;\n"), Mode: 0o644}
	delete(v2, "node-express/files/src/validation.ts")
	v2["node-express/files/src/errors.ts"] = v2["node-express/files/src/problems.ts"]
	delete(v2, "node-express/files/src/problems.ts")
	edit(t, v2, "python-fastapi/files/pyproject.toml.tmpl", `"fastapi==0.165.0"`, `"fastapi==0.166.0"`)
	edit(t, v2, "python-fastapi/files/src/__package__/storage.py", "\n", "\n# storage v2\n")
	return v2
}

// Property 1: an untouched project, updated, is byte-identical to a fresh `new` with
// the new version (node and python, a feature set each).
func TestUntouchedUpdateIsFreshNew(t *testing.T) {
	v1 := templateFS(t)
	c1, c2 := load(t, v1), load(t, nextVersion(t, v1))
	for _, sets := range [][]string{{"stack=node"}, {"stack=python", "features=websocket"}} {
		t.Run(sets[0], func(t *testing.T) {
			old, fresh := filepath.Join(t.TempDir(), "demo"), filepath.Join(t.TempDir(), "demo")
			generate(t, c1, old, sets...)
			plan := runUpdate(t, c2, old)
			if plan.Conflicts() != 0 || len(plan.Lockfiles) != 0 {
				t.Fatalf("conflicts %d, lockfiles %v", plan.Conflicts(), plan.Lockfiles)
			}
			generate(t, c2, fresh, sets...)
			sameTree(t, tree(t, old), tree(t, fresh))
		})
	}
}

// The classification of each kind of template change, with user edits beside them.
func TestClassification(t *testing.T) {
	v1 := templateFS(t)
	c1, c2 := load(t, v1), load(t, nextVersion(t, v1))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, c1, dir, "stack=node")
	// yours: a line of app.ts; conflict: store.ts's second line; removed-kept:
	// problems.ts edited (the template renames it); deleted: health.ts removed;
	// package.json: a dependency added right beside the template's bump.
	writeFile(t, dir, "src/app.ts", strings.Replace(readFile(t, dir, "src/app.ts"), "\n", "\n// mine\n", 1))
	store := strings.SplitAfter(readFile(t, dir, "src/store.ts"), "\n")
	store[1] = "// my store line\n" + store[1]
	writeFile(t, dir, "src/store.ts", strings.Join(store, ""))
	writeFile(t, dir, "src/problems.ts", readFile(t, dir, "src/problems.ts")+"// my problem\n")
	writeFile(t, dir, "src/validation.ts", readFile(t, dir, "src/validation.ts")+"// my rule\n")
	os.Remove(filepath.Join(dir, "src/routes/health.ts"))
	writeFile(t, dir, "package.json", strings.Replace(readFile(t, dir, "package.json"), `"pino": "10.4.0"`, `"pino": "10.4.0",
    "zod": "4.1.0"`, 1))
	plan, _, err := Prepare(Request{Catalog: c2, Dir: dir, GeneratedBy: by})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Status{
		"src/app.ts": Ours, "src/store.ts": Conflict, "src/problems.ts": Removed, "src/errors.ts": Merged,
		"src/added.ts": Added, "src/validation.ts": RemovedKept, "src/routes/health.ts": Deleted,
		"package.json": Merged, "package-lock.json": Regenerate, "src/logger.ts": Unchanged,
	}
	for _, e := range plan.Entries {
		if w, ok := want[e.Path]; ok && e.Status != w {
			t.Errorf("%s: %s, want %s (%v)", e.Path, e.Status, w, e.Notes)
		}
	}
	if err := Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	pkg := readFile(t, dir, "package.json")
	if !strings.Contains(pkg, `"pino": "10.5.0"`) || !strings.Contains(pkg, `"zod": "4.1.0"`) || strings.Contains(pkg, "<<<<<<<") {
		t.Errorf("package.json not merged by structure:\n%s", pkg)
	}
	if s := readFile(t, dir, "src/store.ts"); !strings.Contains(s, "<<<<<<< yours\n") || !strings.Contains(s, "// my store line") || !strings.Contains(s, "// store v2") {
		t.Errorf("store.ts lacks the conflict:\n%s", s)
	}
	if _, err := os.Stat(filepath.Join(dir, "src/problems.ts")); err == nil {
		t.Error("problems.ts, renamed by the template, was not removed")
	}
	if !strings.Contains(readFile(t, dir, "src/errors.ts"), "// my problem") {
		t.Error("your change to a file the template renamed did not follow it")
	}
	if _, err := os.Stat(filepath.Join(dir, "src/routes/health.ts")); err == nil {
		t.Error("a file you deleted came back")
	}
	if !strings.Contains(readFile(t, dir, "src/validation.ts"), "// my rule") {
		t.Error("an edited file the template removed was not kept")
	}
	if len(plan.Lockfiles) != 1 || plan.Lockfiles[0].Command[0] != "npm" {
		t.Errorf("lockfiles %v", plan.Lockfiles)
	}
	// The record and base moved on: a second update has nothing to do.
	again, _, err := Prepare(Request{Catalog: c2, Dir: dir, GeneratedBy: by})
	if err != nil || again.Changes() {
		t.Errorf("second update: %v, changes %v", err, again.Changes())
	}
}

func TestPyprojectMergedByStructure(t *testing.T) {
	v1 := templateFS(t)
	c1, c2 := load(t, v1), load(t, nextVersion(t, v1))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, c1, dir, "stack=python")
	py := readFile(t, dir, "pyproject.toml")
	py = strings.Replace(py, `    "fastapi==0.165.0",`, `    "fastapi==0.165.1",
    "httpx>=0.28",`, 1)
	py = strings.Replace(py, `"ruff==0.17.6",`, `"ruff==0.17.6",
    "mypy==1.20.0",`, 1)
	writeFile(t, dir, "pyproject.toml", py)
	plan := runUpdate(t, c2, dir)
	got := readFile(t, dir, "pyproject.toml")
	for _, want := range []string{`"fastapi==0.166.0"`, `"httpx>=0.28"`, `"mypy==1.20.0"`} {
		if !strings.Contains(got, want) {
			t.Errorf("pyproject.toml lacks %s:\n%s", want, got)
		}
	}
	if plan.Conflicts() != 0 || strings.Contains(got, "0.165.1") {
		t.Errorf("conflicts %d:\n%s", plan.Conflicts(), got)
	}
	var e *Entry
	for _, x := range plan.Entries {
		if x.Path == "pyproject.toml" {
			e = x
		}
	}
	if e == nil || e.Status != Merged || len(e.Notes) != 1 || !strings.Contains(e.Notes[0], "fastapi") {
		t.Errorf("entry %+v", e)
	}
}

// Property 2: with no template change and no answer change, update changes nothing,
// whatever the user did.
func TestNoChangeChangesNothing(t *testing.T) {
	cat := load(t, templateFS(t))
	r := rand.New(rand.NewSource(3))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, cat, dir, "stack=node")
	files := []string{"src/app.ts", "src/store.ts", "README.md", "package.json", "package-lock.json", "src/routes/items.ts"}
	for i := 0; i < 10; i++ {
		f := files[r.Intn(len(files))]
		switch r.Intn(3) {
		case 0:
			os.Remove(filepath.Join(dir, f))
		default:
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				writeFile(t, dir, f, randomEdit(r, readFile(t, dir, f), nil))
			}
		}
		before := tree(t, dir)
		plan := runUpdate(t, cat, dir)
		if plan.Changes() {
			t.Fatalf("round %d: update would change the project", i)
		}
		sameTree(t, tree(t, dir), before)
	}
}

// randomEdit changes, inserts or deletes one line of s, avoiding the lines in keep.
func randomEdit(r *rand.Rand, s string, keep map[int]bool) string {
	lines := strings.SplitAfter(s, "\n")
	for tries := 0; tries < 100; tries++ {
		i := r.Intn(len(lines))
		if keep[i] {
			continue
		}
		switch r.Intn(3) {
		case 0:
			lines[i] = fmt.Sprintf("// user line %d\n", r.Int())
		case 1:
			lines = append(lines[:i], append([]string{fmt.Sprintf("// user insert %d\n", r.Int())}, lines[i:]...)...)
		default:
			lines = append(lines[:i], lines[i+1:]...)
		}
		break
	}
	return strings.Join(lines, "")
}

// Properties 3 and 4 over random edit scripts: the template edits some lines of a
// file; the user edits others. Edits at least two lines apart all survive, with no
// conflict; an edit of a line the template also changed gives a conflict holding both.
func TestRandomEditScripts(t *testing.T) {
	v1 := templateFS(t)
	c1 := load(t, v1)
	r := rand.New(rand.NewSource(4))
	const file = "src/store.ts" // copied byte for byte: template lines are project lines
	src := string(v1["node-express/files/"+file].Data)
	n := len(strings.SplitAfter(src, "\n"))
	rounds := 12
	if testing.Short() {
		rounds = 4
	}
	for round := 0; round < rounds; round++ {
		overlap := round%3 == 2
		tmplLines := map[int]bool{}
		lines := strings.SplitAfter(src, "\n")
		for k := 0; k < 3; k++ {
			i := 2 + r.Intn(n-4)
			tmplLines[i] = true
			lines[i] = fmt.Sprintf("// template change %d\n", round*10+k)
		}
		v2 := clone(v1)
		v2["node-express/files/"+file].Data = []byte(strings.Join(lines, ""))
		c2 := load(t, v2)
		dir := filepath.Join(t.TempDir(), "demo")
		generate(t, c1, dir, "stack=node")
		// The user's edits: replacements, away from the template's lines (or on one).
		user := strings.SplitAfter(src, "\n")
		var mine []string
		for k := 0; k < 3; k++ {
			i := r.Intn(n - 1)
			if tmplLines[i] || tmplLines[i-1+boolInt(i == 0)] || tmplLines[i+1] {
				continue
			}
			user[i] = fmt.Sprintf("// user change %d\n", round*10+k)
			mine = append(mine, user[i])
		}
		var clash string
		if overlap {
			for i := range tmplLines {
				user[i] = fmt.Sprintf("// user clash %d\n", round)
				clash = user[i]
				break
			}
		}
		writeFile(t, dir, file, strings.Join(user, ""))
		// Another file the template does not change, edited freely.
		writeFile(t, dir, "src/app.ts", randomEdit(r, readFile(t, dir, "src/app.ts"), nil))
		appJS := readFile(t, dir, "src/app.ts")
		plan := runUpdate(t, c2, dir)
		got := readFile(t, dir, file)
		for _, m := range mine {
			if !strings.Contains(got, m) {
				t.Fatalf("round %d: the user's %q was lost:\n%s", round, m, got)
			}
		}
		if readFile(t, dir, "src/app.ts") != appJS {
			t.Fatalf("round %d: app.ts changed", round)
		}
		if !overlap {
			if plan.Conflicts() != 0 {
				t.Fatalf("round %d: %d conflicts:\n%s", round, plan.Conflicts(), got)
			}
			for i := range tmplLines {
				if !strings.Contains(got, lines[i]) {
					t.Fatalf("round %d: the template's %q is missing", round, lines[i])
				}
			}
			continue
		}
		if plan.Conflicts() == 0 || !strings.Contains(got, "<<<<<<< yours\n") || !strings.Contains(got, clash) {
			t.Fatalf("round %d: overlapping edits gave no conflict:\n%s", round, got)
		}
		for i := range tmplLines {
			if !strings.Contains(got, lines[i]) {
				t.Fatalf("round %d: the template's %q was dropped", round, lines[i])
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Property 5: changing an answer gives a fresh `new` with the new answers plus the
// user's edits.
func TestAnswerChange(t *testing.T) {
	cat := load(t, templateFS(t))
	for _, stack := range []string{"node", "python"} {
		t.Run(stack, func(t *testing.T) {
			dir, fresh := filepath.Join(t.TempDir(), "demo"), filepath.Join(t.TempDir(), "demo")
			generate(t, cat, dir, "stack="+stack, "features=docker")
			readme := readFile(t, dir, "README.md") + "\nMy notes.\n"
			writeFile(t, dir, "README.md", readme)
			plan := runUpdate(t, cat, dir, "features=docker,ci,websocket")
			if plan.Conflicts() != 0 || len(plan.AnswersChanged) != 1 {
				t.Fatalf("conflicts %d, answers changed %v", plan.Conflicts(), plan.AnswersChanged)
			}
			generate(t, cat, fresh, "stack="+stack, "features=docker,ci,websocket")
			want := tree(t, fresh)
			got := tree(t, dir)
			if !strings.HasSuffix(got["README.md"], "\nMy notes.\n") {
				t.Fatalf("README lost the user's notes:\n%s", got["README.md"])
			}
			delete(got, "README.md")
			delete(want, "README.md")
			sameTree(t, got, want)
		})
	}
}

func TestNoBaseGivesTwoWayPreview(t *testing.T) {
	v1 := templateFS(t)
	c1, c2 := load(t, v1), load(t, nextVersion(t, v1))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, c1, dir, "stack=node")
	os.RemoveAll(filepath.Join(dir, ".stackpick"))
	// The same version: the base is rendered again, exactly.
	if plan, _, err := Prepare(Request{Catalog: c1, Dir: dir, GeneratedBy: by}); err != nil || plan.TwoWay != nil || plan.Changes() != true {
		t.Fatalf("same version without base: %v %v", err, plan.TwoWay)
	}
	plan, _, err := Prepare(Request{Catalog: c2, Dir: dir, GeneratedBy: by})
	if err != nil || plan.TwoWay == nil {
		t.Fatalf("err %v, two-way %v", err, plan.TwoWay)
	}
	if !strings.Contains(plan.TwoWay.Error(), "--dry-run") {
		t.Error(plan.TwoWay)
	}
	if err := Apply(context.Background(), plan); err != ErrTwoWay {
		t.Fatalf("applied a two-way plan: %v", err)
	}
	statuses := map[string]Status{}
	for _, e := range plan.Entries {
		statuses[e.Path] = e.Status
	}
	if statuses["src/store.ts"] != Differs || statuses["src/added.ts"] != Added || statuses["src/logger.ts"] != Unchanged {
		t.Errorf("two-way statuses %v", statuses)
	}
}

func TestStackCannotChange(t *testing.T) {
	cat := load(t, templateFS(t))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, cat, dir, "stack=node")
	_, _, err := Prepare(Request{Catalog: cat, Dir: dir, Sources: project.Sources{Sets: []string{"stack=python"}}, GeneratedBy: by})
	if err == nil || !strings.Contains(err.Error(), "update keeps the project's stack") {
		t.Fatalf("err %v", err)
	}
}

// Another stackpick release with the same template and answers changes nothing: the
// record is not rewritten for its generated_by alone.
func TestOtherBinarySameTemplate(t *testing.T) {
	cat := load(t, templateFS(t))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, cat, dir, "stack=python")
	plan, _, err := Prepare(Request{Catalog: cat, Dir: dir, GeneratedBy: "stackpick 9.9.9"})
	if err != nil || plan.Changes() {
		t.Fatalf("err %v, changes %v", err, plan.Changes())
	}
}

// randomVersion is a next template version made by a random edit script: line edits,
// insertions and deletions in files copied byte for byte, a file added, one removed.
func randomVersion(t testing.TB, r *rand.Rand, v1 fstest.MapFS) fstest.MapFS {
	v2 := clone(v1)
	var plain []string
	for p := range v2 {
		if strings.Contains(p, "/files/") && !strings.HasSuffix(p, ".tmpl") && !strings.HasPrefix(p, "bare-") {
			plain = append(plain, p)
		}
	}
	sort.Strings(plain)
	for k := 0; k < 6; k++ {
		p := plain[r.Intn(len(plain))]
		v2[p].Data = []byte(randomEdit(r, string(v2[p].Data), nil))
	}
	for _, tmpl := range []string{"node-express", "python-fastapi"} {
		v2[fmt.Sprintf("%s/files/docs/added-%d.md", tmpl, r.Intn(100))] = &fstest.MapFile{Data: []byte("# added\n"), Mode: 0o644}
	}
	delete(v2, plain[r.Intn(len(plain))])
	return v2
}

// Property 1 over random template edit scripts.
func TestUntouchedUpdateIsFreshNewRandom(t *testing.T) {
	v1 := templateFS(t)
	c1 := load(t, v1)
	r := rand.New(rand.NewSource(5))
	for round := 0; round < 6; round++ {
		c2 := load(t, randomVersion(t, r, v1))
		stack := []string{"stack=node", "stack=python"}[round%2]
		old, fresh := filepath.Join(t.TempDir(), "demo"), filepath.Join(t.TempDir(), "demo")
		generate(t, c1, old, stack)
		plan := runUpdate(t, c2, old)
		if plan.Conflicts() != 0 {
			t.Fatalf("round %d: %d conflicts", round, plan.Conflicts())
		}
		generate(t, c2, fresh, stack)
		sameTree(t, tree(t, old), tree(t, fresh))
	}
}

// Property 5 over random user edit scripts: the user edits files the answer change
// does not touch; the update equals a fresh `new` with the new answers plus the very
// same edits.
func TestAnswerChangeRandom(t *testing.T) {
	cat := load(t, templateFS(t))
	r := rand.New(rand.NewSource(6))
	files := map[string][]string{
		"node":   {"src/store.ts", "src/routes/items.ts", "test/items.test.ts", "biome.json"},
		"python": {"src/demo/storage.py", "src/demo/routes.py", "tests/test_items.py", ".gitignore"},
	}
	for round := 0; round < 6; round++ {
		stack := []string{"node", "python"}[round%2]
		dir, fresh := filepath.Join(t.TempDir(), "demo"), filepath.Join(t.TempDir(), "demo")
		generate(t, cat, dir, "stack="+stack, "features=")
		generate(t, cat, fresh, "stack="+stack, "features=ci,websocket")
		for k := 0; k < 4; k++ {
			f := files[stack][r.Intn(len(files[stack]))]
			edited := randomEdit(r, readFile(t, dir, f), nil)
			writeFile(t, dir, f, edited)
			writeFile(t, fresh, f, edited)
		}
		plan := runUpdate(t, cat, dir, "features=ci,websocket")
		if plan.Conflicts() != 0 {
			t.Fatalf("round %d: %d conflicts", round, plan.Conflicts())
		}
		// The fresh project's record and base are its own: compare the rest.
		got, want := tree(t, dir), tree(t, fresh)
		sameTree(t, got, want)
	}
}

// A base edited out of shape is no base: rendered again for the same version, a
// two-way preview for another.
func TestCorruptBase(t *testing.T) {
	v1 := templateFS(t)
	c1, c2 := load(t, v1), load(t, nextVersion(t, v1))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, c1, dir, "stack=node")
	writeFile(t, dir, ".stackpick/base.txt", "stackpick base 1\n-- \"a\" 0644 99 --\nshort\n")
	if plan, _, err := Prepare(Request{Catalog: c1, Dir: dir, GeneratedBy: by}); err != nil || plan.TwoWay != nil {
		t.Fatalf("same version: %v %v", err, plan.TwoWay)
	}
	plan, _, err := Prepare(Request{Catalog: c2, Dir: dir, GeneratedBy: by})
	if err != nil || plan.TwoWay == nil || !strings.Contains(plan.TwoWay.Error(), "cut short") {
		t.Fatalf("other version: %v %v", err, plan.TwoWay)
	}
}

// A folder of the project replaced by a link is refused before anything is written:
// update never writes through a link.
func TestLinkedFolderRefused(t *testing.T) {
	v1 := templateFS(t)
	c1, c2 := load(t, v1), load(t, nextVersion(t, v1))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, c1, dir, "stack=node")
	elsewhere := t.TempDir()
	if err := os.Rename(filepath.Join(dir, "src"), filepath.Join(elsewhere, "src")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(elsewhere, "src"), filepath.Join(dir, "src")); err != nil {
		t.Fatal(err)
	}
	_, _, err := Prepare(Request{Catalog: c2, Dir: dir, GeneratedBy: by})
	var nr *NotRegularError
	if !errors.As(err, &nr) {
		t.Fatalf("err %v", err)
	}
}

// A file you deleted that the template renames stays deleted under its new name.
func TestDeletedThenRenamedStaysDeleted(t *testing.T) {
	v1 := templateFS(t)
	c1, c2 := load(t, v1), load(t, nextVersion(t, v1))
	dir := filepath.Join(t.TempDir(), "demo")
	generate(t, c1, dir, "stack=node")
	os.Remove(filepath.Join(dir, "src/problems.ts"))
	plan := runUpdate(t, c2, dir)
	for _, p := range []string{"src/problems.ts", "src/errors.ts"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("%s exists", p)
		}
	}
	for _, e := range plan.Entries {
		if e.Path == "src/errors.ts" && e.Status != Deleted {
			t.Errorf("errors.ts: %s", e.Status)
		}
	}
}

// Property 5 with the name: the Python package folder is renamed, your edits in it
// move along, and the project is a fresh one of the new name plus your edits.
func TestNameChangeMovesEdits(t *testing.T) {
	cat := load(t, templateFS(t))
	dir, fresh := filepath.Join(t.TempDir(), "demo"), filepath.Join(t.TempDir(), "demo")
	generate(t, cat, dir, "stack=python")
	generate(t, cat, fresh, "name=orders", "stack=python")
	writeFile(t, dir, "src/demo/routes.py", readFile(t, dir, "src/demo/routes.py")+"# mine\n")
	writeFile(t, fresh, "src/orders/routes.py", readFile(t, fresh, "src/orders/routes.py")+"# mine\n")
	plan := runUpdate(t, cat, dir, "name=orders")
	if plan.Conflicts() != 0 {
		t.Fatalf("%d conflicts", plan.Conflicts())
	}
	sameTree(t, tree(t, dir), tree(t, fresh))
}
