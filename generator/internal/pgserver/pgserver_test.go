//go:build unix

package pgserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// needServer skips, saying why, when the machine has no PostgreSQL server binaries.
// Under CI a missing server is a failure: .ci/run promises one.
func needServer(t *testing.T) {
	t.Helper()
	if _, err := Find(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have a PostgreSQL server: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
}

// tempDir is a test folder the server's account can enter when the tests run as root:
// t.TempDir's folders are private to their owner.
func tempDir(t *testing.T) string {
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func start(t *testing.T, opts Options) *Server {
	t.Helper()
	begin := time.Now()
	srv, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("started in %v on port %d", time.Since(begin).Round(time.Millisecond), srv.Port())
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Error(err)
		}
	})
	return srv
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func portOpen(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

func TestStartQueryStop(t *testing.T) {
	needServer(t)
	srv, err := Start(context.Background(), Options{TempDir: tempDir(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	url := srv.URL()
	want := fmt.Sprintf("postgresql://app:%s@127.0.0.1:%d/app", srv.password, srv.Port())
	if url != want {
		t.Errorf("URL() = %s, want %s", url, want)
	}
	conn := connect(t, url)
	var db, user string
	if err := conn.QueryRow(context.Background(), "select current_database(), current_user").Scan(&db, &user); err != nil {
		t.Fatal(err)
	}
	if db != "app" || user != "app" {
		t.Errorf("connected to %s as %s, want app as app", db, user)
	}
	var listen string
	if err := conn.QueryRow(context.Background(), "show listen_addresses").Scan(&listen); err != nil || listen != "127.0.0.1" {
		t.Errorf("listen_addresses = %q (%v), want 127.0.0.1", listen, err)
	}
	// The password is checked: a wrong one is refused.
	if c, err := pgx.Connect(context.Background(), strings.Replace(url, srv.password, "wrong", 1)); err == nil {
		c.Close(context.Background())
		t.Error("a wrong password was accepted")
	}
	conn.Close(context.Background())

	begin := time.Now()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	t.Logf("stopped in %v", time.Since(begin).Round(time.Millisecond))
	if portOpen(srv.Port()) {
		t.Errorf("port %d still open after Stop", srv.Port())
	}
	if _, err := os.Stat(srv.Dir()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("folder %s still there after Stop (%v)", srv.Dir(), err)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestKillRestartKeepsData(t *testing.T) {
	needServer(t)
	srv := start(t, Options{TempDir: tempDir(t), Database: "items"})
	ctx := context.Background()
	conn := connect(t, srv.URL())
	if _, err := conn.Exec(ctx, "create table items (name text); insert into items values ('kept')"); err != nil {
		t.Fatal(err)
	}
	port := srv.Port()

	if err := srv.Kill(); err != nil {
		t.Fatal(err)
	}
	if portOpen(port) {
		t.Fatalf("port %d still open after Kill", port)
	}
	// The open connection sees the outage as an error, not a hang.
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := conn.Exec(qctx, "select 1"); err == nil {
		t.Error("a query on a killed server succeeded")
	}

	begin := time.Now()
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("restarted after Kill in %v", time.Since(begin).Round(time.Millisecond))
	if srv.Port() != port {
		t.Errorf("port changed from %d to %d", port, srv.Port())
	}
	var name string
	if err := connect(t, srv.URL()).QueryRow(ctx, "select name from items").Scan(&name); err != nil || name != "kept" {
		t.Fatalf("after restart: %q, %v; want the row kept", name, err)
	}
	// Restart of a running server: a fast shutdown, then a start.
	if err := srv.Restart(ctx); err != nil {
		t.Fatal(err)
	}
	if err := connect(t, srv.URL()).QueryRow(ctx, "select name from items").Scan(&name); err != nil || name != "kept" {
		t.Fatalf("after second restart: %q, %v", name, err)
	}
}

func TestTwoServersAtOnce(t *testing.T) {
	needServer(t)
	a := start(t, Options{TempDir: tempDir(t)})
	// Under root, b runs as "nobody": the fallback account when "postgres" is absent.
	nobody, _ := user.Lookup("nobody")
	optsB := Options{TempDir: tempDir(t)}
	if os.Geteuid() == 0 && nobody != nil {
		optsB.OSUser = "nobody"
	}
	b := start(t, optsB)
	if optsB.OSUser != "" {
		if uid := serverUID(t, b); uid != nobody.Uid {
			t.Errorf("server b runs as uid %s, want nobody (%s)", uid, nobody.Uid)
		}
	}
	if a.Port() == b.Port() || a.Dir() == b.Dir() {
		t.Fatalf("both servers on port %d / %d, folders %s / %s", a.Port(), b.Port(), a.Dir(), b.Dir())
	}
	ctx := context.Background()
	ca, cb := connect(t, a.URL()), connect(t, b.URL())
	if _, err := ca.Exec(ctx, "create table only_in_a (x int)"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := cb.QueryRow(ctx, "select count(*) from pg_tables where tablename = 'only_in_a'").Scan(&n); err != nil || n != 0 {
		t.Errorf("server b sees a's table: %d, %v", n, err)
	}
}

// TestCancelledStartLeavesNothing cancels Start at each stage (during initdb, while
// creating the database, while the server starts): each time Start fails with the
// context's error, no process of the server remains and its folder is gone.
func TestCancelledStartLeavesNothing(t *testing.T) {
	needServer(t)
	for _, stage := range []string{"initdb", "createdb", "launch"} {
		t.Run(stage, func(t *testing.T) {
			parent := tempDir(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// Cancel shortly after the stage begins, so its program is running.
			stageHook = func(s string) {
				if s == stage {
					time.AfterFunc(20*time.Millisecond, cancel)
				}
			}
			defer func() { stageHook = func(string) {} }()
			begin := time.Now()
			srv, err := Start(ctx, Options{TempDir: parent})
			if err == nil {
				srv.Stop()
				t.Fatal("Start succeeded despite the cancelled context")
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Start: %v, want the context's error", err)
			}
			t.Logf("%v, returned %v after the start", err, time.Since(begin).Round(time.Millisecond))
			if left, _ := os.ReadDir(parent); len(left) != 0 {
				t.Errorf("%s still holds %v", parent, left)
			}
			if pids := processesUsing(parent); len(pids) != 0 {
				t.Errorf("processes still running in %s: %v", parent, pids)
			}
		})
	}
}

// processesUsing lists the processes whose command line or working folder mentions dir.
func processesUsing(dir string) []string {
	var found []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		cwd, _ := os.Readlink(filepath.Join("/proc", e.Name(), "cwd"))
		if strings.Contains(string(cmdline), dir) || strings.HasPrefix(cwd, dir) {
			found = append(found, e.Name()+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}
	return found
}

func TestFindNamesWhatIsMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	defer func(root string) { debianRoot = root }(debianRoot)
	debianRoot = t.TempDir()
	dir, err := Find()
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Errorf("Find() = %q, %v; want ErrNotFound naming the package", dir, err)
	}
}

// TestFindPrefersTheHighestVersion lays out Debian's folders with fake programs.
func TestFindPrefersTheHighestVersion(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	defer func(root string) { debianRoot = root }(debianRoot)
	debianRoot = t.TempDir()
	for _, v := range []string{"9.6", "15", "16"} {
		bin := filepath.Join(debianRoot, v, "bin")
		if err := os.MkdirAll(bin, 0o755); err != nil {
			t.Fatal(err)
		}
		names := []string{"initdb", "postgres"}
		if v == "16" {
			names = names[:1] // a half-installed version is passed over
		}
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	dir, err := Find()
	if want := filepath.Join(debianRoot, "15", "bin"); dir != want || err != nil {
		t.Errorf("Find() = %q, %v; want %s", dir, err, want)
	}
}

func TestPrivateTempDirIsNamed(t *testing.T) {
	needServer(t)
	if os.Geteuid() != 0 {
		t.Skip("skipping: only root hands the folder to another account")
	}
	_, err := Start(context.Background(), Options{TempDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "cannot enter") {
		t.Errorf("Start under a private folder: %v, want an error naming the folder", err)
	}
}

// TestDefaultAccount: under root the server runs as Debian's "postgres" account when it
// exists (TestTwoServersAtOnce checks a named one), never as root.
func TestDefaultAccount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipping: only root switches accounts")
	}
	def, err := serverCredential("")
	if err != nil || def == nil || def.Uid == 0 {
		t.Fatalf("default account: %+v, %v; want an unprivileged one", def, err)
	}
	if pg, err := user.Lookup("postgres"); err == nil && fmt.Sprint(def.Uid) != pg.Uid {
		t.Errorf("default account uid %d, want postgres (%s)", def.Uid, pg.Uid)
	}
	if _, err := serverCredential("no-such-account"); err == nil || !strings.Contains(err.Error(), "no-such-account") {
		t.Errorf("a missing account: %v, want an error naming it", err)
	}
}

// serverUID is the account the server's postmaster runs as, from /proc.
func serverUID(t *testing.T, srv *Server) string {
	t.Helper()
	pidFile, err := os.ReadFile(filepath.Join(srv.Dir(), "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.SplitN(string(pidFile), "\n", 2)[0]
	status, err := os.ReadFile(filepath.Join("/proc", pid, "status"))
	if err != nil {
		t.Skipf("skipping the owner check: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "Uid:") {
			return strings.Fields(line)[1]
		}
	}
	t.Fatalf("no Uid line in /proc/%s/status", pid)
	return ""
}

func TestBadNamesAreRefused(t *testing.T) {
	_, err := Start(context.Background(), Options{Database: "app; drop"})
	if err == nil || !strings.Contains(err.Error(), "plain lower-case SQL name") {
		t.Errorf("Start with a bad database name: %v", err)
	}
}

// BenchmarkStartStop reports what a throwaway server costs a test: ms to Start (initdb,
// the database, the server ready) and ms to Stop (fast shutdown, folder removed).
func BenchmarkStartStop(b *testing.B) {
	if _, err := Find(); err != nil {
		b.Skipf("skipping: %v", err)
	}
	var start, stop time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		srv, err := Start(context.Background(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := srv.Stop(); err != nil {
			b.Fatal(err)
		}
		start += t1.Sub(t0)
		stop += time.Since(t1)
	}
	b.ReportMetric(float64(start.Milliseconds())/float64(b.N), "start-ms")
	b.ReportMetric(float64(stop.Milliseconds())/float64(b.N), "stop-ms")
}

// TestCreateDatabase makes a second database on a running server: it is empty, separate
// from the first, and owned by the server's role; a bad name or a second one of the same
// name is refused.
func TestCreateDatabase(t *testing.T) {
	needServer(t)
	srv := start(t, Options{TempDir: tempDir(t)})
	ctx := context.Background()
	if _, err := connect(t, srv.URL()).Exec(ctx, "create table items (id int)"); err != nil {
		t.Fatal(err)
	}
	url, err := srv.CreateDatabase(ctx, "other")
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(srv.URL(), "/app") + "/other"; url != want {
		t.Errorf("CreateDatabase URL %s, want %s", url, want)
	}
	var db, owner string
	var tables int
	conn := connect(t, url)
	if err := conn.QueryRow(ctx, "select current_database(), pg_get_userbyid(datdba), (select count(*) from pg_tables where tablename = 'items') from pg_database where datname = current_database()").Scan(&db, &owner, &tables); err != nil {
		t.Fatal(err)
	}
	if db != "other" || owner != "app" || tables != 0 {
		t.Errorf("database %s owned by %s with %d items tables, want other, app, 0", db, owner, tables)
	}
	if _, err := srv.CreateDatabase(ctx, "other"); err == nil {
		t.Error("a second database named other was created")
	}
	if _, err := srv.CreateDatabase(ctx, "Bad-Name"); err == nil || !strings.Contains(err.Error(), "plain lower-case") {
		t.Errorf("bad name: %v", err)
	}
}
