// Package pgserver starts and stops a throwaway PostgreSQL server for tests and for
// `stackpick verify`: a fresh cluster in a temporary folder, listening on a free port on
// 127.0.0.1 only, with a generated password and fsync off (the data is thrown away).
//
// A started server is a real process outside the Go runtime: callers must stop it
// themselves (`defer srv.Stop()`, or `t.Cleanup` in tests). There is no finalizer, since a
// garbage collector that never runs would leave the server behind. On Linux the server is
// also told to quit when the process that started it dies, so a crashed test run does not
// leave it running (its folder stays in the temporary directory).
package pgserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ErrNotFound is returned by Find (and Start) when the server binaries are absent.
var ErrNotFound = errors.New("PostgreSQL server binaries (initdb, postgres) not found: install postgresql (Debian: apt-get install postgresql) or set DATABASE_URL")

// ErrUnsupported is returned by Start on systems where a throwaway server cannot run.
var ErrUnsupported = errors.New("starting a throwaway PostgreSQL server is not supported on this system: set DATABASE_URL to a running server")

// Options configure Start. The zero value is ready to use.
type Options struct {
	// BinDir holds initdb and postgres; empty means Find().
	BinDir string
	// TempDir is where the server's folder is made; empty means os.TempDir().
	TempDir string
	// User and Database are the role and database the URL names; both default to "app".
	// The role is the cluster's superuser, so migrations may do anything.
	User, Database string
	// Password defaults to a random one.
	Password string
	// OSUser is the unprivileged account the server runs as when the caller is root
	// (PostgreSQL refuses to run as root). Empty means the first of "postgres" (made by
	// Debian's package) and "nobody" that exists. Ignored when not running as root.
	OSUser string
	// StartTimeout bounds Start and Restart on top of their context; default 60s.
	StartTimeout time.Duration
}

var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func (o Options) withDefaults() (Options, error) {
	if o.User == "" {
		o.User = "app"
	}
	if o.Database == "" {
		o.Database = "app"
	}
	for _, name := range []string{o.User, o.Database} {
		if !identifier.MatchString(name) {
			return o, fmt.Errorf("pgserver: %q is not a plain lower-case SQL name: use letters, digits and _", name)
		}
	}
	if o.TempDir == "" {
		o.TempDir = os.TempDir()
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 60 * time.Second
	}
	return o, nil
}

// URL is the server's address in the contract's form,
// postgresql://USER:PASSWORD@127.0.0.1:PORT/DB.
func (s *Server) URL() string { return s.urlFor(s.database) }

// Port is the TCP port on 127.0.0.1; it stays the same across Kill and Restart.
func (s *Server) Port() int { return s.port }

// Dir is the server's temporary folder (data in Dir/data, log in Dir/server.log); Stop
// removes it.
func (s *Server) Dir() string { return s.dir }

// LogPath is the server's log file, useful in a failing test's message.
func (s *Server) LogPath() string { return filepath.Join(s.dir, "server.log") }

// Find returns the folder holding initdb and postgres: initdb's own folder (links
// resolved) when initdb is on PATH, else the highest-versioned
// /usr/lib/postgresql/VERSION/bin, where Debian installs them off PATH.
func Find() (string, error) {
	var dirs []string
	if p, err := lookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dirs = append(dirs, filepath.Dir(p))
	}
	dirs = append(dirs, debianBinDirs()...)
	for _, dir := range dirs {
		if hasServer(dir) {
			return dir, nil
		}
	}
	return "", ErrNotFound
}

// debianRoot is where Debian's packages put each version's programs (a variable for tests).
var debianRoot = "/usr/lib/postgresql"

// debianBinDirs lists /usr/lib/postgresql/*/bin, highest version first.
func debianBinDirs() []string {
	matches, _ := filepath.Glob(filepath.Join(debianRoot, "*", "bin"))
	version := func(p string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(p)), 64)
		return v
	}
	sort.SliceStable(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	return matches
}

func hasServer(dir string) bool {
	for _, name := range []string{"initdb", "postgres"} {
		if !isExecutable(filepath.Join(dir, name+exeSuffix)) {
			return false
		}
	}
	return true
}

// lastLines is the end of a log, for error messages.
func lastLines(text string, n int) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
