// Package fsw is the file-system seam of the writers (new's Apply, update's Apply): one
// interface for every change they make, the real implementation, and the folder helpers
// both need, so fault-injection tests can stand in for any step.
package fsw

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Writer is every change a write makes to the file system, so tests can make any one
// of them fail (a full disk, a read-only folder) or stop there, and check that nothing
// is lost.
type Writer interface {
	MkdirTemp(dir, pattern string) (string, error)
	Mkdir(path string, mode fs.FileMode) error
	MkdirAll(path string, mode fs.FileMode) error
	// WriteFile creates path (it must not exist) with exactly mode.
	WriteFile(path string, data []byte, mode fs.FileMode) error
	Chmod(path string, mode fs.FileMode) error
	// Rename is rename(2): it replaces an empty folder and refuses a non-empty one.
	Rename(from, to string) error
	Link(from, to string) error
	Remove(path string) error
	RemoveAll(path string) error
}

// OS is the real file system.
type OS struct{}

func (OS) MkdirTemp(dir, pattern string) (string, error) { return os.MkdirTemp(dir, pattern) }
func (OS) Mkdir(path string, mode fs.FileMode) error     { return os.Mkdir(path, mode) }
func (OS) MkdirAll(path string, mode fs.FileMode) error  { return os.MkdirAll(path, mode) }
func (OS) Chmod(path string, mode fs.FileMode) error     { return os.Chmod(path, mode) }
func (OS) Link(from, to string) error                    { return os.Link(from, to) }
func (OS) Remove(path string) error                      { return os.Remove(path) }
func (OS) RemoveAll(path string) error                   { return os.RemoveAll(path) }

// Rename uses syscall.Rename: os.Rename refuses any existing folder as the target.
func (OS) Rename(from, to string) error {
	if err := syscall.Rename(from, to); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// WriteFile sets the mode on the descriptor after creating the file, so the umask
// cannot narrow it and the same answers give the same project on every machine. It
// uses syscall.Open, not os.OpenFile: a regular file gains nothing from the runtime's
// poller, and os.OpenFile spends five system calls per file registering it.
func (OS) WriteFile(path string, data []byte, mode fs.FileMode) error {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_EXCL|syscall.O_CLOEXEC, uint32(mode.Perm()))
	if err != nil {
		return &os.PathError{Op: "open", Path: path, Err: err}
	}
	fail := func(op string, err error) error {
		syscall.Close(fd)
		return &os.PathError{Op: op, Path: path, Err: err}
	}
	for len(data) > 0 {
		n, err := syscall.Write(fd, data)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fail("write", err)
		}
		data = data[n:]
	}
	if err := syscall.Fchmod(fd, uint32(mode.Perm())); err != nil {
		return fail("chmod", err)
	}
	if err := syscall.Close(fd); err != nil {
		return &os.PathError{Op: "close", Path: path, Err: err}
	}
	return nil
}

// MkdirAllTracked creates dir and its missing parents and returns the ones it made,
// deepest last, so a failed run can remove exactly those.
func MkdirAllTracked(w Writer, dir string) ([]string, error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	var made []string
	for i := len(missing) - 1; i >= 0; i-- {
		if err := w.Mkdir(missing[i], 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			RemoveDirs(w, made)
			return nil, err
		}
		made = append(made, missing[i])
	}
	return made, nil
}

// RemoveDirs removes folders made by mkdirAllTracked, deepest first, if still empty.
func RemoveDirs(w Writer, made []string) {
	for i := len(made) - 1; i >= 0; i-- {
		w.Remove(made[i])
	}
}
