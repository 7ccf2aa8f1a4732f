package update

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// The structured merge of a manifest: each dependency is merged on its own (added,
// removed or its version changed, three ways), and where both sides changed one the
// template's version wins, since the template's lockfile and code are made for it;
// dependencies the user added stay. The merged lists are then written into all three
// texts before the line merge, so the rest of the file (scripts, settings) still
// merges line by line and only real conflicts there are marked.

// depLists is a manifest's dependency lists: list key -> (name -> requirement as
// written), and the list's order of names.
type depLists map[string]*depList

type depList struct {
	names []string
	specs map[string]string
}

// manifestKind says how path is merged by structure: "npm", "python" or "".
func manifestKind(p string) string {
	switch path.Base(p) {
	case "package.json":
		return "npm"
	case "pyproject.toml":
		return "python"
	}
	return ""
}

// mergeManifest merges a manifest both sides changed. ok is false when one of the
// three cannot be read as its format (then the caller merges lines only).
func mergeManifest(kind string, base, ours, theirs []byte) (merged []byte, conflicts int, notes []string, ok bool) {
	var read func([]byte) (depLists, error)
	var write func([]byte, depLists) ([]byte, error)
	switch kind {
	case "npm":
		read, write = readNPM, writeNPM
	case "python":
		read, write = readPython, writePython
	default:
		return nil, 0, nil, false
	}
	lb, err1 := read(base)
	lo, err2 := read(ours)
	lt, err3 := read(theirs)
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, 0, nil, false
	}
	m, notes := mergeDeps(lb, lo, lt)
	var texts [3][]byte
	for i, text := range [][]byte{base, ours, theirs} {
		out, err := write(text, m)
		if err != nil {
			return nil, 0, nil, false
		}
		texts[i] = out
	}
	merged, conflicts = Merge3(texts[0], texts[1], texts[2])
	return merged, conflicts, notes, true
}

// mergeDeps merges every dependency three ways; on a true conflict the template's
// requirement wins and a note says what was replaced.
func mergeDeps(b, o, t depLists) (depLists, []string) {
	out := depLists{}
	var notes []string
	keys := listKeys(t, o, b)
	for _, k := range keys {
		lb, lo, lt := b.get(k), o.get(k), t.get(k)
		m := &depList{specs: map[string]string{}}
		seen := map[string]bool{}
		for _, name := range append(append(append([]string{}, lt.names...), lo.names...), lb.names...) {
			if seen[name] {
				continue
			}
			seen[name] = true
			vb, inB := lb.specs[name]
			vo, inO := lo.specs[name]
			vt, inT := lt.specs[name]
			v, in := vt, inT // the template's, when it changed or both did
			switch {
			case inT == inB && vt == vb:
				v, in = vo, inO // the template left it: yours
			case inO == inB && vo == vb:
			case inO == inT && vo == vt:
			default:
				notes = append(notes, fmt.Sprintf("%s %s: yours %s, the template's %s kept", k, name, describeSpec(vo, inO), describeSpec(vt, inT)))
			}
			if in {
				m.names = append(m.names, name)
				m.specs[name] = v
			}
		}
		out[k] = m
	}
	return out, notes
}

func describeSpec(v string, in bool) string {
	if !in {
		return "(removed)"
	}
	return v
}

func (d depLists) get(k string) *depList {
	if l := d[k]; l != nil {
		return l
	}
	return &depList{specs: map[string]string{}}
}

func listKeys(all ...depLists) []string {
	var keys []string
	for _, d := range all {
		for _, k := range sortedKeys(d) {
			if !contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// npm: package.json's dependency objects.

var npmSections = []string{"dependencies", "devDependencies", "optionalDependencies", "peerDependencies"}

func readNPM(text []byte) (depLists, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(text, &top); err != nil {
		return nil, err
	}
	out := depLists{}
	for _, s := range npmSections {
		raw, ok := top[s]
		if !ok {
			continue
		}
		l := &depList{specs: map[string]string{}}
		dec := json.NewDecoder(bytes.NewReader(raw))
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			var v string
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("%s.%v: %w", s, k, err)
			}
			name, _ := k.(string)
			l.names = append(l.names, name)
			l.specs[name] = v
		}
		out[s] = l
	}
	return out, nil
}

// writeNPM replaces each dependency object of text that m has with m's.
func writeNPM(text []byte, m depLists) ([]byte, error) {
	out := text
	for _, s := range npmSections {
		l, ok := m[s]
		if !ok {
			continue
		}
		start, end, found, err := jsonValueSpan(out, s)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		indent := lineIndent(out, start)
		inner := indent + indent
		if indent == "" {
			inner = "  "
		}
		var b bytes.Buffer
		if len(l.names) == 0 {
			b.WriteString("{}")
		} else {
			b.WriteString("{\n")
			for i, name := range l.names {
				b.WriteString(inner + jsonString(name) + ": " + jsonString(l.specs[name]))
				if i < len(l.names)-1 {
					b.WriteByte(',')
				}
				b.WriteByte('\n')
			}
			b.WriteString(indent + "}")
		}
		out = append(append(append([]byte{}, out[:start]...), b.Bytes()...), out[end:]...)
	}
	return out, nil
}

// jsonValueSpan finds the byte span of the value of a top-level key.
func jsonValueSpan(text []byte, key string) (int, int, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	if _, err := dec.Token(); err != nil {
		return 0, 0, false, err
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return 0, 0, false, err
		}
		start := int(dec.InputOffset())
		for start < len(text) && strings.ContainsRune(" \t\r\n:", rune(text[start])) {
			start++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return 0, 0, false, err
		}
		if k == key {
			return start, int(dec.InputOffset()), true, nil
		}
	}
	return 0, 0, false, nil
}

