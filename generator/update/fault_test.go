package update

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// faultyWriter makes its nth change fail with err, and every later change that
// creates data; renames and removals keep working after, so the rollback can run, as
// on a full or read-only file system.
type faultyWriter struct {
	osWriter
	n, calls int
	err      error
}

func (w *faultyWriter) trip(op string) error {
	w.calls++
	if w.calls >= w.n {
		return &fs.PathError{Op: op, Path: "(injected)", Err: w.err}
	}
	return nil
}

func (w *faultyWriter) MkdirTemp(dir, pattern string) (string, error) {
	if err := w.trip("mkdirtemp"); err != nil {
		return "", err
	}
	return w.osWriter.MkdirTemp(dir, pattern)
}

func (w *faultyWriter) Mkdir(path string, mode fs.FileMode) error {
	if err := w.trip("mkdir"); err != nil {
		return err
	}
	return w.osWriter.Mkdir(path, mode)
}

func (w *faultyWriter) MkdirAll(path string, mode fs.FileMode) error {
	if err := w.trip("mkdir"); err != nil {
		return err
	}
	return w.osWriter.MkdirAll(path, mode)
}

func (w *faultyWriter) WriteFile(path string, data []byte, mode fs.FileMode) error {
	if err := w.trip("write"); err != nil {
		return err
	}
	return w.osWriter.WriteFile(path, data, mode)
}

// Rename fails at its turn only: a move that fails once (EXDEV, a busy file) must
// also be rolled back.
func (w *faultyWriter) Rename(from, to string) error {
	w.calls++
	if w.calls == w.n {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: w.err}
	}
	return w.osWriter.Rename(from, to)
}

// cancellingWriter cancels the context at its nth change, as SIGINT would.
type cancellingWriter struct {
	osWriter
	n, calls int
	cancel   context.CancelFunc
}

func (w *cancellingWriter) tick() {
	w.calls++
	if w.calls == w.n {
		w.cancel()
	}
}

func (w *cancellingWriter) MkdirAll(path string, mode fs.FileMode) error {
	w.tick()
	return w.osWriter.MkdirAll(path, mode)
}

func (w *cancellingWriter) WriteFile(path string, data []byte, mode fs.FileMode) error {
	w.tick()
	return w.osWriter.WriteFile(path, data, mode)
}

func (w *cancellingWriter) Rename(from, to string) error {
	w.tick()
	return w.osWriter.Rename(from, to)
}

// preparedUpdate is a project of the first version with user edits and the plan of
// its update to the second: writes, merges, a conflict, a removal (emptying a
// folder), new files in a new folder, and the record.
func preparedUpdate(t *testing.T) (string, func() *Plan) {
	v1 := templateFS(t)
	v2 := nextVersion(t, v1)
	v2["node-express/files/src/extra/more.ts"] = v2["node-express/files/src/added.ts"]
	delete(v2, "node-express/files/src/middleware/security.ts")
	delete(v2, "node-express/files/src/middleware/body.ts")
	delete(v2, "node-express/files/src/middleware/request-log.ts")
	c1, c2 := load(t, v1), load(t, v2)
	parent := t.TempDir()
	dir := filepath.Join(parent, "demo")
	generate(t, c1, dir, "stack=node")
	store := strings.SplitAfter(readFile(t, dir, "src/store.ts"), "\n")
	store[1] = "// mine\n"
	writeFile(t, dir, "src/store.ts", strings.Join(store, ""))
	return parent, func() *Plan {
		plan, _, err := Prepare(Request{Catalog: c2, Dir: dir, GeneratedBy: by})
		if err != nil {
			t.Fatal(err)
		}
		return plan
	}
}

// TestFaultInjection fails the 1st, 2nd, ... change of an update with a full disk and
// a read-only file system: every failure leaves the project exactly as it was.
func TestFaultInjection(t *testing.T) {
	for _, cause := range []error{syscall.ENOSPC, syscall.EROFS} {
		t.Run(cause.Error(), func(t *testing.T) {
			parent, prepare := preparedUpdate(t)
			before := tree(t, parent)
			succeeded := false
			for n := 1; n < 200 && !succeeded; n++ {
				w := &faultyWriter{n: n, err: cause}
				err := apply(context.Background(), prepare(), w)
				if err == nil {
					succeeded = true
					if w.calls < 10 {
						t.Fatalf("only %d changes", w.calls)
					}
					continue
				}
				if !errors.Is(err, cause) {
					t.Fatalf("failure %d: %q does not carry %v", n, err, cause)
				}
				sameTree(t, tree(t, parent), before)
			}
			if !succeeded {
				t.Fatal("never succeeded")
			}
		})
	}
}

// TestInterruptAtEveryStep cancels the update at each of its changes: the project is
// either as it was (context.Canceled) or completely updated.
func TestInterruptAtEveryStep(t *testing.T) {
	parent, prepare := preparedUpdate(t)
	before := tree(t, parent)
	var after map[string]string
	for n := 1; ; n++ {
		ctx, cancel := context.WithCancel(context.Background())
		w := &cancellingWriter{n: n, cancel: cancel}
		err := apply(ctx, prepare(), w)
		cancel()
		switch {
		case errors.Is(err, context.Canceled):
			sameTree(t, tree(t, parent), before)
		case err == nil:
			after = tree(t, parent)
			if !strings.Contains(after["demo/src/store.ts"], "<<<<<<< yours") {
				t.Fatalf("cancel at %d: incomplete update", n)
			}
			if n < w.calls {
				t.Fatalf("cancel at change %d of %d was not honoured", n, w.calls)
			}
			if n > w.calls {
				return // the cancel point is past the last change
			}
		default:
			t.Fatalf("cancel at %d: %v", n, err)
		}
	}
}
