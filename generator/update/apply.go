package update

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/internal/fsw"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/generator/update/base"
)

// writer is every change Apply makes to the file system (see fsw.Writer); tests stand
// in for it to fail or stop at any step.
type writer = fsw.Writer

// osWriter is the real file system, shared with new's Apply.
type osWriter = fsw.OS

// ErrTwoWay is Apply refusing a plan made without a base.
var ErrTwoWay = errors.New("update: a two-way preview cannot be applied")

// op is one change to the project: write data at path, or remove it.
type op struct {
	path   string
	data   []byte
	mode   fs.FileMode
	remove bool
}

func (p *Plan) ops() []op {
	var out []op
	for _, e := range p.Entries {
		switch {
		case e.remove:
			out = append(out, op{path: e.Path, remove: true})
		case e.write != nil:
			out = append(out, op{path: e.Path, data: e.write, mode: e.mode})
		}
	}
	if p.recordChanges {
		// The record and base go last: they say the update happened.
		out = append(out, op{path: base.Path, data: p.newBase, mode: render.DefaultMode})
		out = append(out, op{path: answers.RecordName, data: p.record, mode: render.DefaultMode})
	}
	return out
}

// Apply writes the plan into the project. Every new content is first written into a
// staging folder inside the project (the same file system), then each file is moved
// into place, what it replaces or removes kept in staging; on any error or when ctx is
// cancelled, every move is undone, staging is removed, and the project is exactly as
// it was.
func Apply(ctx context.Context, p *Plan) error { return apply(ctx, p, osWriter{}) }

func apply(ctx context.Context, p *Plan, w writer) (err error) {
	if p.TwoWay != nil {
		return ErrTwoWay
	}
	ops := p.ops()
	if len(ops) == 0 {
		return nil
	}
	target := filepath.Clean(p.Target)
	stage, err := w.MkdirTemp(target, ".stackpick-update-*")
	if err != nil {
		return fmt.Errorf("update %s: create a staging folder: %w", target, err)
	}
	defer w.RemoveAll(stage)
	staged := filepath.Join(stage, "new")
	backup := filepath.Join(stage, "old")
	for _, o := range ops {
		if err := ctx.Err(); err != nil {
			return err
		}
		if o.remove {
			continue
		}
		dst := filepath.Join(staged, filepath.FromSlash(o.path))
		if err := w.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
		if err := w.WriteFile(dst, o.data, o.mode); err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
	}
	var undo []func()
	var emptied []string
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()
	for _, o := range ops {
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(target, filepath.FromSlash(o.path))
		if _, err := os.Lstat(dst); err == nil {
			saved := filepath.Join(backup, filepath.FromSlash(o.path))
			if err := w.MkdirAll(filepath.Dir(saved), 0o700); err != nil {
				return fmt.Errorf("back up %s: %w", o.path, err)
			}
			if err := w.Rename(dst, saved); err != nil {
				return fmt.Errorf("back up %s: %w", o.path, err)
			}
			undo = append(undo, func() { w.Rename(saved, dst) })
		}
		if o.remove {
			emptied = append(emptied, filepath.Dir(dst))
			continue
		}
		made, err := fsw.MkdirAllTracked(w, filepath.Dir(dst))
		if err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
		undo = append(undo, func() { fsw.RemoveDirs(w, made) })
		if err := w.Rename(filepath.Join(staged, filepath.FromSlash(o.path)), dst); err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
		undo = append(undo, func() { w.Remove(dst) })
	}
	// A cancel during the last move still undoes the whole update.
	if err := ctx.Err(); err != nil {
		return err
	}
	// Done: the folders removed files leave empty go too, as a fresh project would
	// not have them. Best effort, after the point of no return: an empty folder left
	// behind harms nothing.
	for _, d := range emptied {
		removeEmptyParents(w, target, d)
	}
	return nil
}

// removeEmptyParents removes dir and its parents up to target while they are empty.
func removeEmptyParents(w writer, target, dir string) {
	for d := dir; d != target && len(d) > len(target); d = filepath.Dir(d) {
		if w.Remove(d) != nil {
			return
		}
	}
}
