// Package catalog reads the templates' manifests from a file system (the embedded
// templates in the binary, a folder in tests) and finds templates by id or stack.
package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"github.com/stackpick/stackpick/generator/render"
	"go.yaml.in/yaml/v3"
)

// ManifestName is the file that makes a folder a template.
const ManifestName = "manifest.yml"

// FilesDir holds the project files of a template.
const FilesDir = "files"

// Manifest describes one template.
type Manifest struct {
	ID          string `yaml:"id"`
	Stack       string `yaml:"stack"`
	Framework   string `yaml:"framework"`
	Language    string `yaml:"language"`
	Description string `yaml:"description"`
	Port        int    `yaml:"port"`
	// Internal templates (the bare frameworks compare measures against) are not
	// offered to users: ByID finds them, nothing else lists them.
	Internal bool `yaml:"internal"`
	Options  []string
	Features []string
	// ReservedNames cannot be project names (the project depends on packages of
	// those names).
	ReservedNames []string   `yaml:"reserved_names"`
	Files         []FileRule `yaml:"files"`
	Steps         Steps      `yaml:"steps"`
	// Runtime is the interpreter the project needs; steps check its version first.
	Runtime Runtime `yaml:"runtime"`
	// FeatureHelp and FeatureDefaults describe the features for prompts and the schema:
	// FeatureDefaults lists the features on by default, and per workload answer
	// (key "workload=realtime") the ones added to them.
	FeatureHelp     map[string]string   `yaml:"feature_help"`
	FeatureDefaults map[string][]string `yaml:"feature_defaults"`
	// SharedFiles puts files every template shares, kept once outside the templates
	// (the contract's OpenAPI document), into the project: project path -> shared name.
	SharedFiles map[string]string `yaml:"shared_files"`
	// Databases are the stores the template can keep items in, the default first;
	// DatabaseHelp says one line about each. DatabaseUnrecorded is the database of a
	// project whose record predates the database question (it was generated with it).
	Databases          []string          `yaml:"databases"`
	DatabaseHelp       map[string]string `yaml:"database_help"`
	DatabaseUnrecorded string            `yaml:"database_unrecorded"`
}

// Runtime names the interpreter a template's project runs on and the lowest version
// it supports.
type Runtime struct {
	Name    string   `yaml:"name"`    // "Node.js"
	Command []string `yaml:"command"` // prints the version, e.g. [node, --version]
	Minimum string   `yaml:"minimum"` // dotted version, e.g. "24.12.0"
}

// minimumRE is the form of runtime.minimum: one to three dotted numbers.
var minimumRE = regexp.MustCompile(`^\d+(\.\d+){0,2}$`)

// checkSteps refuses step settings the steps runner could not use: a runtime without
// its name, command or a dotted minimum, and an empty install_with command.
func checkSteps(m Manifest) error {
	rt := m.Runtime
	if rt.Name != "" || len(rt.Command) > 0 || rt.Minimum != "" {
		if rt.Name == "" || len(rt.Command) == 0 || !minimumRE.MatchString(rt.Minimum) {
			return fmt.Errorf("runtime needs a name, a command and a dotted minimum like \"24.12.0\" (got name %q, command %q, minimum %q)", rt.Name, rt.Command, rt.Minimum)
		}
	}
	for tool, argvs := range m.Steps.InstallWith {
		if len(argvs) == 0 {
			return fmt.Errorf("install_with.%s has no commands", tool)
		}
		for _, argv := range argvs {
			if len(argv) == 0 {
				return fmt.Errorf("install_with.%s has an empty command", tool)
			}
		}
	}
	return nil
}

// checkWhen refuses a rule condition that names a feature or database the manifest
// does not declare (see render.Rule for the form).
func checkWhen(m Manifest, when string) error {
	for _, cond := range render.Conditions(when) {
		if cond.Key == "" {
			if !slices.Contains(m.Features, cond.Value) {
				return fmt.Errorf("when names feature %q, not in features %v", cond.Value, m.Features)
			}
			continue
		}
		if cond.Key != render.DatabaseKey {
			return fmt.Errorf("when %q: only %s=VALUE or %s!=VALUE can be compared", when, render.DatabaseKey, render.DatabaseKey)
		}
		if !slices.Contains(m.Databases, cond.Value) {
			return fmt.Errorf("when names database %q, not in databases %v", cond.Value, m.Databases)
		}
	}
	return nil
}

// FileRule is a manifest's rule for an output path; see render.Rule.
type FileRule struct {
	Path string `yaml:"path"`
	When string `yaml:"when"`
	Mode string `yaml:"mode"`
}

