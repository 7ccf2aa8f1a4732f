// Command benchtemplates writes testdata/bench: for each embedded stackpick template, a
// cookiecutter template and a copier template that produce exactly the tree
// `stackpick new DIR --yes --stack STACK` produces, with the project name as their one
// variable. The benchmark driver (bench/cmd/genbench) times them against stackpick.
//
// Run it from the module root whenever the templates change, and commit the result:
//
//	go run ./bench/cmd/benchtemplates
//
// It builds stackpick, generates each stack once under a sentinel project name, turns
// every occurrence of the sentinel (and of its Python package name) into the template
// variable, and escapes any Jinja syntax the files already hold. It then checks its own
// work: the templates, filled in by plain substitution with a second name, must give
// byte for byte what stackpick gives for that name.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// The sentinel project name; no template text contains it by chance.
const (
	sentinel    = "zqxbench-proj"
	sentinelPkg = "zqxbench_proj"
	// The second name the self-check generates; genbench generates under it too.
	checkName = "demo-api"
	checkPkg  = "demo_api"
	// The project's base, whose content depends on the name beyond substitution.
	baseFile = ".stackpick/base.txt"
)

// Stacks benchmarked, with the folder names used under testdata/bench.
var stacks = []struct{ stack, template string }{
	{"node", "node-express"},
	{"python", "python-fastapi"},
}

func main() {
	out := flag.String("out", "testdata/bench", "the folder to write the templates into (replaced)")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "benchtemplates:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	work, err := os.MkdirTemp("", "benchtemplates-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	bin := filepath.Join(work, "stackpick")
	if b, err := exec.Command("go", "build", "-o", bin, "./cmd/stackpick").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/stackpick (run from the module root): %v\n%s", err, b)
	}
	for _, s := range stacks {
		tree, err := generate(bin, filepath.Join(work, "a", s.stack), sentinel, s.stack)
		if err != nil {
			return err
		}
		want, err := generate(bin, filepath.Join(work, "b", s.stack), checkName, s.stack)
		if err != nil {
			return err
		}
		// The base (.stackpick/base.txt) records file sizes and lockfile digests, which
		// change with the name's length: no substitution reproduces it. It is taken as
		// made for checkName, the name genbench generates, with the name put back as the
		// variable, so the templates give stackpick's tree byte for byte for that name.
		base := want[baseFile]
		base.data = []byte(strings.NewReplacer(checkName, sentinel, checkPkg, sentinelPkg).Replace(string(base.data)))
		tree[baseFile] = base
		if err := selfCheck(tree, want); err != nil {
			return fmt.Errorf("%s: %w", s.template, err)
		}
		cc := filepath.Join(out, "cookiecutter-"+s.template)
		cp := filepath.Join(out, "copier-"+s.template)
		for _, dir := range []string{cc, cp} {
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
		}
		if err := writeCookiecutter(cc, tree); err != nil {
			return err
		}
		if err := writeCopier(cp, tree); err != nil {
			return err
		}
		fmt.Printf("%s: %d files -> %s, %s\n", s.template, len(tree), cc, cp)
	}
	return nil
}

// file is one generated file.
type file struct {
	data []byte
	mode fs.FileMode
}

// generate runs stackpick and reads the tree it wrote, by slash path.
func generate(bin, parent, name, stack string) (map[string]file, error) {
	dir := filepath.Join(parent, name)
	cmd := exec.Command(bin, "new", dir, "--yes", "--stack", stack)
	cmd.Env = cleanEnv()
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %v\n%s", cmd, err, b)
	}
	return readTree(dir)
}

// cleanEnv drops STACKPICK_* variables, so the user's environment cannot change the
// generated tree.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STACKPICK_") {
			env = append(env, kv)
		}
	}
	return env
}

func readTree(root string) (map[string]file, error) {
	tree := map[string]file{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		tree[filepath.ToSlash(rel)] = file{data: b, mode: info.Mode().Perm()}
		return nil
	})
	return tree, err
}

// selfCheck substitutes checkName for the sentinel in tree and compares with want, so a
// name that a template transforms (upper case, title case, ...) is caught here rather
// than by an unequal benchmark.
func selfCheck(tree, want map[string]file) error {
	pkg := strings.ReplaceAll(checkName, "-", "_")
	r := strings.NewReplacer(sentinel, checkName, sentinelPkg, pkg)
	if len(tree) != len(want) {
		return fmt.Errorf("self-check: %d files under the sentinel name, %d under %s", len(tree), len(want), checkName)
	}
	for p, f := range tree {
		w, ok := want[r.Replace(p)]
		if !ok {
			return fmt.Errorf("self-check: %s has no counterpart under %s", p, checkName)
		}
		if got := r.Replace(string(f.data)); got != string(w.data) || f.mode != w.mode {
			return fmt.Errorf("self-check: %s differs from plain substitution: the template transforms the name; teach benchtemplates that transform", p)
		}
	}
	return nil
}

