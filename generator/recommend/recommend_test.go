package recommend_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/recommend"
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

func TestPersonas(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/personas/personas.yml")
	if err != nil {
		t.Fatal(err)
	}
	var personas []struct {
		Name       string            `yaml:"name"`
		Answers    map[string]string `yaml:"answers"`
		Stack      string            `yaml:"stack"`
		Confidence string            `yaml:"confidence"`
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
			rec := m.Recommend(p.Answers, nil)
			if rec.Stack != p.Stack || rec.Confidence != p.Confidence {
				t.Errorf("got %s (%s, node %g, python %g), want %s (%s)", rec.Stack, rec.Confidence, rec.Scores["node"], rec.Scores["python"], p.Stack, p.Confidence)
			}
		})
	}
}

// TestEveryAnswerIsModelled checks the weights file against the public question
// schema: every decision value has at least one effect (neutral ones included), and
// every effect names a real question, value and criterion.
func TestEveryAnswerIsModelled(t *testing.T) {
	m := model(t)
	s := answers.NewSchema(answers.Options{})
	want := []string{"architecture", "scalability", "universality", "syntax", "learning_curve", "speed", "data_processing", "performance", "community", "popularity"}
	if got := m.CriterionIDs(); !slices.Equal(got, want) {
		t.Fatalf("criteria %v, want the document's order %v", got, want)
	}
	seen := map[string]bool{}
	for _, e := range m.Effects {
		q, ok := s.Lookup(e.Question)
		if !ok || !q.Decision || !slices.Contains(q.Allowed(), e.Value) {
			t.Errorf("effect for unknown answer %s=%s", e.Question, e.Value)
		}
		if !slices.Contains(want, e.Criterion) {
			t.Errorf("effect %s=%s names unknown criterion %q", e.Question, e.Value, e.Criterion)
		}
		if e.Node < 0 || e.Python < 0 || (e.Node > 0 && e.Python > 0) {
			t.Errorf("effect %s=%s on %s gives points to both stacks or negative points", e.Question, e.Value, e.Criterion)
		}
		if e.Reason == "" {
			t.Errorf("effect %s=%s on %s has no reason", e.Question, e.Value, e.Criterion)
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
}

// TestMonotonic moves one answer at a time, over every combination of the others:
// a move that raises a value's lean toward a stack never lowers that stack's total
// and never raises the other's.
func TestMonotonic(t *testing.T) {
	m := model(t)
	s := answers.NewSchema(answers.Options{})
	for _, weights := range []map[string]float64{nil, {"speed": 3, "community": 0, "performance": 2.5}} {
		combos := 0
		allCombinations(s, func(base map[string]string) {
			combos++
			for _, q := range s.Decisions() {
				orig := base[q.ID]
				type scored struct{ node, python float64 }
				var got []scored
				for _, v := range q.Allowed() {
					base[q.ID] = v
					r := m.Recommend(base, weights)
					got = append(got, scored{r.Scores["node"], r.Scores["python"]})
				}
				base[q.ID] = orig
				for i := range got {
					for j := range got {
						// j leans further toward node than i: node may not drop, python may not rise.
						if got[j].node-got[j].python > got[i].node-got[i].python &&
							(got[j].node < got[i].node || got[j].python > got[i].python) {
							t.Fatalf("%v: moving %s from %s to %s toward node changed totals %v -> %v",
								base, q.ID, q.Allowed()[i], q.Allowed()[j], got[i], got[j])
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
		r1, r2 := m.Recommend(a, nil), m.Recommend(a, nil)
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
		if (r1.Stack == recommend.Node) != (r1.Scores["node"] > r1.Scores["python"] || (r1.TieBroken && r1.Stack == recommend.Node)) {
			t.Fatalf("%v: stack %s does not follow the totals %v", a, r1.Stack, r1.Scores)
		}
	})
}

func TestTieBreak(t *testing.T) {
	m := model(t)
	tie := map[string]string{"workload": "realtime", "team_language": "both", "js_frontend": "no", "priority": "hiring", "scale": "mvp", "domain": "science"}
	r := m.Recommend(tie, nil)
	if !r.TieBroken || r.Stack != recommend.Python || r.Margin != 0 || r.Confidence != recommend.Close {
		t.Fatalf("tie: got %+v", r)
	}
	// Weights can make a tie where the team's language decides.
	tie["team_language"] = "javascript"
	r = m.Recommend(tie, map[string]float64{"learning_curve": 0})
	if !r.TieBroken || r.Stack != recommend.Node {
		t.Fatalf("tie with a JavaScript team: got stack %s, tie %v, scores %v", r.Stack, r.TieBroken, r.Scores)
	}
}

func TestWeights(t *testing.T) {
	m := model(t)
	a := map[string]string{"workload": "compute", "team_language": "python", "js_frontend": "no", "priority": "simplicity", "scale": "mvp", "domain": "other"}
	base := m.Recommend(a, nil)
	if base.WeightsChanged {
		t.Fatal("no override, but weights_changed")
	}
	w, err := m.ParseWeights([]string{"speed=10"})
	if err != nil {
		t.Fatal(err)
	}
	r := m.Recommend(a, w)
	if !r.WeightsChanged || r.Scores["node"] != base.Scores["node"]*10 || len(r.ChangedWeights) != 1 {
		t.Fatalf("speed=10: got %+v", r)
	}
	for _, bad := range []string{"sped=2", "speed", "speed=-1", "speed=abc", "speed=NaN", "speed=101"} {
		if _, err := m.ParseWeights([]string{bad}); err == nil {
			t.Errorf("--weight %s accepted", bad)
		}
	}
	// Setting a weight to its current value changes nothing.
	if r := m.Recommend(a, map[string]float64{"speed": 1}); r.WeightsChanged {
		t.Error("same weight reported as a change")
	}
}