func lineIndent(text []byte, at int) string {
	i := bytes.LastIndexByte(text[:at], '\n') + 1
	j := i
	for j < at && (text[j] == ' ' || text[j] == '\t') {
		j++
	}
	return string(text[i:j])
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// python: pyproject.toml's [project] dependencies and optional-dependencies.

func readPython(text []byte) (depLists, error) {
	var doc struct {
		Project struct {
			Dependencies         []string            `toml:"dependencies"`
			OptionalDependencies map[string][]string `toml:"optional-dependencies"`
		} `toml:"project"`
	}
	if _, err := toml.Decode(string(text), &doc); err != nil {
		return nil, err
	}
	out := depLists{}
	add := func(key string, reqs []string) {
		l := &depList{specs: map[string]string{}}
		for _, r := range reqs {
			name := requirementName(r)
			l.names = append(l.names, name)
			l.specs[name] = r
		}
		out[key] = l
	}
	if doc.Project.Dependencies != nil {
		add("dependencies", doc.Project.Dependencies)
	}
	for group, reqs := range doc.Project.OptionalDependencies {
		add("optional-dependencies."+group, reqs)
	}
	return out, nil
}

var nameSeparators = regexp.MustCompile(`[-_.]+`)

// requirementName is a requirement's distribution name, normalised (PEP 503).
func requirementName(req string) string {
	name := req
	if i := strings.IndexAny(req, " <>=!~;[@(,"); i >= 0 {
		name = req[:i]
	}
	return nameSeparators.ReplaceAllString(strings.ToLower(strings.TrimSpace(name)), "-")
}

var (
	tomlTable = regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9_.\-"]+)\s*\]\s*(#.*)?$`)
	tomlArray = regexp.MustCompile(`^\s*([A-Za-z0-9_\-]+)\s*=\s*\[`)
)

// writePython replaces each dependency array of text that m has with m's.
func writePython(text []byte, m depLists) ([]byte, error) {
	type span struct {
		key        string
		start, end int
	}
	var spans []span
	table := ""
	for pos := 0; pos < len(text); {
		eol := bytes.IndexByte(text[pos:], '\n')
		lineEnd := len(text)
		if eol >= 0 {
			lineEnd = pos + eol + 1
		}
		line := string(text[pos:lineEnd])
		if g := tomlTable.FindStringSubmatch(strings.TrimRight(line, "\r\n")); g != nil {
			table = strings.ReplaceAll(g[1], `"`, "")
		} else if g := tomlArray.FindStringSubmatchIndex(line); g != nil {
			key := line[g[2]:g[3]]
			switch {
			case table == "project" && key == "dependencies":
			case table == "project.optional-dependencies":
				key = "optional-dependencies." + key
			default:
				key = ""
			}
			if key != "" {
				start := pos + g[1] - 1
				end, err := tomlArrayEnd(text, start)
				if err != nil {
					return nil, err
				}
				spans = append(spans, span{key, start, end})
				lineEnd = end
			}
		}
		pos = lineEnd
	}
	out := text
	for i := len(spans) - 1; i >= 0; i-- {
		s := spans[i]
		l, ok := m[s.key]
		if !ok {
			continue
		}
		var b bytes.Buffer
		if len(l.names) == 0 {
			b.WriteString("[]")
		} else {
			b.WriteString("[\n")
			for _, name := range l.names {
				b.WriteString("    " + tomlString(l.specs[name]) + ",\n")
			}
			b.WriteString("]")
		}
		out = append(append(append([]byte{}, out[:s.start]...), b.Bytes()...), out[s.end:]...)
	}
	return out, nil
}

// tomlArrayEnd returns the offset just past the ']' closing the array at start,
// skipping strings and comments.
func tomlArrayEnd(text []byte, start int) (int, error) {
	depth := 0
	for i := start; i < len(text); i++ {
		switch c := text[i]; c {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i + 1, nil
			}
		case '#':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case '"', '\'':
			for i++; i < len(text) && text[i] != c; i++ {
				if c == '"' && text[i] == '\\' {
					i++
				}
			}
		}
	}
	return 0, fmt.Errorf("an array is not closed")
}

func tomlString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}

func sortStrings(s []string) { slices.Sort(s) }
