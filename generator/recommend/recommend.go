// Package recommend scores Node.js against Python on the criteria of the comparison
// the tool follows. It is pure: the weights are an embedded data file, the same
// answers always give the same result, and it does no I/O.
package recommend

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed weights.yml
var weightsYAML []byte

// The stacks the comparison scores. The catalog's templates name them in their
// manifests; the criteria of the document only know these two.
const (
	Node   = "node"
	Python = "python"
)

// Confidence values.
const (
	Clear = "clear"
	Close = "close"
)

// Criterion is one section of the document.
type Criterion struct {
	ID     string  `yaml:"id"`
	Title  string  `yaml:"title"`
	Weight float64 `yaml:"weight"`
	Note   string  `yaml:"note"`
}

// Effect is the points one answer gives one stack on one criterion.
type Effect struct {
	Question  string  `yaml:"question"`
	Value     string  `yaml:"value"`
	Criterion string  `yaml:"criterion"`
	Node      float64 `yaml:"node"`
	Python    float64 `yaml:"python"`
	Reason    string  `yaml:"reason"`
	Caveat    string  `yaml:"caveat"`
}

// TieBreak decides equal totals.
type TieBreak struct {
	Question  string            `yaml:"question"`
	Stacks    map[string]string `yaml:"stacks"`
	Otherwise string            `yaml:"otherwise"`
	Reason    string            `yaml:"reason"`
}

// Model is the whole weights file.
type Model struct {
	Criteria    []Criterion `yaml:"criteria"`
	Effects     []Effect    `yaml:"effects"`
	TieBreak    TieBreak    `yaml:"tie_break"`
	ClosePoints float64     `yaml:"close_points"`
	CloseRatio  float64     `yaml:"close_ratio"`
}

// Default is the model embedded in the binary.
func Default() (*Model, error) {
	var m Model
	dec := yaml.NewDecoder(strings.NewReader(string(weightsYAML)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("recommend: weights.yml: %w", err)
	}
	return &m, nil
}

// Row is one criterion of a recommendation.
type Row struct {
	ID      string   `json:"id"`
	Title   string   `json:"-"`
	Node    float64  `json:"node"`
	Python  float64  `json:"python"`
	Reason  string   `json:"reason"`
	Weight  float64  `json:"-"`
	Note    string   `json:"-"`
	Caveats []string `json:"-"`
}

// Recommendation is the verdict with everything needed to explain it.
type Recommendation struct {
	Stack          string             `json:"stack"`
	Scores         map[string]float64 `json:"scores"`
	Margin         float64            `json:"margin"`
	Confidence     string             `json:"confidence"`
	Criteria       []Row              `json:"criteria"`
	Answers        map[string]any     `json:"answers"`
	WeightsChanged bool               `json:"weights_changed"`
	// TieBroken is set when the totals were equal and the tie-break rule chose.
	TieBroken bool `json:"-"`
	// TieBreakRule is the rule in words; shown whenever a tie was broken.
	TieBreakRule string `json:"-"`
	// ChangedWeights lists each overridden weight as "criterion: old -> new".
	ChangedWeights []string `json:"-"`
}

// WeightError is a --weight override that names no criterion or has a bad number.
type WeightError struct {
	Criterion string
	Value     string
	Known     []string
	Reason    string
}

func (e *WeightError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("--weight %s=%s: %s", e.Criterion, e.Value, e.Reason)
	}
	return fmt.Sprintf("--weight %s=%s: unknown criterion; criteria: %s", e.Criterion, e.Value, strings.Join(e.Known, ", "))
}

// CriterionIDs lists the criteria in the document's order.
func (m *Model) CriterionIDs() []string {
	ids := make([]string, len(m.Criteria))
	for i, c := range m.Criteria {
		ids[i] = c.ID
	}
	return ids
}

