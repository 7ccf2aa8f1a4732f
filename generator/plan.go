// Package generator holds the Plan (the whole project, rendered in memory, with what
// will happen to each file) and Apply, which writes a Plan so that a failure or an
// interrupt leaves the target folder as it was.
package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/stackpick/stackpick/generator/render"
)

// Policy says what to do when the target folder already has files.
type Policy string

// The conflict policies.
const (
	PolicyError     Policy = "error"     // refuse a non-empty target
	PolicySkip      Policy = "skip"      // keep existing files, write the others
	PolicyOverwrite Policy = "overwrite" // replace existing files, keep the rest
)

// Policies lists the policies, for flags and messages.
var Policies = []string{string(PolicyError), string(PolicySkip), string(PolicyOverwrite)}

// Action is what Apply will do with one file.
type Action string

// The actions.
const (
	Create    Action = "create"
	Overwrite Action = "overwrite"
	Skip      Action = "skip"
	// Unchanged is an existing file that already holds exactly what would be written.
	Unchanged Action = "unchanged"
)

// File is one file of the plan.
type File struct {
	Path   string      `json:"path"`
	Size   int         `json:"size"`
	Mode   fs.FileMode `json:"-"`
	Action Action      `json:"action"`
	Data   []byte      `json:"-"`
}

// Plan is the whole project as it will be written.
type Plan struct {
	Target string  `json:"target"`
	Files  []*File `json:"files"`
	// targetState is what Check found: the target is missing, an empty folder, or
	// a folder with files.
	targetState targetState
}

type targetState int

const (
	targetMissing targetState = iota
	targetEmpty
	targetNonEmpty
)

// ConflictError is a target that the policy does not allow writing into.
type ConflictError struct {
	Target   string
	Existing []string // the first existing entries, for the message
	Reason   string
}

func (e *ConflictError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("target %s: %s", shorten(e.Target), e.Reason)
	}
	list := strings.Join(e.Existing, ", ")
	return fmt.Sprintf("target %s is not empty (has %s); choose another folder, or pass --conflict skip (keep existing files) or --conflict overwrite (replace them)", shorten(e.Target), list)
}

// NewPlan makes a plan of rendered files for target. Actions are set by Check.
func NewPlan(target string, files []render.File) *Plan {
	p := &Plan{Target: target}
	for _, f := range files {
		p.Files = append(p.Files, &File{Path: f.Path, Size: len(f.Data), Mode: f.Mode, Action: Create, Data: f.Data})
	}
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
	return p
}

// Rendered returns the plan's files as rendered files (path, mode, contents).
func (p *Plan) Rendered() []render.File {
	out := make([]render.File, len(p.Files))
	for i, f := range p.Files {
		out[i] = render.File{Path: f.Path, Data: f.Data, Mode: f.Mode}
	}
	return out
}

// Add puts one more file in the plan (the project record), keeping path order.
func (p *Plan) Add(path string, data []byte) {
	p.Files = append(p.Files, &File{Path: path, Size: len(data), Mode: render.DefaultMode, Action: Create, Data: data})
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Path < p.Files[j].Path })
}

// CheckTarget refuses a target the policy does not allow writing into, before anything
// is rendered or asked: a file or a symbolic link, a path through a link or with '..'
// after a folder name, a non-empty folder under PolicyError.
func CheckTarget(target string, policy Policy) error {
	_, err := inspectTarget(target, policy)
	return err
}

// inspectTarget is CheckTarget that also says what it found.
func inspectTarget(target string, policy Policy) (targetState, error) {
	if err := checkTargetPath(target); err != nil {
		return 0, err
	}
	info, err := os.Lstat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return targetMissing, checkParent(target)
	case errors.Is(err, syscall.ENOTDIR):
		return 0, &ConflictError{Target: target, Reason: "a part of the path is a file, not a folder"}
	case err != nil:
		return 0, pathError("target", target, err)
	case info.Mode()&fs.ModeSymlink != 0:
		return 0, &ConflictError{Target: target, Reason: "is a symbolic link; give the real folder's path"}
	case !info.IsDir():
		return 0, &ConflictError{Target: target, Reason: "is a file, not a folder; choose another path"}
	}
	if info.Mode().Perm()&0o200 == 0 {
		// Filled as it is, the project would stay read-only and its installs fail.
		return 0, &ConflictError{Target: target, Reason: fmt.Sprintf("is read-only (mode %04o); make it writable (chmod u+w) or choose another folder", info.Mode().Perm())}
	}
	entries, err := os.ReadDir(target)
	if err != nil {
		return 0, pathError("target", target, err)
	}
	if len(entries) == 0 {
		return targetEmpty, nil
	}
	if policy == PolicyError {
		var names []string
		for i, e := range entries {
			if i == 3 {
				names = append(names, fmt.Sprintf("and %d more", len(entries)-3))
				break
			}
			names = append(names, e.Name())
		}
		return 0, &ConflictError{Target: target, Existing: names}
	}
	return targetNonEmpty, nil
}

