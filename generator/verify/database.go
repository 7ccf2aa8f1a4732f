package verify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/stackpick/stackpick/generator/internal/pgserver"
)

// The database answers that keep items outside the process (render.Data.Database).
// "memory" and "" (bare templates) need nothing.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

// HasDatabase reports whether a project generated with this database answer keeps its
// items in a database, so it has migrate steps and reads DATABASE_URL.
func HasDatabase(engine string) bool { return engine == EngineSQLite || engine == EnginePostgres }

// Database is one database a check runs a generated project against.
type Database struct {
	Engine string
	URL    string // DATABASE_URL
	// Name is the database's name on a throwaway server, or the SQLite file's path;
	// "" for a URL given.
	Name string
	// Where says where it is, without the password, for progress lines and reports.
	Where string
}

// Env is the settings a project is started with: DATABASE_URL and, with migrate,
// MIGRATE_ON_START=1. Nil for no database.
func (d *Database) Env(migrate bool) []string {
	if d == nil {
		return nil
	}
	env := []string{"DATABASE_URL=" + d.URL}
	if migrate {
		env = append(env, "MIGRATE_ON_START=1")
	}
	return env
}

// NoPostgresError says a project needs PostgreSQL and there is neither a URL given nor
// the server programs to start a throwaway one.
type NoPostgresError struct {
	Err error
	// Otherwise is the caller's other way out, when it has one ("set DATABASE_URL ...").
	Otherwise string
}

func (e *NoPostgresError) Error() string {
	s := "database=postgres needs a PostgreSQL server: install PostgreSQL's server programs (initdb, postgres: " +
		"Debian's postgresql package; on PATH or in /usr/lib/postgresql/VERSION/bin) so a throwaway server can be started"
	if e.Otherwise != "" {
		s += ", or " + e.Otherwise
	}
	return s
}

func (e *NoPostgresError) Unwrap() error { return e.Err }

// Databases hands out fresh databases to the projects a check starts: a new SQLite file
// in a temporary folder for sqlite (never the project's own data/app.db), and a new
// database on one throwaway PostgreSQL server, started on first use, for postgres
// (PostgresURL instead when set). Close removes them all. Safe for concurrent use.
type Databases struct {
	// PostgresURL, when set, is every postgres database handed out (the user's
	// DATABASE_URL): no server is started and nothing is created.
	PostgresURL string
	// TempDir is where the SQLite files and the server's folder go; "" means
	// os.TempDir() (a folder the server's unprivileged account can enter).
	TempDir string
	// Otherwise completes the NoPostgresError: what else the user can do.
	Otherwise string

	mu   sync.Mutex
	dir  string // the SQLite files' folder, made on first use
	srv  *pgserver.Server
	made int
}

// CheckPostgres says whether a postgres database can be handed out: PostgresURL is set
// or the server programs are found. Nil, or a *NoPostgresError.
func (p *Databases) CheckPostgres() error {
	if p.PostgresURL != "" {
		return nil
	}
	if _, err := pgserver.Find(); err != nil {
		return &NoPostgresError{Err: err, Otherwise: p.Otherwise}
	}
	return nil
}

// New returns a fresh, empty database for engine, named after name where the engine
// names databases; nil for memory and bare templates.
func (p *Databases) New(ctx context.Context, engine, name string) (*Database, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch engine {
	case EngineSQLite:
		if p.dir == "" {
			dir, err := os.MkdirTemp(p.TempDir, "stackpick-db-")
			if err != nil {
				return nil, err
			}
			p.dir = dir
		}
		p.made++
		path, err := filepath.Abs(filepath.Join(p.dir, fmt.Sprintf("%s-%d.db", sqlName(name), p.made)))
		if err != nil {
			return nil, err
		}
		// sqlite:/// then the absolute path's own leading slash: the contract's
		// sqlite:////ABSOLUTE/PATH.
		return &Database{Engine: engine, URL: "sqlite:///" + filepath.ToSlash(path), Name: path, Where: "SQLite file " + path}, nil
	case EnginePostgres:
		if p.PostgresURL != "" {
			return &Database{Engine: engine, URL: p.PostgresURL, Where: "DATABASE_URL " + Redact(p.PostgresURL)}, nil
		}
		if p.srv == nil {
			if err := p.CheckPostgres(); err != nil {
				return nil, err
			}
			srv, err := pgserver.Start(ctx, pgserver.Options{TempDir: p.TempDir})
			if err != nil {
				return nil, err
			}
			p.srv = srv
		}
		p.made++
		db := fmt.Sprintf("%s_%d", sqlName(name), p.made)
		u, err := p.srv.CreateDatabase(ctx, db)
		if err != nil {
			return nil, err
		}
		return &Database{Engine: engine, URL: u, Name: db, Where: fmt.Sprintf("database %s on a throwaway PostgreSQL server at 127.0.0.1:%d", db, p.srv.Port())}, nil
	}
	return nil, nil
}

// ErrNoServer says there is no throwaway PostgreSQL server to kill or restart: none was
// started (no postgres database was handed out, or PostgresURL was given).
var ErrNoServer = errors.New("verify: no throwaway PostgreSQL server was started")

// KillPostgres ends the throwaway server abruptly, as a crash would, keeping its data
// and port for RestartPostgres: for outage drills.
func (p *Databases) KillPostgres() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv == nil {
		return ErrNoServer
	}
	return p.srv.Kill()
}

// RestartPostgres starts the throwaway server again on the same port with the same data.
func (p *Databases) RestartPostgres(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv == nil {
		return ErrNoServer
	}
	return p.srv.Restart(ctx)
}

// Close stops the throwaway server and removes the SQLite files.
func (p *Databases) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	var err error
	if p.srv != nil {
		err = p.srv.Stop()
		p.srv = nil
	}
	if p.dir != "" {
		if rmErr := os.RemoveAll(p.dir); err == nil {
			err = rmErr
		}
		p.dir = ""
	}
	return err
}

// sqlName turns name into a short lower-case SQL name (letters, digits, _).
func sqlName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "_"):
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	s := strings.TrimSuffix(b.String(), "_")
	if s == "" {
		s = "app"
	}
	return s
}

// Redact is a database URL with its password replaced by xxxxx, for output.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse)"
	}
	return u.Redacted()
}
