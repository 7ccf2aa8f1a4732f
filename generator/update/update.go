// Package update brings template changes and changed answers into a generated
// project, three ways per file: base = what the recorded template version made of the
// recorded answers (kept in the project, see package base); ours = the files on disk;
// theirs = what this binary's template makes of the (possibly changed) answers. Every
// file is classified, text is merged line by line (Merge3), manifests by structure,
// and the result is written like `new` writes: staged, then moved into place, rolled
// back on any failure or interrupt.
package update

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/generator/update/base"
)

// Status is what happened to one file between the base and the two sides.
type Status string

// The statuses, in the order reports list them.
const (
	Conflict    Status = "conflict"     // both changed the same lines: markers written
	Merged      Status = "merged"       // both changed it, the changes merged cleanly
	Theirs      Status = "template"     // only the template changed it: the template's taken
	Added       Status = "added"        // the template added it
	Removed     Status = "removed"      // the template removed it and you had not changed it
	RemovedKept Status = "removed-kept" // the template removed it, you changed it: kept
	Deleted     Status = "deleted"      // you deleted it: it stays deleted
	Regenerate  Status = "regenerate"   // a lockfile the ecosystem's tool must rewrite
	Ours        Status = "yours"        // only you changed it: kept as it is
	Unchanged   Status = "unchanged"
	// Differs is the two-way preview's status (no base): the file on disk differs from
	// what this version would write, and no one can tell who changed it.
	Differs Status = "differs"
)

// StatusOrder lists the statuses in report order.
var StatusOrder = []Status{Conflict, Merged, Theirs, Added, Removed, RemovedKept, Deleted, Regenerate, Differs, Ours, Unchanged}

// Entry is one file's classification and what update does with it.
type Entry struct {
	Path      string   `json:"path"`
	Status    Status   `json:"status"`
	Conflicts int      `json:"conflicts,omitempty"`
	Notes     []string `json:"notes,omitempty"`
	// write is the new content (nil: leave the file); remove deletes it.
	write  []byte
	mode   fs.FileMode
	remove bool
}

// Changes reports whether update writes or removes the file.
func (e *Entry) Changes() bool { return e.write != nil || e.remove }

// Plan is an update: every file classified, with the new record and base.
type Plan struct {
	Target  string
	Entries []*Entry
	// TwoWay is set when the project has no usable base: the entries only say where
	// the project differs from this version, and Apply refuses the plan.
	TwoWay *NoBaseError
	// Lockfiles lists the lockfiles to regenerate, with the command that does it.
	Lockfiles []Lockfile
	// AnswersChanged lists the answers that change, "key: old -> new".
	AnswersChanged []string
	// TemplateChanged is set when this binary's template differs from the recorded one.
	TemplateChanged bool
	// FromDigest and ToDigest are the recorded and this binary's template digests.
	FromDigest, ToDigest string
	record, newBase      []byte
	recordChanges        bool
	// recordAsIs is the new record under the recorded generated_by.
	recordAsIs []byte
}

// Lockfile is a lockfile to regenerate and the command that regenerates it.
type Lockfile struct {
	Path    string   `json:"path"`
	Command []string `json:"command"`
}

// Conflicts counts the conflicts left in the merged files.
func (p *Plan) Conflicts() int {
	n := 0
	for _, e := range p.Entries {
		n += e.Conflicts
	}
	return n
}

// Changes reports whether applying the plan changes anything on disk.
func (p *Plan) Changes() bool {
	if p.recordChanges {
		return true
	}
	for _, e := range p.Entries {
		if e.Changes() {
			return true
		}
	}
	return false
}

// Counts returns how many files have each status.
func (p *Plan) Counts() map[Status]int {
	c := map[Status]int{}
	for _, e := range p.Entries {
		c[e.Status]++
	}
	return c
}

// NoBaseError is a project whose base cannot be had: update would have to guess.
type NoBaseError struct {
	Dir    string
	Reason string
}

func (e *NoBaseError) Error() string {
	return fmt.Sprintf("%s: %s, so update cannot tell your changes from the template's; 'stackpick update --dry-run' shows where the project differs from this version (a two-way preview), and 'stackpick new --answers %s OTHER_DIR' generates it afresh to compare by hand",
		e.Dir, e.Reason, filepath.Join(e.Dir, answers.RecordName))
}

// Request is what update asks: the project's folder, the answer changes, and who
// writes the new record.
type Request struct {
	Catalog     *catalog.Catalog
	Dir         string
	Sources     project.Sources
	GeneratedBy string
}

