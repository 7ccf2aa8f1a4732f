package compare

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/render"
)

// Subject is a template to compare and the data to render it with.
type Subject struct {
	Template *catalog.Template
	Data     render.Data
	// Files, when set, are the project's files exactly as `new` writes them (with the
	// project record); otherwise the template is rendered.
	Files []render.File
}

// analysis is one rendered skeleton with each file's role and kind.
type analysis struct {
	t     *catalog.Template
	data  render.Data
	files []render.File
	role  map[string]string // path -> role
	kind  map[string]string // path -> app, tests, config, docs, lock
	// features maps a role to the feature that adds its files (from the manifest's
	// rules), for roles that only some answers produce.
	features map[string]string
	pkgJSON  map[string]any
}

// Structure renders every subject with its data and compares what the skeletons hold.
// It needs no network and writes nothing.
func Structure(ans Answers, subjects []Subject) (*Report, error) {
	if ans.Features == nil {
		ans.Features = []string{}
	}
	rep := &Report{SchemaVersion: SchemaVersion, Answers: ans, Parity: []Row{}, Roles: []Role{}, Unpaired: []Unpaired{}}
	var all []*analysis
	for _, s := range subjects {
		a, err := analyze(s)
		if err != nil {
			return nil, err
		}
		all = append(all, a)
		rep.Skeletons = append(rep.Skeletons, a.skeleton())
	}
	rep.Parity = parity(all)
	rep.Roles, rep.Unpaired = pairRoles(all)
	return rep, nil
}

func analyze(s Subject) (*analysis, error) {
	files := s.Files
	if files == nil {
		var err error
		if files, err = s.Template.Render(s.Data); err != nil {
			return nil, fmt.Errorf("compare: render %s: %w", s.Template.ID, err)
		}
	}
	a := &analysis{t: s.Template, data: s.Data, files: files, role: map[string]string{}, kind: map[string]string{}}
	entry, err := entryFile(s.Template, s.Data, files)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		a.role[f.Path] = classify(f.Path, entry)
		a.kind[f.Path] = kindOf(f.Path, a.role[f.Path])
		if path.Base(f.Path) == "package.json" && path.Dir(f.Path) == "." {
			_ = json.Unmarshal(f.Data, &a.pkgJSON)
		}
	}
	if a.features, err = roleFeatures(s.Template, entry); err != nil {
		return nil, err
	}
	return a, nil
}

// entryFile finds the file the start step runs: an argument that is a generated file,
// or the __main__.py of a `-m` module.
func entryFile(t *catalog.Template, data render.Data, files []render.File) (string, error) {
	argv, err := catalog.Command(t.Steps.Start, data)
	if err != nil {
		return "", fmt.Errorf("compare: %s start step: %w", t.ID, err)
	}
	has := func(p string) bool {
		return slices.ContainsFunc(files, func(f render.File) bool { return f.Path == p })
	}
	for i, arg := range argv {
		if has(path.Clean(arg)) {
			return path.Clean(arg), nil
		}
		if arg == "-m" && i+1 < len(argv) {
			mod := strings.ReplaceAll(argv[i+1], ".", "/")
			for _, p := range []string{mod + "/__main__.py", "src/" + mod + "/__main__.py", mod + ".py", "src/" + mod + ".py"} {
				if has(p) {
					return p, nil
				}
			}
		}
	}
	return "", nil
}

