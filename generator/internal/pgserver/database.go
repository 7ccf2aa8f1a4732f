package pgserver

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// CreateDatabase makes one more empty database on the running server, owned by the
// server's role, and returns its postgresql:// address. Callers that need several
// independent databases (one per project under test) share one server this way instead
// of starting a server each.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	if !identifier.MatchString(name) {
		return "", fmt.Errorf("pgserver: %q is not a plain lower-case SQL name: use letters, digits and _", name)
	}
	conn, err := pgx.Connect(ctx, s.URL())
	if err != nil {
		return "", fmt.Errorf("pgserver: connect to create database %s: %w", name, err)
	}
	defer conn.Close(context.Background())
	// Both names passed identifier, so they need no quoting.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" OWNER "+s.user); err != nil {
		return "", fmt.Errorf("pgserver: create database %s: %w", name, err)
	}
	return s.urlFor(name), nil
}

// urlFor is the address of database name on this server.
func (s *Server) urlFor(name string) string {
	u := url.URL{
		Scheme: "postgresql",
		User:   url.UserPassword(s.user, s.password),
		Host:   "127.0.0.1:" + strconv.Itoa(s.port),
		Path:   "/" + name,
	}
	return u.String()
}