// Prepare loads the project in req.Dir, resolves the new answers, renders this
// version and classifies every file. It writes nothing. A project without a usable
// base gets a two-way plan (TwoWay set) and no error: the caller shows it and fails.
func Prepare(req Request) (*Plan, *project.Project, error) {
	old, err := project.FromRecord(req.Catalog, req.Dir)
	if err != nil {
		return nil, nil, err
	}
	p, err := project.Reanswer(old, req.Sources)
	if err != nil {
		return nil, nil, err
	}
	digest, err := p.Template.Digest()
	if err != nil {
		return nil, nil, err
	}
	theirs, err := p.Template.Render(p.Data)
	if err != nil {
		return nil, nil, err
	}
	record, err := answers.Record(p.Schema, p.Answers, req.GeneratedBy, digest)
	if err != nil {
		return nil, nil, err
	}
	plan := &Plan{Target: req.Dir, record: record, newBase: base.Encode(theirs), ToDigest: digest}
	plan.recordAsIs = record
	if old.Replayed != nil {
		plan.FromDigest = old.Replayed.TemplateDigest
		// Another stackpick with the same template and answers changes nothing: the
		// record is compared as if this binary had the recorded name.
		if plan.recordAsIs, err = answers.Record(p.Schema, p.Answers, old.Replayed.GeneratedBy, digest); err != nil {
			return nil, nil, err
		}
	}
	plan.TemplateChanged = plan.FromDigest != digest
	for _, id := range p.Schema.IDs() {
		if was, now := old.Answers.Get(id), p.Answers.Get(id); was != now {
			plan.AnswersChanged = append(plan.AnswersChanged, fmt.Sprintf("%s: %s -> %s", id, was, now))
		}
	}
	b, err := loadBase(old, digest)
	var noBase *NoBaseError
	if errors.As(err, &noBase) {
		plan.TwoWay = noBase
		return plan, p, plan.classifyTwoWay(theirs)
	}
	if err != nil {
		return nil, nil, err
	}
	return plan, p, plan.classify(b, theirs)
}

// loadBase reads the project's base. Without a readable one, a project whose record
// names this very template version gets its base rendered again (the same answers and
// template give the same bytes); any other has none.
func loadBase(old *project.Project, digest string) (base.Base, error) {
	data, err := os.ReadFile(filepath.Join(old.Target, filepath.FromSlash(base.Path)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", base.Path, err)
	}
	problem := "it has no " + base.Path
	if err == nil {
		b, err := base.Decode(data)
		if err == nil {
			return b, nil
		}
		problem = "its base cannot be read (" + err.Error() + ")"
	}
	if old.Replayed == nil || old.Replayed.TemplateDigest != digest {
		recorded := "an unknown template version"
		if old.Replayed != nil && old.Replayed.TemplateDigest != "" {
			recorded = "template " + old.Template.ID + " " + short(old.Replayed.TemplateDigest)
		}
		return nil, &NoBaseError{Dir: old.Target, Reason: fmt.Sprintf("%s and was generated from %s, which this binary does not carry (it has %s)", problem, recorded, short(digest))}
	}
	files, err := old.Template.Render(old.Data)
	if err != nil {
		return nil, err
	}
	return base.Decode(base.Encode(files))
}

func short(d string) string {
	if len(d) > len("sha256:")+12 {
		return d[:len("sha256:")+12]
	}
	return d
}

// side is one version of a file; absent when it does not exist.
type side struct {
	present bool
	data    []byte
	mode    fs.FileMode
	digest  string // for a lockfile of the base, which keeps no content
}

func (s side) same(o side) bool {
	return s.present == o.present && (!s.present || bytes.Equal(s.data, o.data) && s.mode == o.mode)
}

// readOurs reads one file of the project; anything but a regular file in the way is
// an error, since update does not write through links or over folders.
func readOurs(dir, p string) (side, error) {
	// A folder on the way that is a link could point anywhere: refuse it.
	parts := strings.Split(p, "/")
	for i := 1; i < len(parts); i++ {
		info, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(strings.Join(parts[:i], "/"))))
		if err != nil {
			break
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return side{}, &NotRegularError{Path: p}
		}
	}
	full := filepath.Join(dir, filepath.FromSlash(p))
	info, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return side{}, nil
	}
	if err != nil {
		return side{}, err
	}
	if !info.Mode().IsRegular() {
		return side{}, &NotRegularError{Path: p}
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return side{}, err
	}
	return side{present: true, data: data, mode: info.Mode().Perm()}, nil
}

// NotRegularError is a project path that is a link, a folder or a device where the
// template has a file.
type NotRegularError struct{ Path string }

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is not a regular file, or its folder is a link; update does not write through links or over folders: move it away and run update again", e.Path)
}