// roleFeatures maps each role to the feature whose rule adds its files, from the
// template's own files and rules.
func roleFeatures(t *catalog.Template, entry string) (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(t.Files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		p = strings.TrimSuffix(p, render.TemplateSuffix)
		for _, r := range t.Manifest.Files {
			if r.When == "" || !(p == r.Path || strings.HasSuffix(r.Path, "/") && strings.HasPrefix(p, r.Path)) {
				continue
			}
			role := classify(p, entry)
			if _, ok := out[role]; !ok {
				out[role] = r.When
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compare: %s: %w", t.ID, err)
	}
	return out, nil
}

// kindOf sorts a file into app code, tests, config, docs or lockfile.
func kindOf(p, role string) string {
	switch {
	case role == roleLock:
		return "lock"
	case isTest(p) && sourceExts[path.Ext(p)]:
		return "tests"
	case sourceExts[path.Ext(p)]:
		return "app"
	case strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".rst") || strings.HasSuffix(p, ".txt") && role != roleManifest:
		return "docs"
	default:
		return "config"
	}
}

// The patterns are compiled on first use: every command links this package, only
// compare needs them.
var commentLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(//|#|/\*|\*|\*/)`) })

// linesOfCode counts the lines that are not blank and, outside docs, not a comment
// by themselves.
func linesOfCode(data []byte, kind string) int {
	n := 0
	for _, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || kind != "docs" && commentLine().MatchString(l) {
			continue
		}
		n++
	}
	return n
}

func (a *analysis) skeleton() Skeleton {
	s := Skeleton{
		Template: a.t.ID, Stack: a.t.Stack, Framework: a.t.Framework, Language: a.t.Language,
		Files: len(a.files), Runtime: []Dependency{}, Dev: []Dependency{},
	}
	for _, f := range a.files {
		n := linesOfCode(f.Data, a.kind[f.Path])
		switch a.kind[f.Path] {
		case "app":
			s.Lines.App += n
		case "tests":
			s.Lines.Tests += n
		case "docs":
			s.Lines.Docs += n
		case "lock":
			s.Lines.Lock += n
		default:
			s.Lines.Config += n
		}
		if a.role[f.Path] == roleManifest && path.Dir(f.Path) == "." {
			rt, dev := dependencies(path.Base(f.Path), f.Data)
			s.Runtime, s.Dev = append(s.Runtime, rt...), append(s.Dev, dev...)
		}
	}
	return s
}

var pep508 = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*([^;]*)`)
})

// dependencies reads the direct dependencies of a package manifest, by its format.
func dependencies(name string, data []byte) (runtime, dev []Dependency) {
	runtime, dev = []Dependency{}, []Dependency{}
	fromMap := func(m map[string]string) []Dependency {
		out := []Dependency{}
		for k, v := range m {
			out = append(out, Dependency{Name: k, Version: v})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	}
	fromPEP508 := func(reqs []string) []Dependency {
		out := []Dependency{}
		for _, r := range reqs {
			m := pep508().FindStringSubmatch(r)
			if m == nil {
				continue
			}
			v := strings.TrimSpace(m[2])
			if strings.HasPrefix(v, "==") && !strings.Contains(v, ",") {
				v = strings.TrimPrefix(v, "==")
			}
			out = append(out, Dependency{Name: m[1], Version: v})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	}
	switch name {
	case "package.json":
		var pkg struct {
			Dependencies    map[string]string `json:"dependencies"`
			DevDependencies map[string]string `json:"devDependencies"`
		}
		if json.Unmarshal(data, &pkg) == nil {
			return fromMap(pkg.Dependencies), fromMap(pkg.DevDependencies)
		}
	case "pyproject.toml":
		var py struct {
			Project struct {
				Dependencies []string            `toml:"dependencies"`
				Optional     map[string][]string `toml:"optional-dependencies"`
			} `toml:"project"`
			Groups map[string][]any `toml:"dependency-groups"`
		}
		if _, err := toml.Decode(string(data), &py); err == nil {
			var devReqs []string
			for _, reqs := range py.Project.Optional {
				devReqs = append(devReqs, reqs...)
			}
			for _, reqs := range py.Groups {
				for _, r := range reqs {
					if s, ok := r.(string); ok {
						devReqs = append(devReqs, s)
					}
				}
			}
			return fromPEP508(py.Project.Dependencies), fromPEP508(devReqs)
		}
	case "requirements.txt":
		var reqs []string
		for _, l := range strings.Split(string(data), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "-") {
				reqs = append(reqs, l)
			}
		}
		return fromPEP508(reqs), dev
	}
	return runtime, dev
}

// filesWith returns the paths of a's files for which keep is true.
func (a *analysis) filesWith(keep func(p string) bool) []render.File {
	var out []render.File
	for _, f := range a.files {
		if keep(f.Path) {
			out = append(out, f)
		}
	}
	return out
}

func (a *analysis) featureOn(f string) bool { return a.data.Features[f] }

// absent describes why a skeleton lacks a role's files: a feature that is off, or
// nothing in the template.
func (a *analysis) absent(role string) string {
	if f, ok := a.features[role]; ok && !a.featureOn(f) {
		return "off (feature " + f + ")"
	}
	return "none"
}

// parity builds the parity table from the rendered files and the manifests.
func parity(all []*analysis) []Row {
	var rows []Row
	row := func(group, name string, cell func(a *analysis) (bool, string)) {
		r := Row{Group: group, Name: name}
		for _, a := range all {
			ok, detail := cell(a)
			r.Cells = append(r.Cells, Cell{Template: a.t.ID, Present: ok, Detail: detail})
		}
		rows = append(rows, r)
	}
	found := func(a *analysis, kind string, re *regexp.Regexp) []string {
		var where []string
		for _, f := range a.filesWith(func(p string) bool { return a.kind[p] == kind }) {
			if re.Match(f.Data) {
				where = append(where, f.Path)
			}
		}
		return where
	}
	for _, ep := range endpoints {
		if ep.websocket {
			continue
		}
		row("endpoint", ep.name, func(a *analysis) (bool, string) {
			where := found(a, "app", ep.pattern())
			if len(where) == 0 {
				return false, "no route"
			}
			return true, strings.Join(where, ", ")
		})
	}
	for _, name := range settings {
		re := regexp.MustCompile(`(?i)\b` + name + `\b`)
		row("setting", name, func(a *analysis) (bool, string) {
			var where []string
			for _, f := range a.filesWith(func(p string) bool { return a.role[p] == roleSettings && a.kind[p] == "app" }) {
				if re.Match(f.Data) {
					where = append(where, f.Path)
				}
			}
			if len(where) == 0 {
				return false, "not read"
			}
			return true, strings.Join(where, ", ")
		})
	}
	row("project", "tests", func(a *analysis) (bool, string) {
		tests := a.filesWith(func(p string) bool { return strings.HasPrefix(a.role[p], testsPrefix) })
		if len(tests) == 0 || len(a.t.Steps.Test) == 0 {
			return false, "none"
		}
		return true, fmt.Sprintf("%s; %s", plural(len(tests), "file"), a.commands(a.t.Steps.Test))
	})
	row("project", "lint", func(a *analysis) (bool, string) {
		tools := a.lintTools()
		if len(tools) == 0 {
			return false, "none"
		}
		var parts []string
		for _, l := range tools {
			parts = append(parts, l.String())
		}
		return true, strings.Join(parts, ", ")
	})
	row("project", "Dockerfile", func(a *analysis) (bool, string) {
		files := a.filesWith(func(p string) bool { return a.role[p] == roleDocker })
		if len(files) == 0 {
			return false, a.absent(roleDocker)
		}
		return true, dockerDetail(files[0].Data)
	})
	row("project", "CI workflow", func(a *analysis) (bool, string) {
		files := a.filesWith(func(p string) bool { return a.role[p] == roleCI })
		if len(files) == 0 {
			return false, a.absent(roleCI)
		}
		var paths []string
		for _, f := range files {
			paths = append(paths, f.Path)
		}
		return true, strings.Join(paths, ", ")
	})
	for _, ep := range endpoints {
		if !ep.websocket {
			continue
		}
		row("project", "WebSocket ("+strings.TrimPrefix(ep.name, "WebSocket ")+")", func(a *analysis) (bool, string) {
			where := found(a, "app", ep.pattern())
			if len(where) == 0 {
				return false, a.absent(roleWebSocket)
			}
			tests := a.filesWith(func(p string) bool { return a.role[p] == testsPrefix+roleWebSocket })
			return true, fmt.Sprintf("%s; %s", strings.Join(where, ", "), plural(len(tests), "test file"))
		})
	}
	row("project", "lockfile", func(a *analysis) (bool, string) {
		files := a.filesWith(func(p string) bool { return a.role[p] == roleLock })
		if len(files) == 0 {
			return false, "none"
		}
		return a.lockDetail(files[0].Path)
	})
	return rows
}

func (a *analysis) commands(steps [][]string) string {
	var out []string
	for _, argv := range steps {
		argv, err := catalog.Command(argv, a.data)
		if err != nil {
			continue
		}
		out = append(out, strings.Join(argv, " "))
	}
	return strings.Join(out, " && ")
}

// lintTool is a lint tool a template's lint step runs and where it is configured:
// a file of its own (biome.json) or a section of the package manifest
// (pyproject.toml [tool.ruff]); both empty when it runs on its defaults.
type lintTool struct {
	name    string
	file    string
	section string
}

func (l lintTool) String() string {
	where := strings.TrimSpace(l.file + " " + l.section)
	if where == "" {
		return l.name
	}
	return l.name + " (" + where + ")"
}

// lintTools names the lint step's tools (through package.json scripts for `npm run X`)
// and where each is configured.
func (a *analysis) lintTools() []lintTool {
	var out []lintTool
	for _, argv := range a.t.Steps.Lint {
		if len(argv) == 0 {
			continue
		}
		tool := path.Base(argv[0])
		if (tool == "npm" || tool == "yarn" || tool == "pnpm") && len(argv) > 1 {
			script := argv[len(argv)-1]
			if scripts, ok := a.pkgJSON["scripts"].(map[string]any); ok {
				if s, ok := scripts[script].(string); ok && s != "" {
					tool = path.Base(strings.Fields(s)[0])
				}
			}
		}
		if slices.ContainsFunc(out, func(l lintTool) bool { return l.name == tool }) {
			continue
		}
		l := lintTool{name: tool}
		for _, f := range a.files {
			if a.role[f.Path] == roleLint && strings.Contains(path.Base(f.Path), tool) {
				l.file = f.Path
				break
			}
		}
		if l.file == "" {
			for _, f := range a.files {
				if a.role[f.Path] != roleManifest || path.Dir(f.Path) != "." {
					continue
				}
				if sec := manifestSection(path.Base(f.Path), f.Data, tool); sec != "" {
					l.file, l.section = f.Path, sec
					break
				}
			}
		}
		out = append(out, l)
	}
	return out
}

// manifestSection names the part of a package manifest that configures tool:
// pyproject.toml's [tool.X] table, package.json's "X" or "XConfig" key.
func manifestSection(name string, data []byte, tool string) string {
	switch name {
	case "pyproject.toml":
		var py struct {
			Tool map[string]any `toml:"tool"`
		}
		if _, err := toml.Decode(string(data), &py); err == nil && py.Tool[tool] != nil {
			return "[tool." + tool + "]"
		}
	case "package.json":
		var pkg map[string]json.RawMessage
		if json.Unmarshal(data, &pkg) == nil {
			for _, key := range []string{tool, tool + "Config"} {
				if _, ok := pkg[key]; ok {
					return `"` + key + `"`
				}
			}
		}
	}
	return ""
}

// sections lists the parts of a's files of other roles that play role: today the lint
// config kept in the package manifest.
func (a *analysis) sections(role string) []string {
	out := []string{}
	if role != roleLint {
		return out
	}
	for _, l := range a.lintTools() {
		if l.section != "" {
			out = append(out, l.file+" "+l.section)
		}
	}
	return out
}

// lockReaders are the install commands that install what a lockfile pins, by the
// lockfile's name (`pip install` reads none of them; `uv pip install` neither).
var lockReaders = map[string][]string{
	"package-lock.json": {"npm ci", "npm install", "npm i"},
	"uv.lock":           {"uv sync"},
	"poetry.lock":       {"poetry install", "poetry sync"},
	"yarn.lock":         {"yarn install", "yarn"},
	"pnpm-lock.yaml":    {"pnpm install", "pnpm i"},
	"Pipfile.lock":      {"pipenv install", "pipenv sync"},
}

// readsLock says whether an install (a list of commands) installs from the lockfile:
// a command known to read it, or one that names it (pip install -r requirements.lock).
func readsLock(steps [][]string, lock string) bool {
	name := path.Base(lock)
	for _, argv := range steps {
		if len(argv) == 0 {
			continue
		}
		cmd := path.Base(argv[0])
		if len(argv) > 1 {
			cmd += " " + argv[1]
		}
		for _, r := range lockReaders[name] {
			if cmd == r || path.Base(argv[0]) == r {
				return true
			}
		}
		for _, arg := range argv[1:] {
			if path.Base(arg) == name {
				return true
			}
		}
	}
	return false
}

// lockDetail says which install uses the lockfile. The manifest's install_with
// commands replace the install when their tool is on PATH, so a lockfile only they
// read is used only then; the plain install is the fallback, and says what it ignores.
// A lockfile no install reads counts only if the locked step keeps it in step with
// the manifest, and the detail says that the install does not read it.
func (a *analysis) lockDetail(lock string) (bool, string) {
	install := a.commands(a.t.Steps.Install)
	if readsLock(a.t.Steps.Install, lock) {
		return true, lock + "; " + install
	}
	tools := make([]string, 0, len(a.t.Steps.InstallWith))
	for tool := range a.t.Steps.InstallWith {
		tools = append(tools, tool)
	}
	sort.Strings(tools)
	for _, tool := range tools {
		steps := a.t.Steps.InstallWith[tool]
		if readsLock(steps, lock) {
			return true, fmt.Sprintf("%s; %s when %s is on PATH, else %s (ignores %s)",
				lock, a.commands(steps), tool, install, path.Base(lock))
		}
	}
	if len(a.t.Steps.Locked) > 0 {
		return true, fmt.Sprintf("%s, checked by %s; the install (%s) does not read it",
			lock, a.commands(a.t.Steps.Locked), install)
	}
	return false, fmt.Sprintf("%s, but the install (%s) does not read it", lock, install)
}

var (
	dockerFrom = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?mi)^\s*FROM\s`) })
	dockerUser = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?mi)^\s*USER\s+(\S+)`) })
)

// dockerDetail says how many build stages a Dockerfile has and whether it runs as root.
func dockerDetail(data []byte) string {
	stages := len(dockerFrom().FindAll(data, -1))
	user := "root"
	if m := dockerUser().FindAllSubmatch(data, -1); len(m) > 0 {
		if u := string(m[len(m)-1][1]); u != "root" && u != "0" && !strings.HasPrefix(u, "0:") {
			user = "non-root"
		}
	}
	if stages == 1 {
		return "1 stage, " + user
	}
	return fmt.Sprintf("%d stages, %s", stages, user)
}

// pairRoles groups each skeleton's files by role and lists those with no counterpart.
// A skeleton has a counterpart when it has a file in the role or a section of another
// file that plays it (the lint config in pyproject.toml).
func pairRoles(all []*analysis) ([]Role, []Unpaired) {
	byRole := map[string][][]string{}
	for i, a := range all {
		for _, f := range a.files {
			r := a.role[f.Path]
			if byRole[r] == nil {
				byRole[r] = make([][]string, len(all))
			}
			byRole[r][i] = append(byRole[r][i], f.Path)
		}
	}
	var names []string
	for r := range byRole {
		names = append(names, r)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := roleRank(names[i]), roleRank(names[j])
		if ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	roles, unpaired := []Role{}, []Unpaired{}
	for _, r := range names {
		files := byRole[r]
		sections := make([][]string, len(all))
		anySection := false
		var missing []string
		for i, fs := range files {
			sections[i] = all[i].sections(r)
			anySection = anySection || len(sections[i]) > 0
			if fs == nil {
				files[i] = []string{}
				if len(sections[i]) == 0 {
					missing = append(missing, all[i].t.ID)
				}
			}
		}
		role := Role{Role: r, Files: files}
		if anySection {
			role.Sections = sections
		}
		roles = append(roles, role)
		if len(missing) == 0 {
			continue
		}
		for i, fs := range files {
			for _, p := range fs {
				unpaired = append(unpaired, Unpaired{Template: all[i].t.ID, Path: p, Role: r, Missing: missing})
			}
		}
	}
	return roles, unpaired
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
