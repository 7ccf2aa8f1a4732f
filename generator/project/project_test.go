package project

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/templates"
)

func testCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// countingAsker answers every question with its default and counts the questions.
type countingAsker struct{ asked []string }

func (a *countingAsker) Ask(q *answers.Question, def string) (string, error) {
	a.asked = append(a.asked, q.ID)
	return def, nil
}

func TestResolveChecksTheTargetBeforeAnyQuestion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "orders")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	asker := &countingAsker{}
	_, err := Resolve(Request{Catalog: testCatalog(t), Dir: dir, Policy: generator.PolicyError, Sources: Sources{Asker: asker}})
	var conflict *generator.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("got %v, want a conflict", err)
	}
	if len(asker.asked) != 0 {
		t.Fatalf("asked %v before refusing the target", asker.asked)
	}
}

func TestResolveWithoutDirChecksTheNamedFolderBeforeAskingOn(t *testing.T) {
	wd := t.TempDir()
	t.Chdir(wd)
	if err := os.MkdirAll("taken/src", 0o755); err != nil {
		t.Fatal(err)
	}
	asker := &countingAsker{}
	p, err := Resolve(Request{Catalog: testCatalog(t), Policy: generator.PolicyError,
		Sources: Sources{Sets: []string{"name=taken", "stack=node"}, Asker: asker}})
	var conflict *generator.ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("got %v, want a conflict", err)
	}
	if strings.Contains(strings.Join(asker.asked, ","), "description") {
		t.Fatalf("asked %v after the name's folder was refused", asker.asked)
	}
	if p == nil || p.Answers.Get(answers.KeyStack) != "node" {
		t.Fatalf("the answers so far are not returned with the error: %+v", p)
	}
}

func TestRecordRoundTrip(t *testing.T) {
	cat := testCatalog(t)
	dir := filepath.Join(t.TempDir(), "svc")
	p, err := Resolve(Request{Catalog: cat, Dir: dir, Policy: generator.PolicyError,
		Sources: Sources{Sets: []string{"workload=realtime", "description=Live \"scores\""}, UseDefaults: true}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Recommendation == nil || p.Template.Stack != p.Recommendation.Stack {
		t.Fatalf("the recommended stack was not taken: %+v", p.Recommendation)
	}
	plan, err := p.Plan("stackpick test")
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.Check(generator.PolicyError); err != nil {
		t.Fatal(err)
	}
	if err := generator.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	back, err := FromRecord(cat, dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Template.ID != p.Template.ID || back.Data.Description != `Live "scores"` || !back.Data.Features["websocket"] {
		t.Fatalf("loaded %s %+v, want the generated project's template and data", back.Template.ID, back.Data)
	}
	if back.Replayed == nil || back.Replayed.GeneratedBy != "stackpick test" || !strings.HasPrefix(back.Replayed.TemplateDigest, "sha256:") {
		t.Fatalf("the record's origin: %+v", back.Replayed)
	}
	replan, err := back.Plan("stackpick test")
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range replan.Files {
		if string(f.Data) != string(plan.Files[i].Data) {
			t.Fatalf("%s renders differently from its record", f.Path)
		}
	}
	var notProject *NotAProjectError
	if _, err := FromRecord(cat, t.TempDir()); !errors.As(err, &notProject) {
		t.Fatalf("a folder without a record: got %v", err)
	}
}

func TestSeveralSharesAnswersAndChecksEveryTemplate(t *testing.T) {
	cat := testCatalog(t)
	var all []*catalog.Template
	for _, s := range cat.Stacks() {
		all = append(all, cat.ForStack(s))
	}
	ps, err := Several(cat, Sources{Sets: []string{"workload=streaming"}, UseDefaults: true}, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if !p.Data.Features["websocket"] || p.Answers.Get(answers.KeyTemplate) != p.Template.ID {
			t.Errorf("%s: %+v", p.Template.ID, p.Data)
		}
	}
	_, err = Several(cat, Sources{Sets: []string{"features=docker,kubernetes"}, UseDefaults: true}, all)
	var invalid *answers.InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("an unknown feature: got %v", err)
	}
}

func TestSourcesRefuseBadInputAlike(t *testing.T) {
	cat := testCatalog(t)
	for _, tt := range []struct {
		src  Sources
		want string
	}{
		{Sources{Sets: []string{"workload"}}, "want key=value"},
		{Sources{Sets: []string{"name=a", "name=b"}}, "given twice"},
		{Sources{Sets: []string{"stack=node"}, Dedicated: []Dedicated{{Flag: "--stack", Key: "stack", Value: "python"}}}, "disagree"},
		{Sources{Dedicated: []Dedicated{{Flag: "--stack", Key: "stack", Value: "ruby"}}}, "--stack: invalid stack"},
		{Sources{Sets: []string{"js_frontend=maybe"}}, "invalid js_frontend"},
		{Sources{Sets: []string{"name=Foo"}}, "invalid name"},
	} {
		_, err := Decide(cat, tt.src, nil)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: got %v, want %q", tt.src, err, tt.want)
		}
	}
	rec, err := Decide(cat, Sources{Sets: []string{"js_frontend=true"}, UseDefaults: true}, nil)
	if err != nil || rec.Answers["js_frontend"] != "yes" {
		t.Fatalf("a boolean for a yes/no question: %v %v", rec, err)
	}
}

// TestDatabaseAnswer: sqlite by default and recorded; a record written before the
// question existed replays as the in-memory store it was generated with; bare
// templates (no databases) render without one.
func TestDatabaseAnswer(t *testing.T) {
	cat := testCatalog(t)
	dir := filepath.Join(t.TempDir(), "svc")
	p, err := Resolve(Request{Catalog: cat, Dir: dir, Policy: generator.PolicyError,
		Sources: Sources{Sets: []string{"stack=node"}, UseDefaults: true}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Data.Database != "sqlite" || p.Answers.Source(answers.KeyDatabase) != answers.FromDefault {
		t.Fatalf("default database %q from %s, want sqlite by default", p.Data.Database, p.Answers.Source(answers.KeyDatabase))
	}
	plan, err := p.Plan("stackpick test")
	if err != nil {
		t.Fatal(err)
	}
	if err := generator.Apply(context.Background(), plan); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(dir, answers.RecordName)
	b, err := os.ReadFile(record)
	if err != nil || !strings.Contains(string(b), "\ndatabase: sqlite\n") {
		t.Fatalf("record %s: %v", b, err)
	}
	old := strings.Replace(string(b), "database: sqlite\n", "", 1)
	if err := os.WriteFile(record, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := FromRecord(cat, dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Data.Database != "memory" {
		t.Errorf("a record without database replays as %q, want memory (what it was generated with)", back.Data.Database)
	}
	bare := ForTemplate(p.Schema, p.Answers, cat.ByID("bare-node-express"))
	if bare.Data.Database != "" {
		t.Errorf("bare template data has database %q", bare.Data.Database)
	}
	var all []*catalog.Template
	for _, s := range cat.Stacks() {
		all = append(all, cat.ForStack(s))
	}
	ps, err := Several(cat, Sources{Sets: []string{"database=postgres"}, UseDefaults: true}, all)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Data.Database != "postgres" {
			t.Errorf("%s: database %q, want the shared answer postgres", p.Template.ID, p.Data.Database)
		}
	}
	var invalid *answers.InvalidError
	if _, err := Several(cat, Sources{Sets: []string{"database=mysql"}, UseDefaults: true}, all); !errors.As(err, &invalid) || invalid.Key != answers.KeyDatabase {
		t.Fatalf("an unknown database: got %v", err)
	}
}