func (p *Plan) classify(b base.Base, theirs []render.File) error {
	t := map[string]side{}
	for _, f := range theirs {
		t[f.Path] = side{present: true, data: f.Data, mode: f.Mode.Perm()}
	}
	paths := unionPaths(b, t)
	entries := map[string]*Entry{}
	sides := map[string][3]side{}
	var locks []string
	for _, path := range paths {
		o, err := readOurs(p.Target, path)
		if err != nil {
			return err
		}
		bs := side{}
		if f, ok := b[path]; ok {
			bs = side{present: true, data: f.Data, mode: f.Mode, digest: f.Digest}
		}
		if base.IsLockfile(path) {
			locks = append(locks, path)
			entries[path] = &Entry{Path: path}
			continue
		}
		entries[path] = classifyFile(path, bs, o, t[path])
		sides[path] = [3]side{bs, o, t[path]}
	}
	followRenames(paths, entries, sides)
	// Lockfiles last: whether the template's lockfile fits depends on the merged
	// manifest next to it.
	for _, path := range locks {
		o, _ := readOurs(p.Target, path)
		bs := side{}
		if f, ok := b[path]; ok {
			bs = side{present: true, digest: f.Digest, mode: f.Mode}
		}
		e := p.classifyLock(path, bs, o, t[path], entries, t)
		entries[path] = e
	}
	for _, path := range paths {
		p.Entries = append(p.Entries, entries[path])
	}
	old, _ := os.ReadFile(filepath.Join(p.Target, answers.RecordName))
	oldBase, _ := os.ReadFile(filepath.Join(p.Target, filepath.FromSlash(base.Path)))
	p.recordChanges = !bytes.Equal(old, p.recordAsIs) || !bytes.Equal(oldBase, p.newBase)
	return nil
}