// Steps are the commands run in a generated project, as argument lists.
type Steps struct {
	Install [][]string `yaml:"install"`
	Lint    [][]string `yaml:"lint"`
	Test    [][]string `yaml:"test"`
	Start   []string   `yaml:"start"`
	// Locked checks that the shipped lockfile matches the manifest, where installing
	// does not already (npm ci does; pip does not read uv.lock).
	Locked [][]string `yaml:"locked"`
	// Migrate applies every pending schema migration to the database at DATABASE_URL;
	// MigrateDown undoes them all (back to an empty schema). Only projects with a
	// database (sqlite, postgres) have them to run.
	Migrate     [][]string `yaml:"migrate"`
	MigrateDown [][]string `yaml:"migrate_down"`
	// Audit reports known vulnerabilities of the runtime dependencies (non-zero exit).
	Audit [][]string `yaml:"audit"`
	// InstallWith holds faster installs keyed by the tool they need: when that tool is
	// on PATH, its commands replace Install (e.g. uv: [[uv, sync, --locked]]).
	InstallWith map[string][][]string `yaml:"install_with"`
	// InstallOutputs are the top-level entries an install makes (node_modules,
	// .venv): an interrupted install removes those it made, and nothing else.
	InstallOutputs []string `yaml:"install_outputs"`
}

// Template is a manifest with its files.
type Template struct {
	Manifest
	Files fs.FS // the files/ folder
	rules []render.Rule
	// shared are the catalog's shared files by name (see Catalog.Share).
	shared map[string][]byte
	// digest is computed on first use: hashing every template at start-up would make
	// every command pay for the one template it renders.
	digest func() (string, error)
}

// Digest is "sha256:" over the template's paths and contents; it changes exactly
// when the template does.
func (t *Template) Digest() (string, error) { return t.digest() }

// Catalog is every template, sorted by id.
type Catalog struct {
	Templates []*Template
	shared    map[string][]byte
}

// Share provides a shared file under name to every template whose manifest lists it
// in shared_files. Call it before rendering or digesting.
func (c *Catalog) Share(name string, data []byte) {
	if c.shared == nil {
		c.shared = map[string][]byte{}
	}
	c.shared[name] = data
	for _, t := range c.Templates {
		t.shared = c.shared
	}
}

// Load reads every folder of fsys that holds a manifest.
func Load(fsys fs.FS) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c := &Catalog{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), ManifestName)); err != nil {
			continue
		}
		t, err := loadTemplate(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		if c.ByID(t.ID) != nil {
			return nil, fmt.Errorf("catalog: template id %q is used twice", t.ID)
		}
		c.Templates = append(c.Templates, t)
	}
	sort.Slice(c.Templates, func(i, j int) bool { return c.Templates[i].ID < c.Templates[j].ID })
	return c, nil
}

