//go:build !unix

package pgserver

import (
	"context"
	"os"
	"os/exec"
)

const exeSuffix = ".exe"

var lookPath = exec.LookPath

func isExecutable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// Server is never running on this system: Start always fails.
type Server struct {
	dir, user, password, database string
	port                          int
}

// Start is not supported here: the server's account switching and process groups are Unix's.
func Start(context.Context, Options) (*Server, error) { return nil, ErrUnsupported }

// Stop does nothing: no server was started.
func (s *Server) Stop() error { return nil }

// Kill does nothing: no server was started.
func (s *Server) Kill() error { return nil }

// Restart fails: no server was started.
func (s *Server) Restart(context.Context) error { return ErrUnsupported }
