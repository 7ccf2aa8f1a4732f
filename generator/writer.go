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

// WriteFile sets the mode after writing, so the umask cannot narrow it and the same
// answers give the same project on every machine.
func (osWriter) WriteFile(path string, data []byte, mode fs.FileMode) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, werr := fh.Write(data)
	cerr := fh.Close()
	if werr != nil {
		return werr
	}
	if cerr != nil {
		return cerr
	}
	return os.Chmod(path, mode)
}
