// Package pgtest gives a test its own throwaway PostgreSQL server: started on first
// use, stopped and removed when the test ends.
package pgtest

import (
	"context"
	"os"
	"testing"

	"github.com/stackpick/stackpick/generator/internal/pgserver"
)

// Start starts a server for t and returns it; t.Cleanup stops it and removes its folder.
// Without the server binaries the test is skipped, saying what to install, except when
// the CI variable is set: there a missing server fails the test instead of hiding it.
func Start(t testing.TB, opts pgserver.Options) *pgserver.Server {
	t.Helper()
	if _, err := pgserver.Find(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set, so a PostgreSQL server is required: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	srv, err := pgserver.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stopping PostgreSQL: %v", err)
		}
	})
	return srv
}

// URL starts a server with the default options (role and database "app") and returns its
// postgresql:// address.
func URL(t testing.TB) string {
	t.Helper()
	return Start(t, pgserver.Options{}).URL()
}
