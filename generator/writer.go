package generator

import (
	"io/fs"
	"os"
	"syscall"
)

// writer is every change Apply makes to the file system, so tests can make any one
// of them fail (a full disk, a read-only folder) and check that nothing is lost.
type writer interface {
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

// osWriter is the real file system.
type osWriter struct{}

func (osWriter) MkdirTemp(dir, pattern string) (string, error) { return os.MkdirTemp(dir, pattern) }
func (osWriter) Mkdir(path string, mode fs.FileMode) error     { return os.Mkdir(path, mode) }
func (osWriter) MkdirAll(path string, mode fs.FileMode) error  { return os.MkdirAll(path, mode) }
func (osWriter) Chmod(path string, mode fs.FileMode) error     { return os.Chmod(path, mode) }
func (osWriter) Link(from, to string) error                    { return os.Link(from, to) }
func (osWriter) Remove(path string) error                      { return os.Remove(path) }
func (osWriter) RemoveAll(path string) error                   { return os.RemoveAll(path) }

// Rename uses syscall.Rename: os.Rename refuses any existing folder as the target.
func (osWriter) Rename(from, to string) error {
	if err := syscall.Rename(from, to); err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	return nil
}

// WriteFile sets the mode on the descriptor after creating the file, so the umask
// cannot narrow it and the same answers give the same project on every machine. It
// uses syscall.Open, not os.OpenFile: a regular file gains nothing from the runtime's
// poller, and os.OpenFile spends five system calls per file registering it.
func (osWriter) WriteFile(path string, data []byte, mode fs.FileMode) error {
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