// Check looks at the target and sets each file's action under policy. It refuses what
// CheckTarget refuses, and a file whose path is taken by a folder (or runs through a
// file) under any policy.
func (p *Plan) Check(policy Policy) error {
	state, err := inspectTarget(p.Target, policy)
	if err != nil {
		return err
	}
	p.targetState = state
	if state != targetNonEmpty {
		return nil
	}
	for _, f := range p.Files {
		if err := p.checkPath(f); err != nil {
			return err
		}
		if f.Action == Create || f.Action == Unchanged {
			continue
		}
		if policy == PolicySkip {
			f.Action = Skip
		} else {
			f.Action = Overwrite
		}
	}
	return nil
}

// checkPath sets f.Action to Overwrite when a regular file is in the way; anything
// else in the way (a folder, a link, a file where a folder must go) is a conflict no
// policy resolves.
func (p *Plan) checkPath(f *File) error {
	parts := strings.Split(f.Path, "/")
	dir := p.Target
	for i, part := range parts {
		dir = filepath.Join(dir, part)
		info, err := os.Lstat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return pathError("target", dir, err)
		}
		last := i == len(parts)-1
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			return &ConflictError{Target: p.Target, Reason: fmt.Sprintf("%s is a symbolic link; stackpick does not write through links", f.Path)}
		case last && info.Mode().IsRegular():
			f.Action = Overwrite // the caller maps it to the policy
			if info.Size() == int64(len(f.Data)) {
				if old, err := os.ReadFile(dir); err == nil && bytes.Equal(old, f.Data) && info.Mode().Perm() == f.Mode.Perm() {
					f.Action = Unchanged
				}
			}
			return nil
		case last:
			return &ConflictError{Target: p.Target, Reason: fmt.Sprintf("%s exists and is not a regular file", f.Path)}
		case !info.IsDir():
			return &ConflictError{Target: p.Target, Reason: fmt.Sprintf("%s is in the way of %s (a file where a folder must go)", strings.Join(parts[:i+1], "/"), f.Path)}
		}
	}
	return nil
}

func checkParent(target string) error {
	parent := filepath.Dir(filepath.Clean(target))
	for {
		info, err := os.Stat(parent)
		if err == nil {
			if !info.IsDir() {
				return &ConflictError{Target: target, Reason: fmt.Sprintf("%s is a file, not a folder", parent)}
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return pathError("target", target, err)
		}
		next := filepath.Dir(parent)
		if next == parent {
			return nil
		}
		parent = next
	}
}

// pathError says in the user's terms why op on a path failed: the system's message
// repeats the path and names the system call.
func pathError(op, target string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, syscall.ENAMETOOLONG):
		return fmt.Errorf("%s %s: the path or one of its folder names is too long for this file system; choose a shorter path: %w", op, shorten(target), err)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("%s %s: %w; choose a folder you can write to", op, shorten(target), err)
	}
	return fmt.Errorf("%s %s: %w", op, shorten(target), err)
}

// shorten keeps a path readable in a message: its start and its end.
func shorten(path string) string {
	r := []rune(path)
	if len(r) <= 80 {
		return path
	}
	return string(r[:40]) + "…" + string(r[len(r)-30:])
}

// Counts returns how many files each action has.
func (p *Plan) Counts() map[Action]int {
	c := map[Action]int{}
	for _, f := range p.Files {
		c[f.Action]++
	}
	return c
}

// checkTargetPath refuses a target path that does not say plainly where it goes: one
// with ".." after a folder name (proj/../x), or one that passes through a symbolic
// link, which could point anywhere. Leading ".." (../sibling) is plain and allowed.
func checkTargetPath(target string) error {
	parts := strings.Split(filepath.ToSlash(target), "/")
	named := false
	for _, part := range parts {
		switch part {
		case "..":
			if named {
				return &ConflictError{Target: target, Reason: fmt.Sprintf("has '..' after a folder name; give the plain path %s", filepath.Clean(target))}
			}
		case "", ".":
		default:
			named = true
		}
	}
	dir := ""
	if filepath.IsAbs(target) {
		dir = string(filepath.Separator)
	}
	for _, part := range parts {
		if part == "" || part == "." {
			continue
		}
		dir = filepath.Join(dir, part)
		if part == ".." {
			continue
		}
		info, err := os.Lstat(dir)
		if err != nil {
			return nil // the rest does not exist yet; Check looks at the target itself
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return &ConflictError{Target: target, Reason: fmt.Sprintf("goes through the symbolic link %s; give the real path", dir)}
		}
	}
	return nil
}