// ParseWeights reads --weight values ("criterion=N") into overrides.
func (m *Model) ParseWeights(specs []string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, spec := range specs {
		id, num, ok := strings.Cut(spec, "=")
		if !ok {
			return nil, &WeightError{Criterion: spec, Reason: "want criterion=N, e.g. speed=2"}
		}
		if !slices.Contains(m.CriterionIDs(), id) {
			return nil, &WeightError{Criterion: id, Value: num, Known: m.CriterionIDs()}
		}
		w, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsNaN(w) || w < 0 || w > 100 {
			return nil, &WeightError{Criterion: id, Value: num, Reason: "the weight must be a number from 0 to 100"}
		}
		out[id] = w
	}
	return out, nil
}

// Recommend scores the decision answers (question id -> value). Overrides replace
// criterion weights. Answers the model does not know are ignored; the answers
// package validates them before they get here.
func (m *Model) Recommend(answers map[string]string, overrides map[string]float64) Recommendation {
	rec := Recommendation{Scores: map[string]float64{Node: 0, Python: 0}}
	for _, c := range m.Criteria {
		w := c.Weight
		if o, ok := overrides[c.ID]; ok {
			if o != w {
				rec.WeightsChanged = true
				rec.ChangedWeights = append(rec.ChangedWeights, fmt.Sprintf("%s: %s -> %s", c.ID, fmtNum(w), fmtNum(o)))
			}
			w = o
		}
		row := Row{ID: c.ID, Title: c.Title, Weight: w, Note: c.Note}
		var moving, neutral []string
		for _, e := range m.Effects {
			if e.Criterion != c.ID || answers[e.Question] != e.Value {
				continue
			}
			row.Node += e.Node * w
			row.Python += e.Python * w
			if e.Node != 0 || e.Python != 0 {
				moving = append(moving, strings.TrimSuffix(e.Reason, "."))
			} else {
				neutral = append(neutral, strings.TrimSuffix(e.Reason, "."))
			}
			if e.Caveat != "" {
				row.Caveats = append(row.Caveats, e.Caveat)
			}
		}
		row.Node, row.Python = round(row.Node), round(row.Python)
		switch {
		case len(moving) > 0:
			row.Reason = strings.Join(moving, "; ") + "."
		case len(neutral) > 0:
			row.Reason = strings.Join(neutral, "; ") + "."
		default:
			row.Reason = m.unmovedReason(c.ID)
		}
		rec.Scores[Node] += row.Node
		rec.Scores[Python] += row.Python
		rec.Criteria = append(rec.Criteria, row)
	}
	rec.Scores[Node], rec.Scores[Python] = round(rec.Scores[Node]), round(rec.Scores[Python])
	n, p := rec.Scores[Node], rec.Scores[Python]
	rec.Margin = round(math.Abs(n - p))
	switch {
	case n > p:
		rec.Stack = Node
	case p > n:
		rec.Stack = Python
	default:
		rec.TieBroken = true
		rec.Stack = m.TieBreak.Otherwise
		if s, ok := m.TieBreak.Stacks[answers[m.TieBreak.Question]]; ok {
			rec.Stack = s
		}
	}
	rec.TieBreakRule = m.TieBreak.Reason
	rec.Confidence = Clear
	if rec.Margin < m.ClosePoints || rec.Margin < m.CloseRatio*math.Max(n, p) {
		rec.Confidence = Close
	}
	return rec
}

// unmovedReason explains a criterion no answer moved by naming the answers that would.
func (m *Model) unmovedReason(criterion string) string {
	var would []string
	for _, e := range m.Effects {
		if e.Criterion != criterion || (e.Node == 0 && e.Python == 0) {
			continue
		}
		stack := "Node"
		if e.Python > e.Node {
			stack = "Python"
		}
		would = append(would, fmt.Sprintf("%s=%s (%s)", e.Question, e.Value, stack))
	}
	if len(would) == 0 {
		return "No answer bears on this criterion."
	}
	return "None of the answers bears on this criterion; it moves with " + strings.Join(would, ", ") + "."
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
