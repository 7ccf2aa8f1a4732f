package generator

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

// faultyWriter makes the nth change fail with err, and every later one that creates
// data too (a full disk stays full); renames and removals keep working, so the
// rollback can run, as on a real full or read-only file system.
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

func (w *faultyWriter) Link(from, to string) error {
	if err := w.trip("link"); err != nil {
		return err
	}
	return w.osWriter.Link(from, to)
}

// TestFaultInjection fails the 1st, 2nd, ... change of a write into a new target, an
// empty one and one with files (overwrite), with a full disk and a read-only file
// system: every failure leaves the folder exactly as before, removes staging, and
// names the file and the cause.
func TestFaultInjection(t *testing.T) {
	setups := map[string]func(t *testing.T, target string){
		"missing target": func(t *testing.T, target string) {},
		"empty target":   func(t *testing.T, target string) { os.Mkdir(target, 0o755) },
		"target with files": func(t *testing.T, target string) {
			os.MkdirAll(filepath.Join(target, "src"), 0o755)
			os.WriteFile(filepath.Join(target, "README.md"), []byte("mine\n"), 0o600)
			os.WriteFile(filepath.Join(target, "src", "app.js"), []byte("my app\n"), 0o644)
		},
	}
	for name, setup := range setups {
		for _, cause := range []error{syscall.ENOSPC, syscall.EROFS} {
			t.Run(name+"/"+cause.Error(), func(t *testing.T) {
				succeeded := false
				for n := 1; n < 50 && !succeeded; n++ {
					parent := t.TempDir()
					target := filepath.Join(parent, "proj")
					setup(t, target)
					before := snapshot(t, parent)
					p := NewPlan(target, sampleFiles())
					if err := p.Check(PolicyOverwrite); err != nil {
						t.Fatal(err)
					}
					w := &faultyWriter{n: n, err: cause}
					err := apply(context.Background(), p, w)
					if err == nil {
						succeeded = true
						if w.calls < 2 {
							t.Fatalf("only %d changes were made", w.calls)
						}
						continue
					}
					if !errors.Is(err, cause) {
						t.Fatalf("failure %d: the error %q does not carry the cause %v", n, err, cause)
					}
					if !strings.Contains(err.Error(), cause.Error()) || !(strings.Contains(err.Error(), "write ") || strings.Contains(err.Error(), "create ") || strings.Contains(err.Error(), "back up ") || strings.Contains(err.Error(), "prepare ")) {
						t.Fatalf("failure %d: the error %q does not name the operation and cause", n, err)
					}
					if after := snapshot(t, parent); after != before {
						t.Fatalf("failure %d (%v) changed the folder:\n%s\nwant\n%s", n, err, after, before)
					}
				}
				if !succeeded {
					t.Fatal("never succeeded")
				}
			})
		}
	}
}

// cancellingWriter cancels the context at its nth change, as a SIGINT caught by the
// command would, and lets the change itself go through.
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

func (w *cancellingWriter) Link(from, to string) error {
	w.tick()
	return w.osWriter.Link(from, to)
}

// TestInterruptAtEveryStep cancels the write at each of its changes: the result is
// either the folder as before with context.Canceled, or (when the cancel came with
// the last, atomic change) the complete project.
func TestInterruptAtEveryStep(t *testing.T) {
	for _, withFiles := range []bool{false, true} {
		for n := 1; n < 40; n++ {
			parent := t.TempDir()
			target := filepath.Join(parent, "proj")
			if withFiles {
				os.MkdirAll(target, 0o755)
				os.WriteFile(filepath.Join(target, "README.md"), []byte("mine\n"), 0o600)
			}
			before := snapshot(t, parent)
			p := NewPlan(target, sampleFiles())
			if err := p.Check(PolicyOverwrite); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			w := &cancellingWriter{n: n, cancel: cancel}
			err := apply(ctx, p, w)
			cancel()
			switch {
			case errors.Is(err, context.Canceled):
				if after := snapshot(t, parent); after != before {
					t.Fatalf("files=%v, cancel at change %d: the folder changed:\n%s", withFiles, n, after)
				}
			case err == nil:
				if got := snapshot(t, target); !strings.Contains(got, "src/app.js -rw-r--r-- app") || !strings.Contains(got, "README.md -rw-r--r-- # demo") {
					t.Fatalf("files=%v, cancel at change %d: incomplete project:\n%s", withFiles, n, got)
				}
			default:
				t.Fatalf("files=%v, cancel at change %d: %v", withFiles, n, err)
			}
			if w.calls < n {
				break // the cancel point is past the last change
			}
		}
	}
}

// stagingDenied fails to make the staging folder the way a read-only parent does: the
// system's error names the staging folder, which means nothing to the user.
type stagingDenied struct{ osWriter }

func (stagingDenied) MkdirTemp(dir, pattern string) (string, error) {
	return "", &fs.PathError{Op: "mkdirtemp", Path: filepath.Join(dir, strings.Replace(pattern, "*", "123456", 1)), Err: fs.ErrPermission}
}

func TestReadOnlyParentNamesTheParent(t *testing.T) {
	parent := t.TempDir()
	p := NewPlan(filepath.Join(parent, "proj"), sampleFiles())
	if err := p.Check(PolicyError); err != nil {
		t.Fatal(err)
	}
	err := apply(context.Background(), p, stagingDenied{})
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.Contains(msg, "stackpick-") || !strings.Contains(msg, parent) || !strings.Contains(msg, "choose a folder you can write to") {
		t.Fatalf("message %q: want the parent folder and the fix, not the staging folder", msg)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Fatalf("the cause is lost: %v", err)
	}
}
