package answers

import (
	"errors"
	"strings"
	"testing"
)

// fakeAsker answers every question with a fixed value and counts the questions.
type fakeAsker struct {
	answer string
	asked  []string
}

func (f *fakeAsker) Ask(q *Question, def string) (string, error) {
	f.asked = append(f.asked, q.ID)
	return f.answer, nil
}

func testSchema() *Schema { return NewSchema(testSchemaOptions()) }

// testSchemaOptions mirrors what the templates' manifests declare.
func testSchemaOptions() Options {
	return Options{
		Stacks:    []Value{{ID: "node"}, {ID: "python"}},
		Templates: []Value{{ID: "node-express"}, {ID: "python-fastapi"}},
		Features:  []Value{{ID: "docker"}, {ID: "ci"}, {ID: "websocket"}},
		FeatureDefaults: map[string][]string{
			"default": {"docker", "ci"}, "workload=realtime": {"websocket"}, "workload=streaming": {"websocket"},
		},
	}
}

func TestPrecedence(t *testing.T) {
	// One row per situation: which sources hold a value for "workload", whether both
	// ends are terminals (tty), whether --yes is given; the value and source that win.
	tests := []struct {
		name            string
		flag, file, env string
		tty, yes        bool
		want            string
		wantSrc         Source
		wantAsked       bool
		wantMissing     bool
	}{
		{name: "flag beats all", flag: "realtime", file: "ml", env: "compute", tty: true, yes: true, want: "realtime", wantSrc: FromFlag},
		{name: "file beats env", file: "ml", env: "compute", tty: true, yes: true, want: "ml", wantSrc: FromFile},
		{name: "env beats prompt", env: "compute", tty: true, want: "compute", wantSrc: FromEnv},
		{name: "prompt on a terminal", tty: true, want: "streaming", wantSrc: FromPrompt, wantAsked: true},
		{name: "--yes on a terminal takes the default and asks nothing", tty: true, yes: true, want: "api", wantSrc: FromDefault},
		{name: "default with --yes and no terminal", yes: true, want: "api", wantSrc: FromDefault},
		{name: "missing without terminal or --yes", wantMissing: true},
		{name: "env without terminal", env: "scripting", want: "scripting", wantSrc: FromEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSchema()
			r := &Resolver{Schema: s, Flags: map[string]string{}, File: map[string]string{}, UseDefaults: tt.yes}
			if tt.flag != "" {
				r.Flags["workload"] = tt.flag
			}
			if tt.file != "" {
				r.File["workload"] = tt.file
			}
			r.Env = func(k string) (string, bool) {
				if k == "STACKPICK_WORKLOAD" && tt.env != "" {
					return tt.env, true
				}
				return "", false
			}
			ask := &fakeAsker{answer: "streaming"}
			if tt.tty {
				r.Asker = ask
			}
			a := New()
			err := r.Resolve(a, "workload")
			var missing *MissingError
			if tt.wantMissing {
				if !errors.As(err, &missing) || missing.Questions[0].ID != "workload" {
					t.Fatalf("want a MissingError naming workload, got %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Get("workload") != tt.want || a.Source("workload") != tt.wantSrc {
				t.Errorf("got %s from %s, want %s from %s", a.Get("workload"), a.Source("workload"), tt.want, tt.wantSrc)
			}
			if (len(ask.asked) > 0) != tt.wantAsked {
				t.Errorf("asked %v, want asked=%v", ask.asked, tt.wantAsked)
			}
		})
	}
}

func TestMissingListsEveryKey(t *testing.T) {
	s := testSchema()
	r := &Resolver{Schema: s, Env: func(string) (string, bool) { return "", false }}
	a := New()
	err := r.Resolve(a, "workload", "team_language", "name", "features")
	var missing *MissingError
	if !errors.As(err, &missing) || len(missing.Questions) != 4 {
		t.Fatalf("got %v", err)
	}
	msg := err.Error()
	for _, want := range []string{"workload, team_language, name, features", "--set workload=api", "STACKPICK_TEAM_LANGUAGE", "--yes", "--answers"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

func TestInvalidValuesNameTheFix(t *testing.T) {
	s := testSchema()
	for _, tt := range []struct {
		key, value, want string
	}{
		{"workload", "realtme", `invalid workload value "realtme" (did you mean "realtime"?); allowed values: api, realtime`},
		{"features", "docker,cii", `invalid features value "cii" (did you mean "ci"?)`},
		{"js_frontend", "maybe", `allowed values: yes, no`},
		{"name", "My App", `try "my-app"`},
		{"stack", "go", `allowed values: auto, node, python`},
	} {
		r := &Resolver{Schema: s, Flags: map[string]string{tt.key: tt.value}}
		err := r.Resolve(New(), tt.key)
		var invalid *InvalidError
		if !errors.As(err, &invalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s=%s: got %v, want it to contain %q", tt.key, tt.value, err, tt.want)
		}
		if !strings.Contains(err.Error(), "--set "+tt.key) {
			t.Errorf("%s=%s: the error does not say where the value came from: %v", tt.key, tt.value, err)
		}
	}
	r := &Resolver{Schema: s, Flags: map[string]string{"wrokload": "api"}}
	if err := r.CheckFlags(); err == nil || !strings.Contains(err.Error(), `unknown key "wrokload" (did you mean "workload"?)`) {
		t.Errorf("unknown key: got %v", err)
	}
}

func TestDefaults(t *testing.T) {
	o := testSchemaOptions()
	o.DefaultName = "My Service"
	s := NewSchema(o)
	for workload, want := range map[string]string{"realtime": "docker,ci,websocket", "streaming": "docker,ci,websocket", "api": "docker,ci", "ml": "docker,ci"} {
		r := &Resolver{Schema: s, Flags: map[string]string{"workload": workload}, UseDefaults: true}
		a := New()
		if err := r.Resolve(a, "workload", "name", "features"); err != nil {
			t.Fatal(err)
		}
		if a.Get("features") != want || a.Get("name") != "my-service" {
			t.Errorf("workload %s: features %q name %q, want %q and my-service", workload, a.Get("features"), a.Get("name"), want)
		}
	}
	// Lists are normalised to schema order without duplicates; empty is allowed.
	r := &Resolver{Schema: s, Flags: map[string]string{"features": "websocket, docker,docker"}}
	a := New()
	if err := r.Resolve(a, "features"); err != nil || a.Get("features") != "docker,websocket" {
		t.Errorf("got %q, %v", a.Get("features"), err)
	}
	r = &Resolver{Schema: s, Flags: map[string]string{"features": ""}}
	if err := r.Resolve(a, "features"); err != nil {
		t.Errorf("empty features: %v", err)
	}
}

func TestGivenAsksNothing(t *testing.T) {
	s := testSchema()
	ask := &fakeAsker{answer: "api"}
	r := &Resolver{Schema: s, Flags: map[string]string{"scale": "massive"}, Asker: ask, UseDefaults: true}
	a := New()
	if err := r.Given(a, "workload", "scale"); err != nil {
		t.Fatal(err)
	}
	if a.Has("workload") || a.Get("scale") != "massive" || len(ask.asked) > 0 {
		t.Errorf("Given: answers %v, asked %v", a.Strings(), ask.asked)
	}
}
