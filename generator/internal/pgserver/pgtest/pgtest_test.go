//go:build unix

package pgtest

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestURLServesQueries(t *testing.T) {
	url := URL(t)
	if !strings.HasPrefix(url, "postgresql://app:") || !strings.HasSuffix(url, "/app") {
		t.Errorf("URL = %s, want postgresql://app:…/app", url)
	}
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "select 40 + 2").Scan(&n); err != nil || n != 42 {
		t.Fatalf("select 40 + 2 = %d, %v", n, err)
	}
}