// jinja turns one file's text into Jinja that renders back to it, with nameVar and
// pkgVar as the expressions for the name and package.
func jinja(text, nameVar, pkgVar string) (string, error) {
	r := strings.NewReplacer(sentinel, "{{ "+nameVar+" }}", sentinelPkg, "{{ "+pkgVar+" }}")
	if !strings.Contains(text, "{{") && !strings.Contains(text, "{%") && !strings.Contains(text, "{#") {
		return r.Replace(text), nil
	}
	// The file has Jinja-like syntax of its own (GitHub Actions' ${{ }}, regexes): keep
	// it raw and step out of raw only for the variables.
	if strings.Contains(text, "endraw") {
		return "", fmt.Errorf("cannot escape text that contains endraw")
	}
	r = strings.NewReplacer(
		sentinel, "{% endraw %}{{ "+nameVar+" }}{% raw %}",
		sentinelPkg, "{% endraw %}{{ "+pkgVar+" }}{% raw %}",
	)
	return "{% raw %}" + r.Replace(text) + "{% endraw %}", nil
}

func hasName(s string) bool { return strings.Contains(s, sentinel) || strings.Contains(s, sentinelPkg) }

func sortedPaths(tree map[string]file) []string {
	var ps []string
	for p := range tree {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

func writeFile(p string, data []byte, mode fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, data, mode); err != nil {
		return err
	}
	return os.Chmod(p, mode)
}

// writeCookiecutter writes a cookiecutter template: cookiecutter.json and the project
// under {{cookiecutter.project_name}}/. Files without the name are listed in
// _copy_without_render, as stackpick copies its files without a .tmpl suffix.
func writeCookiecutter(dir string, tree map[string]file) error {
	const nameVar, pkgVar = "cookiecutter.project_name", "cookiecutter.package_name"
	var verbatim []string
	for _, p := range sortedPaths(tree) {
		f := tree[p]
		outPath := strings.NewReplacer(sentinel, "{{"+nameVar+"}}", sentinelPkg, "{{"+pkgVar+"}}").Replace(p)
		data := f.data
		if hasName(string(f.data)) {
			s, err := jinja(string(f.data), nameVar, pkgVar)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			data = []byte(s)
		} else {
			verbatim = append(verbatim, outPath)
		}
		if err := writeFile(filepath.Join(dir, "{{cookiecutter.project_name}}", filepath.FromSlash(outPath)), data, f.mode); err != nil {
			return err
		}
	}
	cfg := struct {
		ProjectName       string   `json:"project_name"`
		PackageName       string   `json:"package_name"`
		CopyWithoutRender []string `json:"_copy_without_render"`
	}{"demo-api", "{{ cookiecutter.project_name|replace('-', '_') }}", verbatim}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "cookiecutter.json"), append(b, '\n'), 0o644)
}

// writeCopier writes a copier template: copier.yml and the project under project/.
// Files with the name get copier's .jinja suffix; the others are copied as they are.
func writeCopier(dir string, tree map[string]file) error {
	const nameVar, pkgVar = "project_name", "package_name"
	for _, p := range sortedPaths(tree) {
		f := tree[p]
		outPath := strings.NewReplacer(sentinel, "{{ "+nameVar+" }}", sentinelPkg, "{{ "+pkgVar+" }}").Replace(p)
		data := f.data
		if hasName(string(f.data)) {
			s, err := jinja(string(f.data), nameVar, pkgVar)
			if err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
			data = []byte(s)
			outPath += ".jinja"
		}
		if err := writeFile(filepath.Join(dir, "project", filepath.FromSlash(path.Clean(outPath))), data, f.mode); err != nil {
			return err
		}
	}
	cfg := `# Generated by bench/cmd/benchtemplates; the same project as stackpick's template.
_subdirectory: project
_templates_suffix: .jinja
project_name:
  type: str
  help: the project name
  default: demo-api
package_name:
  type: str
  default: "{{ project_name | replace('-', '_') }}"
  when: false
`
	return writeFile(filepath.Join(dir, "copier.yml"), []byte(cfg), 0o644)
}
