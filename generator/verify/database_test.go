package verify

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/internal/pgserver"
	"github.com/stackpick/stackpick/generator/render"
)

// fakeProject is testdata/fakeapp.py as a template with database=sqlite.
func fakeProject(t *testing.T, s catalog.Steps) Options {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 is not on PATH")
	}
	app, err := filepath.Abs("testdata/fakeapp.py")
	if err != nil {
		t.Fatal(err)
	}
	py := func(args ...string) []string { return append([]string{"python3", app}, args...) }
	if s.Start == nil {
		s.Start = py()
	}
	if s.Migrate == nil {
		s.Migrate = [][]string{py("migrate")}
	}
	if s.MigrateDown == nil {
		s.MigrateDown = [][]string{py("migrate_down")}
	}
	return Options{
		Dir:      t.TempDir(),
		Template: &catalog.Template{Manifest: catalog.Manifest{ID: "fake", Steps: s}},
		Data:     render.Data{Database: EngineSQLite},
		Only:     map[string]bool{StepMigrations: true, StepPersistence: true},
		TempDir:  t.TempDir(),
	}
}

func stepsByName(rep Report) map[string]Step {
	m := map[string]Step{}
	for _, s := range rep.Steps {
		m[s.Name] = s
	}
	return m
}

// TestDatabaseStepsPassAProjectThatKeepsItsItems runs the database, migrations and
// persistence steps on a project that migrates and keeps items in its SQLite file.
func TestDatabaseStepsPassAProjectThatKeepsItsItems(t *testing.T) {
	o := fakeProject(t, catalog.Steps{})
	rep := Run(context.Background(), o)
	got := stepsByName(rep)
	if !rep.OK || len(rep.Steps) != 3 || rep.Database != EngineSQLite {
		t.Fatalf("report %+v", rep)
	}
	if d := got[StepDatabase].Detail; !strings.HasPrefix(d, "SQLite file "+o.TempDir) || !strings.Contains(d, "the tests make SQLite files of their own") {
		t.Errorf("database step: %q, want a file under %s", d, o.TempDir)
	}
	if c := got[StepMigrations].Commands; len(c) != 3 || !strings.HasSuffix(c[1], "migrate_down") {
		t.Errorf("migrations ran %q, want up, down, up", c)
	}
	if d := got[StepPersistence].Detail; !strings.Contains(d, "read back byte for byte after a restart") {
		t.Errorf("persistence step: %q", d)
	}
	// The project's own data/app.db is never touched, and the temporary files are gone.
	if _, err := os.Stat(filepath.Join(o.Dir, "data")); !os.IsNotExist(err) {
		t.Errorf("verify made %s/data: %v", o.Dir, err)
	}
	if left, _ := os.ReadDir(o.TempDir); len(left) != 0 {
		t.Errorf("left behind in the temporary folder: %v", left)
	}
}

// A project that forgets its items on restart fails the persistence step; one whose
// migrate_down leaves the schema in place fails the migrations step, since /readyz
// still answers 200; one without migrate steps fails it naming the missing step.
func TestDatabaseStepsCatchFaults(t *testing.T) {
	forget := fakeProject(t, catalog.Steps{})
	forget.Template.Steps.Start = []string{"env", "FAKE_FORGET=1", "python3", forget.Template.Steps.Start[1]}
	got := stepsByName(Run(context.Background(), forget))
	if s := got[StepPersistence]; s.OK || !strings.Contains(s.Detail, "after a restart GET /v1/items/") || !strings.Contains(s.Detail, "answered 404") {
		t.Errorf("a project that forgets: %+v", s)
	}

	noDown := fakeProject(t, catalog.Steps{MigrateDown: [][]string{{"true"}}})
	got = stepsByName(Run(context.Background(), noDown))
	if s := got[StepMigrations]; s.OK || !strings.Contains(s.Detail, "after migrate_down, GET /readyz answered 200") {
		t.Errorf("a migrate_down that does nothing: %+v", s)
	}

	none := fakeProject(t, catalog.Steps{Migrate: [][]string{}})
	got = stepsByName(Run(context.Background(), none))
	if s := got[StepMigrations]; s.OK || !strings.Contains(s.Detail, "has no migrate step") {
		t.Errorf("no migrate step: %+v", s)
	}
}

// TestDatabases hands out SQLite files in the contract's absolute form, the user's URL
// as given, and, with the server programs, distinct empty PostgreSQL databases on one
// throwaway server that Close stops.
func TestDatabases(t *testing.T) {
	ctx := context.Background()
	dbs := &Databases{TempDir: t.TempDir(), PostgresURL: "postgresql://u:secret@db.example:5432/x"}
	a, _ := dbs.New(ctx, EngineSQLite, "My App!")
	b, _ := dbs.New(ctx, EngineSQLite, "My App!")
	if !strings.HasPrefix(a.URL, "sqlite:////") || !strings.HasSuffix(a.URL, "/my_app-1.db") || a.URL == b.URL {
		t.Errorf("SQLite URLs %s and %s", a.URL, b.URL)
	}
	if env := a.Env(true); len(env) != 2 || env[0] != "DATABASE_URL="+a.URL || env[1] != "MIGRATE_ON_START=1" {
		t.Errorf("Env(true) = %q", env)
	}
	if m, err := dbs.New(ctx, "memory", "x"); m != nil || err != nil || m.Env(true) != nil {
		t.Errorf("memory: %v %v", m, err)
	}
	p, _ := dbs.New(ctx, EnginePostgres, "x")
	if p.URL != dbs.PostgresURL || strings.Contains(p.Where, "secret") {
		t.Errorf("given URL: %+v", p)
	}
	if err := dbs.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(strings.TrimPrefix(a.URL, "sqlite:///")); err == nil {
		t.Error("Close left the SQLite folder")
	}

	if _, err := pgserver.Find(); err != nil {
		t.Logf("no PostgreSQL server programs: %v", err)
		if err := (&Databases{Otherwise: UseYourOwn}).CheckPostgres(); err == nil || !strings.Contains(err.Error(), "or set DATABASE_URL") {
			t.Errorf("CheckPostgres without a server: %v", err)
		}
		return
	}
	if testing.Short() {
		return
	}
	dbs = &Databases{}
	defer dbs.Close()
	one, err := dbs.New(ctx, EnginePostgres, "app")
	if err != nil {
		t.Fatal(err)
	}
	two, err := dbs.New(ctx, EnginePostgres, "test")
	if err != nil {
		t.Fatal(err)
	}
	if one.URL == two.URL || !strings.HasSuffix(one.URL, "/app_1") || !strings.HasSuffix(two.URL, "/test_2") || strings.Contains(one.Where, "@") {
		t.Errorf("PostgreSQL databases %+v and %+v", one, two)
	}
}