func unionPaths(b base.Base, t map[string]side) []string {
	set := map[string]bool{}
	for p := range b {
		set[p] = true
	}
	for p := range t {
		set[p] = true
	}
	var out []string
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// followRenames pairs each file the template removed with the file it added in its
// place (mostly the same lines; the same name wins a tie), when you had changed or
// deleted the old one: your changes are merged into the new file and the old one is
// removed, or, if you had deleted it, the new one is not created. Without this a
// rename would strand your edits in the old file and bring back what you deleted.
func followRenames(paths []string, entries map[string]*Entry, sides map[string][3]side) {
	var added []string
	for _, p := range paths {
		if e := entries[p]; e != nil && e.Status == Added && !base.IsLockfile(p) {
			added = append(added, p)
		}
	}
	taken := map[string]bool{}
	for _, old := range paths {
		e := entries[old]
		if e == nil || base.IsLockfile(old) || !(e.Status == RemovedKept || e.Status == Removed && !e.remove) {
			continue
		}
		b, o := sides[old][0], sides[old][1]
		best, bestScore := "", 0.5
		for _, a := range added {
			if taken[a] {
				continue
			}
			score := similarity(b.data, sides[a][2].data)
			if path.Base(a) == path.Base(old) {
				score += 0.01
			}
			if score > bestScore {
				best, bestScore = a, score
			}
		}
		if best == "" {
			continue
		}
		taken[best] = true
		ne, t := entries[best], sides[best][2]
		if !o.present {
			// You deleted it before the template renamed it: it stays deleted.
			e.Status = Removed
			ne.Status, ne.write = Deleted, nil
			ne.Notes = append(ne.Notes, "the template renamed "+old+" to this; you had deleted it, so it stays deleted")
			continue
		}
		merged, conflicts := Merge3(b.data, o.data, t.data)
		mode := t.mode
		if o.mode != b.mode {
			mode = o.mode
		}
		e.Status, e.remove, e.Notes = Removed, true, []string{"the template renamed it to " + best + "; your changes moved there"}
		ne.Status, ne.Conflicts, ne.write, ne.mode = Merged, conflicts, merged, mode
		if conflicts > 0 {
			ne.Status = Conflict
		}
		ne.Notes = append(ne.Notes, "renamed from "+old+" by the template, with your changes to it")
	}
}

// similarity is the share of lines two texts have in common (0 to 1).
func similarity(a, b []byte) float64 {
	la, lb := splitLines(a), splitLines(b)
	if len(la)+len(lb) == 0 {
		return 1
	}
	kept := 0
	for _, j := range match(la, lb) {
		if j >= 0 {
			kept++
		}
	}
	return 2 * float64(kept) / float64(len(la)+len(lb))
}

// classifyFile decides one file that is not a lockfile.
func classifyFile(p string, b, o, t side) *Entry {
	e := &Entry{Path: p}
	take := func(s Status, data []byte, mode fs.FileMode) *Entry {
		e.Status, e.write, e.mode = s, data, mode
		return e
	}
	switch {
	case !b.present && !t.present:
		e.Status = Unchanged // not a template file; never listed
	case !t.present && !o.present:
		e.Status = Removed // gone on both sides
	case !t.present:
		if o.same(b) {
			e.Status, e.remove = Removed, true
		} else {
			e.Status = RemovedKept
			e.Notes = append(e.Notes, "the template no longer has this file; you changed it, so it stays")
		}
	case !o.present && b.present:
		e.Status = Deleted
		if !t.same(b) {
			e.Notes = append(e.Notes, "the template changed it; it stays deleted")
		}
	case !o.present:
		return take(Added, t.data, t.mode)
	case o.same(t):
		e.Status = Unchanged
		if b.present && !o.same(b) {
			e.Status = Merged
			e.Notes = append(e.Notes, "you made the template's change already")
		}
	case b.present && o.same(b):
		return take(Theirs, t.data, t.mode)
	case b.present && t.same(b):
		e.Status = Ours
	default:
		// Both changed it (or both added it): merge. The mode follows the same rule.
		mode := o.mode
		if b.present && o.mode == b.mode {
			mode = t.mode
		}
		var merged []byte
		var conflicts int
		var notes []string
		ok := false
		if kind := manifestKind(p); kind != "" && b.present {
			merged, conflicts, notes, ok = mergeManifest(kind, b.data, o.data, t.data)
		}
		if !ok {
			merged, conflicts = Merge3(b.data, o.data, t.data)
		}
		e.Notes = append(e.Notes, notes...)
		if HasMarkers(o.data) {
			e.Notes = append(e.Notes, "it still has conflict markers from an earlier update")
		}
		e.Status, e.Conflicts = Merged, conflicts
		if conflicts > 0 {
			e.Status = Conflict
		}
		if bytes.Equal(merged, o.data) && mode == o.mode {
			return e // the merge keeps yours as it is
		}
		e.write, e.mode = merged, mode
	}
	return e
}

// regenerate is the command that rewrites a lockfile from its manifest, by name.
var regenerate = map[string][]string{
	"package-lock.json": {"npm", "install", "--package-lock-only", "--ignore-scripts"},
	"uv.lock":           {"uv", "lock"},
}

// manifestOf is the manifest a lockfile is made from, by the lockfile's name.
var manifestOf = map[string]string{"package-lock.json": "package.json", "uv.lock": "pyproject.toml"}

// classifyLock decides a lockfile. Its base is a digest only: the template's lockfile
// is taken when you had not changed yours and the merged manifest is the template's
// (the lockfile was made for exactly it); yours is kept when only you changed it;
// otherwise it must be regenerated from the merged manifest.
func (p *Plan) classifyLock(lp string, b, o, t side, entries map[string]*Entry, theirs map[string]side) *Entry {
	e := &Entry{Path: lp}
	yoursUntouched := o.present && b.present && base.Digest(o.data) == b.digest
	templateUntouched := t.present && b.present && base.Digest(t.data) == b.digest
	manifest := path.Join(path.Dir(lp), manifestOf[path.Base(lp)])
	finalManifest, _ := readOurs(p.Target, manifest)
	if m := entries[manifest]; m != nil && m.write != nil {
		finalManifest.data = m.write
	}
	manifestIsTheirs := bytes.Equal(finalManifest.data, theirs[manifest].data)
	manifestKept := entries[manifest] == nil || !entries[manifest].Changes()
	switch {
	case !t.present && !o.present:
		e.Status = Removed
	case !t.present:
		if yoursUntouched {
			e.Status, e.remove = Removed, true
		} else {
			e.Status = RemovedKept
		}
	case !o.present && b.present:
		e.Status = Deleted
	case !o.present, yoursUntouched && manifestIsTheirs:
		e.Status, e.write, e.mode = Theirs, t.data, t.mode
		if !o.present {
			e.Status = Added
		}
		if o.present && bytes.Equal(o.data, t.data) {
			e.Status, e.write = Unchanged, nil
		}
	case bytes.Equal(o.data, t.data):
		e.Status = Unchanged
	case templateUntouched && manifestKept:
		e.Status = Ours
	default:
		e.Status = Regenerate
		cmd := regenerate[path.Base(lp)]
		p.Lockfiles = append(p.Lockfiles, Lockfile{Path: lp, Command: cmd})
		e.Notes = append(e.Notes, fmt.Sprintf("kept as it is; the merged %s needs a new one", manifest))
	}
	return e
}

// classifyTwoWay compares the project with this version alone, for the preview of a
// project without a base.
func (p *Plan) classifyTwoWay(theirs []render.File) error {
	for _, f := range theirs {
		o, err := readOurs(p.Target, f.Path)
		if err != nil {
			return err
		}
		e := &Entry{Path: f.Path, Status: Unchanged}
		switch {
		case !o.present:
			e.Status = Added
		case !bytes.Equal(o.data, f.Data) || o.mode != f.Mode.Perm():
			e.Status = Differs
		}
		p.Entries = append(p.Entries, e)
	}
	return nil
}
