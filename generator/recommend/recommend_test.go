package recommend_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/recommend"
	"github.com/stackpick/stackpick/templates"
	"go.yaml.in/yaml/v3"
)

func model(t *testing.T) *recommend.Model {
	t.Helper()
	m, err := recommend.Default()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// allCombinations calls f with every combination of the decision answers.
func allCombinations(s *answers.Schema, f func(map[string]string)) {
	qs := s.Decisions()
	a := map[string]string{}
	var walk func(i int)
	walk = func(i int) {
		if i == len(qs) {
			f(a)
			return
		}
		for _, v := range qs[i].Allowed() {
			a[qs[i].ID] = v
			walk(i + 1)
		}
	}
	walk(0)
}

// defaults are the decision answers --yes takes, every one marked defaulted.
func defaults(s *answers.Schema) (map[string]string, map[string]bool) {
	a, d := map[string]string{}, map[string]bool{}
	for _, q := range s.Decisions() {
		a[q.ID], d[q.ID] = q.Default, true
	}
	return a, d
}

// top is the highest total.
func top(scores map[string]float64) float64 {
	best := 0.0
	for _, v := range scores {
		best = max(best, v)
	}
	return best
}

func TestPersonas(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/personas/personas.yml")
	if err != nil {
		t.Fatal(err)
	}
	var personas []struct {
		Name       string            `yaml:"name"`
		Answers    map[string]string `yaml:"answers"`
		Defaulted  []string          `yaml:"defaulted"`
		Stack      string            `yaml:"stack"`
		Confidence string            `yaml:"confidence"`
		Basis      string            `yaml:"basis"`
	}
	if err := yaml.Unmarshal(raw, &personas); err != nil {
		t.Fatal(err)
	}
	if len(personas) < 5 {
		t.Fatalf("only %d personas", len(personas))
	}
	m := model(t)
	for _, p := range personas {
		t.Run(p.Name, func(t *testing.T) {
			in := recommend.Input{Answers: p.Answers, Defaulted: map[string]bool{}}
			for _, id := range p.Defaulted {
				in.Defaulted[id] = true
			}
			rec := m.Recommend(in)
			if rec.Stack != p.Stack || rec.Confidence != p.Confidence {
				t.Errorf("got %s (%s, scores %v), want %s (%s)", rec.Stack, rec.Confidence, rec.Scores, p.Stack, p.Confidence)
			}
			if p.Basis != "" && rec.Basis != p.Basis {
				t.Errorf("rests on %s (given answers alone: %v), want %s", rec.Basis, rec.GivenScores, p.Basis)
			}
		})
	}
}

// TestEveryAnswerIsModelled checks the weights file against the public question
// schema and the catalog: the stacks are the templates' stacks, every decision value
// has at least one effect (neutral ones included), and every effect names a real
// question and value.
func TestEveryAnswerIsModelled(t *testing.T) {
	m := model(t)
	s := answers.NewSchema(answers.Options{})
	want := []string{"architecture", "scalability", "universality", "syntax", "learning_curve", "speed", "data_processing", "performance", "community", "popularity"}
	if got := m.CriterionIDs(); !slices.Equal(got, want) {
		t.Fatalf("criteria %v, want the comparison's order %v", got, want)
	}
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slices.Sorted(slices.Values(m.Stacks)), slices.Sorted(slices.Values(cat.Stacks())); !slices.Equal(got, want) {
		t.Errorf("weights.yml scores stacks %v, the catalog has templates for %v", got, want)
	}
	seen := map[string]bool{}
	for _, e := range m.Effects {
		q, ok := s.Lookup(e.Question)
		if !ok || !q.Decision || !slices.Contains(q.Allowed(), e.Value) {
			t.Errorf("effect for unknown answer %s=%s", e.Question, e.Value)
		}
		if strings.Contains(e.Reason, e.Question+"=") || strings.Contains(strings.ToLower(e.Reason), "the document") {
			t.Errorf("effect %s=%s: the reason repeats the answer or cites an unnamed document: %q", e.Question, e.Value, e.Reason)
		}
		seen[e.Question+"="+e.Value] = true
	}
	for _, q := range s.Decisions() {
		for _, v := range q.Allowed() {
			if !seen[q.ID+"="+v] {
				t.Errorf("answer %s=%s has no effect in weights.yml (add a neutral one)", q.ID, v)
			}
		}
	}
	if m.Source.Title == "" || m.Source.Summary == "" {
		t.Errorf("weights.yml names no source: %+v", m.Source)
	}
	if _, err := os.Stat("../../" + m.Source.Summary); err != nil {
		t.Errorf("the source's summary: %v", err)
	}
}

func TestLoadRejects(t *testing.T) {
	const base = `
stacks: [a, b]
criteria: [{id: c1, title: C1, weight: 1}]
tie_break: {question: q, stacks: {x: a}, otherwise: b, reason: r}
`
	for _, tt := range []struct{ name, yaml, want string }{
		{"one stack", "stacks: [a]\ncriteria: []\ntie_break: {otherwise: a}\n", "at least two"},
		{"reserved stack id", "stacks: [a, reason]\ncriteria: []\ntie_break: {otherwise: a}\n", `"reason" is empty, reserved`},
		{"repeated stack", "stacks: [a, a]\ncriteria: []\ntie_break: {otherwise: a}\n", "repeated"},
		{"unknown stack in an effect", base + "effects: [{question: q, value: x, criterion: c1, points: {z: 1}, reason: r}]\n", `unknown stack "z"`},
		{"points to two stacks", base + "effects: [{question: q, value: x, criterion: c1, points: {a: 1, b: 1}, reason: r}]\n", "more than one stack"},
		{"negative points", base + "effects: [{question: q, value: x, criterion: c1, points: {a: -1}, reason: r}]\n", "negative"},
		{"unknown criterion", base + "effects: [{question: q, value: x, criterion: c9, points: {a: 1}, reason: r}]\n", "unknown criterion"},
		{"no reason", base + "effects: [{question: q, value: x, criterion: c1, points: {a: 1}}]\n", "no reason"},
		{"unknown field", base + "effects: []\nnode: 1\n", "field node not found"},
		{"tie to an unknown stack", "stacks: [a, b]\ncriteria: []\ntie_break: {otherwise: c}\n", `tie_break: unknown stack "c"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := recommend.Load([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// threeStacks is a model with a third stack, to show that nothing in the engine
// knows the stacks: they come from the data.
const threeStacks = `
stacks: [go, node, python]
criteria:
  - {id: speed, title: Speed, weight: 1}
  - {id: syntax, title: Syntax, weight: 2}
tie_break: {question: team, stacks: {gophers: go}, otherwise: python, reason: Ties go to the team's language.}
close_points: 1
close_ratio: 0
effects:
  - {question: workload, value: compute, criterion: speed, points: {go: 3}, reason: compiled.}
  - {question: workload, value: api, criterion: speed, points: {node: 1}, reason: event loop.}
  - {question: priority, value: simplicity, criterion: syntax, points: {python: 1}, reason: readable.}
  - {question: priority, value: speed, criterion: speed, points: {go: 1}, reason: fast.}
  - {question: team, value: gophers, criterion: syntax, reason: neutral.}
`

func TestStacksComeFromData(t *testing.T) {
	m, err := recommend.Load([]byte(threeStacks))
	if err != nil {
		t.Fatal(err)
	}
	r := m.Recommend(recommend.Input{Answers: map[string]string{"workload": "compute", "priority": "simplicity"}})
	if r.Stack != "go" || r.Scores["go"] != 3 || r.Scores["python"] != 2 || r.Scores["node"] != 0 || r.Margin != 1 {
		t.Fatalf("got %s %v margin %g", r.Stack, r.Scores, r.Margin)
	}
	if !slices.Equal(r.Ranking, []string{"go", "python", "node"}) || r.RunnerUp() != "python" {
		t.Errorf("ranking %v", r.Ranking)
	}
	raw, err := json.Marshal(r.Criteria[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"speed","go":3,"node":0,"python":0,"reason":"workload=compute: compiled.","caveats":[]}`; string(raw) != want {
		t.Errorf("row JSON\n got %s\nwant %s", raw, want)
	}
	// api gives node 1, simplicity python 2: a tie between two of three stacks, and
	// the tie rule's answer names a stack that is not tied, so otherwise decides.
	r = m.Recommend(recommend.Input{Answers: map[string]string{"workload": "api", "priority": "simplicity", "team": "gophers"}, Weights: map[string]float64{"syntax": 1}})
	if !r.TieBroken || r.Stack != "python" {
		t.Errorf("tie between node and python: got %s, tie %v, %v", r.Stack, r.TieBroken, r.Scores)
	}
}

// TestMonotonic moves one answer at a time, over every combination of the others:
// for every pair of stacks, a move that raises the lean toward one never lowers its
// total and never raises the other's.
func TestMonotonic(t *testing.T) {
	m := model(t)
	s := answers.NewSchema(answers.Options{})
	for _, weights := range []map[string]float64{nil, {"speed": 3, "community": 0, "performance": 2.5}} {
		combos := 0
		allCombinations(s, func(base map[string]string) {
			combos++
			for _, q := range s.Decisions() {
				orig := base[q.ID]
				var got []map[string]float64
				for _, v := range q.Allowed() {
					base[q.ID] = v
					got = append(got, m.Recommend(recommend.Input{Answers: base, Weights: weights}).Scores)
				}
				base[q.ID] = orig
				for i := range got {
					for j := range got {
						for _, a := range m.Stacks {
							for _, b := range m.Stacks {
								// j leans further toward a than i: a may not drop, b may not rise.
								if a != b && got[j][a]-got[j][b] > got[i][a]-got[i][b] && (got[j][a] < got[i][a] || got[j][b] > got[i][b]) {
									t.Fatalf("%v: moving %s from %s to %s toward %s changed totals %v -> %v",
										base, q.ID, q.Allowed()[i], q.Allowed()[j], a, got[i], got[j])
								}
							}
						}
					}
				}
			}
		})
		if combos != 6*4*2*3*3*7 {
			t.Fatalf("walked %d combinations", combos)
		}
	}
}

func TestDeterministicAndExplained(t *testing.T) {
	m := model(t)
	s := answers.NewSchema(answers.Options{})
	allCombinations(s, func(a map[string]string) {
		in := recommend.Input{Answers: a, Defaulted: map[string]bool{"domain": true}}
		r1, r2 := m.Recommend(in), m.Recommend(in)
		b1, _ := json.Marshal(r1)
		b2, _ := json.Marshal(r2)
		if string(b1) != string(b2) {
			t.Fatalf("%v: two runs differ:\n%s\n%s", a, b1, b2)
		}
		if len(r1.Criteria) != 10 {
			t.Fatalf("%d criteria rows", len(r1.Criteria))
		}
		for _, row := range r1.Criteria {
			if row.Reason == "" {
				t.Fatalf("%v: criterion %s has no reason", a, row.ID)
			}
		}
		if r1.Scores[r1.Stack] != top(r1.Scores) || (!r1.TieBroken && r1.Margin == 0) {
			t.Fatalf("%v: stack %s does not follow the totals %v", a, r1.Stack, r1.Scores)
		}
		if !r1.TieBroken && len(r1.Decisive(3)) == 0 {
			t.Fatalf("%v: %s won but no criterion put it ahead", a, r1.Stack)
		}
	})
}

func TestTieBreak(t *testing.T) {
	m := model(t)
	tie := map[string]string{"workload": "realtime", "team_language": "both", "js_frontend": "no", "priority": "hiring", "scale": "mvp", "domain": "science"}
	r := m.Recommend(recommend.Input{Answers: tie})
	if !r.TieBroken || r.Stack != "python" || r.Margin != 0 || r.Confidence != recommend.Close {
		t.Fatalf("tie: got %+v", r)
	}
	// Weights can make a tie where the team's language decides.
	tie["team_language"] = "javascript"
	r = m.Recommend(recommend.Input{Answers: tie, Weights: map[string]float64{"learning_curve": 0}})
	if !r.TieBroken || r.Stack != "node" {
		t.Fatalf("tie with a JavaScript team: got stack %s, tie %v, scores %v", r.Stack, r.TieBroken, r.Scores)
	}
	// Not a tie: the rule is not applied.
	if r := m.Recommend(recommend.Input{Answers: map[string]string{"workload": "ml"}}); r.TieBroken {
		t.Fatalf("clear python win marked as a tie: %+v", r)
	}
}

func TestWeights(t *testing.T) {
	m := model(t)
	a := map[string]string{"workload": "compute", "team_language": "python", "js_frontend": "no", "priority": "simplicity", "scale": "mvp", "domain": "other"}
	base := m.Recommend(recommend.Input{Answers: a})
	if base.WeightsChanged || base.ChangedWeights == nil || len(base.ChangedWeights) != 0 {
		t.Fatalf("no override, but weights changed: %v %v", base.WeightsChanged, base.ChangedWeights)
	}
	w, err := m.ParseWeights([]string{"speed=10"})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Recommend(recommend.Input{Answers: a, Weights: w})
	want := []recommend.WeightChange{{Criterion: "speed", Old: 1, New: 10}}
	if !r.WeightsChanged || r.Scores["node"] != base.Scores["node"]*10 || !slices.Equal(r.ChangedWeights, want) {
		t.Fatalf("speed=10: got %+v", r)
	}
	if got := r.ChangedWeights[0].String(); got != "speed: 1 -> 10" {
		t.Errorf("change reads %q", got)
	}
	for _, bad := range []string{"sped=2", "speed", "speed=-1", "speed=abc", "speed=NaN", "speed=101"} {
		if _, err := m.ParseWeights([]string{bad}); err == nil {
			t.Errorf("--weight %s accepted", bad)
		}
	}
	// Setting a weight to its current value changes nothing.
	if r := m.Recommend(recommend.Input{Answers: a, Weights: map[string]float64{"speed": 1}}); r.WeightsChanged {
		t.Error("same weight reported as a change")
	}
}

// TestBasis: a verdict says whether it stands on the answers given or on defaults.
func TestBasis(t *testing.T) {
	m := model(t)
	s := answers.NewSchema(answers.Options{})
	for _, tt := range []struct {
		name  string
		given map[string]string // replaces the defaults, and is not defaulted
		stack string
		basis string
	}{
		{"--yes with no answers", nil, "python", recommend.BasisDefaultsOnly},
		{"given answers that score nothing", map[string]string{"team_language": "both", "domain": "other"}, "python", recommend.BasisDefaultsOnly},
		{"a given answer for the other stack, outweighed by a default", map[string]string{"scale": "steady"}, "python", recommend.BasisDefaults},
		{"given answers that decide alone", map[string]string{"workload": "ml"}, "python", recommend.BasisAnswers},
		{"given answers that beat the defaults", map[string]string{"workload": "realtime"}, "node", recommend.BasisAnswers},
		{"everything given", map[string]string{"workload": "api", "team_language": "both", "js_frontend": "no", "priority": "simplicity", "scale": "mvp", "domain": "other"}, "python", recommend.BasisAnswers},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, d := defaults(s)
			for k, v := range tt.given {
				a[k], d[k] = v, false
			}
			r := m.Recommend(recommend.Input{Answers: a, Defaulted: d})
			if r.Stack != tt.stack || r.Basis != tt.basis {
				t.Fatalf("got %s on %s (scores %v, given alone %v), want %s on %s", r.Stack, r.Basis, r.Scores, r.GivenScores, tt.stack, tt.basis)
			}
			if len(r.Defaulted) != 6-len(tt.given) {
				t.Errorf("defaulted %v", r.Defaulted)
			}
			for _, row := range r.Criteria {
				for _, c := range row.Causes {
					if c.Default != d[c.Question] {
						t.Errorf("%s: cause %s marked default=%v", row.ID, c.Answer(), c.Default)
					}
				}
			}
		})
	}
}

func TestDecisive(t *testing.T) {
	m := model(t)
	a := map[string]string{"workload": "realtime", "team_language": "javascript", "js_frontend": "yes", "priority": "performance", "scale": "massive", "domain": "tech"}
	r := m.Recommend(recommend.Input{Answers: a})
	var got []string
	for _, row := range r.Decisive(3) {
		got = append(got, row.ID)
	}
	// Four criteria give node 3; the comparison's order breaks the tie.
	if want := []string{"architecture", "scalability", "universality"}; !slices.Equal(got, want) {
		t.Errorf("decisive %v, want %v", got, want)
	}
}

func TestRecommendationJSON(t *testing.T) {
	m := model(t)
	r := m.Recommend(recommend.Input{
		Answers:   map[string]string{"workload": "streaming", "team_language": "both", "js_frontend": "no", "priority": "simplicity", "scale": "mvp", "domain": "other"},
		Defaulted: map[string]bool{"domain": true, "scale": true},
		Weights:   map[string]float64{"speed": 2},
	})
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Criteria       []map[string]any `json:"criteria"`
		Defaulted      []string         `json:"defaulted"`
		Basis          string           `json:"basis"`
		ChangedWeights []map[string]any `json:"changed_weights"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Defaulted, []string{"scale", "domain"}) || got.Basis != recommend.BasisAnswers {
		t.Errorf("defaulted %v, basis %s", got.Defaulted, got.Basis)
	}
	if len(got.ChangedWeights) != 1 || got.ChangedWeights[0]["criterion"] != "speed" || got.ChangedWeights[0]["old"] != 1.0 || got.ChangedWeights[0]["new"] != 2.0 {
		t.Errorf("changed_weights %v", got.ChangedWeights)
	}
	for _, row := range got.Criteria {
		var keys []string
		for k := range row {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"caveats", "id", "node", "python", "reason"}) {
			t.Fatalf("row %v has keys %v", row["id"], keys)
		}
		if row["id"] == "data_processing" {
			if c, _ := row["caveats"].([]any); len(c) != 1 || !strings.Contains(c[0].(string), "asyncio") {
				t.Errorf("data_processing caveats %v", row["caveats"])
			}
		}
	}
}

// BenchmarkRecommend scores one set of answers with the embedded model, as every
// recommend and new run does once.
func BenchmarkRecommend(b *testing.B) {
	m, err := recommend.Default()
	if err != nil {
		b.Fatal(err)
	}
	in := recommend.Input{Answers: map[string]string{"workload": "realtime", "team_language": "javascript", "js_frontend": "yes", "priority": "performance", "scale": "massive", "domain": "tech"}}
	for b.Loop() {
		m.Recommend(in)
	}
}

// BenchmarkDefault parses and checks the embedded weights file.
func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := recommend.Default(); err != nil {
			b.Fatal(err)
		}
	}
}
