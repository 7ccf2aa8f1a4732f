package generator

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/stackpick/stackpick/generator/internal/fsw"
)

// Apply writes the plan. Every file is first written into a staging folder next to the
// target (so on the same file system), then moved into place: the whole folder with
// one rename when the target is missing or empty, file by file otherwise. On any error
// or when ctx is cancelled, what was moved is moved back, staging is removed, and the
// target is as it was. Check must have been called.
func Apply(ctx context.Context, p *Plan) error {
	return apply(ctx, p, osWriter{})
}

func apply(ctx context.Context, p *Plan, w writer) (err error) {
	target := filepath.Clean(p.Target)
	parent := filepath.Dir(target)
	made, err := fsw.MkdirAllTracked(w, parent)
	if err != nil {
		return pathError("create", parent, err)
	}
	defer func() {
		if err != nil {
			fsw.RemoveDirs(w, made)
		}
	}()
	stage, err := w.MkdirTemp(parent, "."+filepath.Base(target)+".stackpick-*")
	if err != nil {
		// The staging folder's name means nothing to the user: name the parent.
		return pathError("create a folder in", parent, err)
	}
	defer w.RemoveAll(stage)

	if err := writeStage(ctx, w, stage, p); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.targetState != targetNonEmpty {
		return moveWhole(w, stage, target, p.targetState)
	}
	return moveEach(ctx, w, stage, target, p)
}

// writeStage writes every file that is not skipped into the staging folder.
func writeStage(ctx context.Context, w writer, stage string, p *Plan) error {
	made := map[string]bool{stage: true} // one MkdirAll per folder, not per file
	for _, f := range p.Files {
		if f.Action == Skip || f.Action == Unchanged {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		dst := filepath.Join(stage, filepath.FromSlash(f.Path))
		if dir := filepath.Dir(dst); !made[dir] {
			if err := w.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("write %s: %w", f.Path, err)
			}
			made[dir] = true
		}
		if err := w.WriteFile(dst, f.Data, f.Mode); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
	}
	return nil
}

// moveWhole renames the staging folder to the target. An empty target folder is
// replaced (rename(2) allows it) and keeps its mode.
func moveWhole(w writer, stage, target string, state targetState) error {
	mode := fs.FileMode(0o755)
	if state == targetEmpty {
		if info, err := os.Stat(target); err == nil {
			mode = info.Mode().Perm()
		}
	}
	if err := w.Chmod(stage, mode); err != nil {
		return fmt.Errorf("prepare %s: %w", target, err)
	}
	// rename(2) atomically replaces an empty folder and refuses a non-empty one.
	if err := w.Rename(stage, target); err != nil {
		if errors.Is(err, fs.ErrExist) || isNotEmpty(err) {
			// Someone else wrote into the target since Check looked.
			return &ConflictError{Target: target, Reason: "was filled by another process while this project was being prepared; nothing was written"}
		}
		return fmt.Errorf("move the project into %s: %w", target, err)
	}
	return nil
}

// moveEach moves staged files into a non-empty target one by one, keeping what it
// replaces in the staging folder so that a failure can put it all back.
func moveEach(ctx context.Context, w writer, stage, target string, p *Plan) (err error) {
	backup := filepath.Join(stage, ".stackpick-backup")
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()
	for _, f := range p.Files {
		if f.Action == Skip || f.Action == Unchanged {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		src := filepath.Join(stage, filepath.FromSlash(f.Path))
		dst := filepath.Join(target, filepath.FromSlash(f.Path))
		made, err := fsw.MkdirAllTracked(w, filepath.Dir(dst))
		if err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		undo = append(undo, func() { fsw.RemoveDirs(w, made) })
		if f.Action == Overwrite {
			saved := filepath.Join(backup, filepath.FromSlash(f.Path))
			if err := w.MkdirAll(filepath.Dir(saved), 0o700); err != nil {
				return fmt.Errorf("back up %s: %w", f.Path, err)
			}
			if err := w.Rename(dst, saved); err != nil {
				return fmt.Errorf("back up %s: %w", f.Path, err)
			}
			undo = append(undo, func() { w.Rename(saved, dst) })
		}
		if f.Action == Create {
			// Refuse to replace a file that appeared since Check: link(2) fails if
			// dst exists, where rename would silently replace it.
			if err := w.Link(src, dst); err != nil {
				if errors.Is(err, fs.ErrExist) {
					return &ConflictError{Target: target, Reason: fmt.Sprintf("%s appeared while the project was being prepared; nothing was changed", f.Path)}
				}
				return fmt.Errorf("write %s: %w", f.Path, err)
			}
			undo = append(undo, func() { w.Remove(dst) })
			continue
		}
		if err := w.Rename(src, dst); err != nil {
			return fmt.Errorf("write %s: %w", f.Path, err)
		}
		undo = append(undo, func() { w.Remove(dst) })
	}
	return nil
}

func isNotEmpty(err error) bool { return errors.Is(err, syscall.ENOTEMPTY) }
