// Package render turns a template's files into an in-memory file set: `.tmpl` files
// go through text/template with sprig's hermetic text functions and missingkey=error,
// every other file is copied byte for byte. Nothing is written to disk here.
package render

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/Masterminds/sprig/v3"
)

// TemplateSuffix marks a file that is rendered; the suffix is stripped.
const TemplateSuffix = ".tmpl"

// PackagePlaceholder in a path segment becomes the Python import package.
const PackagePlaceholder = "__package__"

// Data is what templates see.
type Data struct {
	Name        string
	Package     string
	Description string
	Port        int
	Features    map[string]bool
	// Database is the store the project keeps items in (sqlite, postgres, memory);
	// empty for a template without databases.
	Database   string
	Stack      string
	TemplateID string
}

// File is one rendered file.
type File struct {
	Path string // slash-separated, relative, clean
	Data []byte
	Mode fs.FileMode
}

// Rule changes how one output path (or every path under a folder ending in "/") is
// written: When lists conditions that must all hold (see Conditions), Mode replaces 0644.
type Rule struct {
	Path string
	When string
	Mode fs.FileMode
}

// DefaultMode is the mode of a file no rule sets.
const DefaultMode fs.FileMode = 0o644

// Render renders every file of files (in sorted path order) that the rules keep.
func Render(files fs.FS, rules []Rule, data Data) ([]File, error) {
	// One root carries the functions: Funcs checks ~170 functions by reflection, so it
	// runs once per Render, not once per file. Each file is its own named template.
	root := template.New("").Option("missingkey=error").Funcs(Funcs())
	var out []File
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		outPath := strings.TrimSuffix(p, TemplateSuffix)
		mode, keep, err := applyRules(rules, outPath, data)
		if err != nil || !keep {
			return err
		}
		outPath, err = renderPath(outPath, data)
		if err != nil {
			return err
		}
		src, err := fs.ReadFile(files, p)
		if err != nil {
			return fmt.Errorf("render %s: %w", p, err)
		}
		body := src
		if strings.HasSuffix(p, TemplateSuffix) {
			if body, err = renderText(root, p, src, data); err != nil {
				return err
			}
		}
		out = append(out, File{Path: outPath, Data: body, Mode: mode})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// WalkDir is lexical per folder; sort the output paths so placeholders that
	// rename folders cannot change the order.
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// DatabaseKey is the one answer a rule condition can compare besides features.
const DatabaseKey = "database"

// Condition is one part of a rule's When: a feature that must be on (Key empty), or
// Key=Value (Not false) or Key!=Value (Not true).
type Condition struct {
	Key, Value string
	Not        bool
}

// Conditions splits a rule's When, a comma-separated list that must all hold:
// "docker", "database=postgres", "docker,database!=memory".
func Conditions(when string) []Condition {
	var out []Condition
	for _, part := range strings.Split(when, ",") {
		part = strings.TrimSpace(part)
		switch {
		case part == "":
		case strings.Contains(part, "!="):
			k, v, _ := strings.Cut(part, "!=")
			out = append(out, Condition{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v), Not: true})
		case strings.Contains(part, "="):
			k, v, _ := strings.Cut(part, "=")
			out = append(out, Condition{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v)})
		default:
			out = append(out, Condition{Value: part})
		}
	}
	return out
}

// holds reports whether every condition of when holds for data.
func holds(when, p string, data Data) (bool, error) {
	for _, c := range Conditions(when) {
		switch c.Key {
		case "":
			on, known := data.Features[c.Value]
			if !known {
				return false, fmt.Errorf("render %s: rule names unknown feature %q", p, c.Value)
			}
			if !on {
				return false, nil
			}
		case DatabaseKey:
			if (data.Database == c.Value) == c.Not {
				return false, nil
			}
		default:
			return false, fmt.Errorf("render %s: rule compares %q; only %s can be compared", p, c.Key, DatabaseKey)
		}
	}
	return true, nil
}

func applyRules(rules []Rule, p string, data Data) (fs.FileMode, bool, error) {
	mode := DefaultMode
	for _, r := range rules {
		if r.Path != p && !(strings.HasSuffix(r.Path, "/") && strings.HasPrefix(p, r.Path)) {
			continue
		}
		if ok, err := holds(r.When, p, data); err != nil || !ok {
			return 0, false, err
		}
		if r.Mode != 0 {
			mode = r.Mode
		}
	}
	return mode, true, nil
}

// renderPath replaces placeholders and checks that the result stays a clean relative
// path, so no value can steer a file outside the project.
func renderPath(p string, data Data) (string, error) {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if s == PackagePlaceholder {
			segs[i] = data.Package
		}
	}
	out := strings.Join(segs, "/")
	if !fs.ValidPath(out) || out == "." || path.Clean(out) != out || strings.Contains(out, "\\") {
		return "", fmt.Errorf("render %s: the path %q would leave the project folder", p, out)
	}
	return out, nil
}

func renderText(root *template.Template, name string, src []byte, data Data) ([]byte, error) {
	t, err := root.New(name).Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// Funcs is sprig's hermetic text function map plus the escaping functions for free
// text. It is built once, on first use: building sprig's map is not free, and commands
// that render nothing should not pay for it.
var Funcs = sync.OnceValue(func() template.FuncMap {
	fm := sprig.HermeticTxtFuncMap()
	for k, v := range escapers {
		fm[k] = v
	}
	return fm
})