func loadTemplate(fsys fs.FS, dir string) (*Template, error) {
	raw, err := fs.ReadFile(fsys, path.Join(dir, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	var m Manifest
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("catalog: %s/%s: %w", dir, ManifestName, err)
	}
	if m.ID == "" || m.Stack == "" || m.Port == 0 {
		return nil, fmt.Errorf("catalog: %s/%s: id, stack and port are required", dir, ManifestName)
	}
	if err := checkSteps(m); err != nil {
		return nil, fmt.Errorf("catalog: %s/%s: %w", dir, ManifestName, err)
	}
	files, err := fs.Sub(fsys, path.Join(dir, FilesDir))
	if err != nil {
		return nil, fmt.Errorf("catalog: %s: %w", dir, err)
	}
	t := &Template{Manifest: m, Files: files}
	for _, r := range m.Files {
		rule := render.Rule{Path: r.Path, When: r.When}
		if err := checkWhen(m, r.When); err != nil {
			return nil, fmt.Errorf("catalog: %s: rule for %s: %w", dir, r.Path, err)
		}
		if r.Mode != "" {
			mode, err := strconv.ParseUint(r.Mode, 8, 32)
			if err != nil || mode > 0o777 {
				return nil, fmt.Errorf("catalog: %s: rule for %s: mode %q is not an octal permission like \"0755\"", dir, r.Path, r.Mode)
			}
			rule.Mode = fs.FileMode(mode)
		}
		t.rules = append(t.rules, rule)
	}
	t.digest = sync.OnceValues(func() (string, error) { return digest(fsys, dir, t.sharedFiles) })
	return t, nil
}

// digest hashes every path and content of the template folder in sorted order, so it
// changes exactly when the template does.
func digest(fsys fs.FS, dir string, shared func() ([]render.File, error)) (string, error) {
	h := sha256.New()
	files, err := shared()
	if err != nil {
		return "", err
	}
	for _, f := range files {
		fmt.Fprintf(h, "shared:%s\x00%d\x00", f.Path, len(f.Data))
		h.Write(f.Data)
	}
	err = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", strings.TrimPrefix(p, dir+"/"), len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("catalog: digest %s: %w", dir, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// ByID returns the template with id, or nil.
func (c *Catalog) ByID(id string) *Template {
	for _, t := range c.Templates {
		if t.ID == id {
			return t
		}
	}
	return nil
}

// Public lists the templates offered to users, sorted by id.
func (c *Catalog) Public() []*Template {
	var out []*Template
	for _, t := range c.Templates {
		if !t.Internal {
			out = append(out, t)
		}
	}
	return out
}

// ForStack returns the first public template (by id) of a stack, or nil.
func (c *Catalog) ForStack(stack string) *Template {
	for _, t := range c.Public() {
		if t.Stack == stack {
			return t
		}
	}
	return nil
}

// Stacks lists the stacks the templates provide, sorted.
func (c *Catalog) Stacks() []string {
	var out []string
	for _, t := range c.Public() {
		if !slices.Contains(out, t.Stack) {
			out = append(out, t.Stack)
		}
	}
	sort.Strings(out)
	return out
}

// IDs lists the public template ids, sorted.
func (c *Catalog) IDs() []string {
	var out []string
	for _, t := range c.Public() {
		out = append(out, t.ID)
	}
	return out
}

// Features lists every feature any template supports, in first-seen order.
func (c *Catalog) Features() []string {
	var out []string
	for _, t := range c.Public() {
		for _, f := range t.Features {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// FeatureHelp is the first public template's help for a feature.
func (c *Catalog) FeatureHelp(feature string) string {
	for _, t := range c.Public() {
		if h := t.FeatureHelp[feature]; h != "" {
			return h
		}
	}
	return ""
}

// Databases lists every database any public template supports, in first-seen order
// (the first template's default first).
func (c *Catalog) Databases() []string {
	var out []string
	for _, t := range c.Public() {
		for _, d := range t.Databases {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// DatabaseHelp is the first public template's help for a database.
func (c *Catalog) DatabaseHelp(database string) string {
	for _, t := range c.Public() {
		if h := t.DatabaseHelp[database]; h != "" {
			return h
		}
	}
	return ""
}

// ReservedNames lists every template's reserved names.
func (c *Catalog) ReservedNames() []string {
	var out []string
	for _, t := range c.Templates {
		out = append(out, t.ReservedNames...)
	}
	return out
}

// Render renders the template's files for data.
func (t *Template) Render(data render.Data) ([]render.File, error) {
	files, err := render.Render(t.Files, t.rules, data)
	if err != nil {
		return nil, err
	}
	shared, err := t.sharedFiles()
	if err != nil {
		return nil, err
	}
	for i := range shared {
		shared[i].Path = packagePath(shared[i].Path, data.Package)
	}
	return append(files, shared...), nil
}

// packagePath puts the Python import package in place of the __package__ segments of a
// shared file's path, as render does for template paths.
func packagePath(p, pkg string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if s == render.PackagePlaceholder {
			parts[i] = pkg
		}
	}
	return strings.Join(parts, "/")
}

// sharedFiles are the shared files the manifest asks for, at their project paths,
// sorted by path.
func (t *Template) sharedFiles() ([]render.File, error) {
	var out []render.File
	for path, name := range t.SharedFiles {
		data, ok := t.shared[name]
		if !ok {
			return nil, fmt.Errorf("catalog: template %s needs the shared file %q, which the catalog does not provide", t.ID, name)
		}
		out = append(out, render.File{Path: path, Data: data, Mode: render.DefaultMode})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// Data builds the template data for the given answers.
// A template without databases (the bare ones) gets an empty Database.
func (t *Template) Data(name, pkg, description string, features []string, database string) render.Data {
	fm := make(map[string]bool, len(t.Features))
	for _, f := range t.Features {
		fm[f] = slices.Contains(features, f)
	}
	if !slices.Contains(t.Databases, database) {
		database = ""
	}
	return render.Data{
		Name: name, Package: pkg, Description: description, Port: t.Port,
		Features: fm, Database: database, Stack: t.Stack, TemplateID: t.ID,
	}
}

// Command renders one step's arguments (they may use the template data, e.g.
// "{{ .Package }}").
func Command(argv []string, data render.Data) ([]string, error) {
	out := make([]string, len(argv))
	for i, a := range argv {
		if !strings.Contains(a, "{{") {
			out[i] = a
			continue
		}
		t, err := template.New("step").Option("missingkey=error").Parse(a)
		if err != nil {
			return nil, fmt.Errorf("step %q: %w", a, err)
		}
		var b strings.Builder
		if err := t.Execute(&b, data); err != nil {
			return nil, fmt.Errorf("step %q: %w", a, err)
		}
		out[i] = b.String()
	}
	return out, nil
}
