// Package recommend scores the stacks on the criteria of the comparison the tool
// follows. It is pure: the stacks, criteria, points and reasons are an embedded data
// file, the same input always gives the same result, and it does no I/O. No stack is
// named in Go: adding a stack is a template folder plus entries in weights.yml.
package recommend

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed weights.yml
var weightsYAML []byte

// Confidence values.
const (
	Clear = "clear"
	Close = "close"
)

// Basis values: how far a verdict depends on answers that were defaulted.
const (
	// BasisAnswers: the answers that were given pick the same stack on their own.
	BasisAnswers = "answers"
	// BasisDefaults: the given answers alone would pick another stack or tie; the
	// defaults tip the verdict.
	BasisDefaults = "defaults"
	// BasisDefaultsOnly: no given answer scored; the verdict rests on defaults alone.
	BasisDefaultsOnly = "defaults_only"
)

// Source names the comparison the criteria come from and where it is summarised.
type Source struct {
	Title   string `yaml:"title"`
	Kind    string `yaml:"kind"`
	Summary string `yaml:"summary"`
}

// Criterion is one section of the comparison.
type Criterion struct {
	ID     string  `yaml:"id"`
	Title  string  `yaml:"title"`
	Weight float64 `yaml:"weight"`
	Note   string  `yaml:"note"`
}

// Effect is the points one answer gives one stack on one criterion. An effect with
// no points records that the answer is neutral there.
type Effect struct {
	Question  string             `yaml:"question"`
	Value     string             `yaml:"value"`
	Criterion string             `yaml:"criterion"`
	Points    map[string]float64 `yaml:"points"`
	Reason    string             `yaml:"reason"`
	Caveat    string             `yaml:"caveat"`
}

// Stack is the stack the effect gives points to, or "" when it is neutral.
func (e Effect) Stack() string {
	for s, p := range e.Points {
		if p > 0 {
			return s // Load checks that at most one stack gets points.
		}
	}
	return ""
}

// TieBreak decides equal totals: the stack the answer to Question maps to, else
// Otherwise, else the first tied stack in the file's order.
type TieBreak struct {
	Question  string            `yaml:"question"`
	Stacks    map[string]string `yaml:"stacks"`
	Otherwise string            `yaml:"otherwise"`
	Reason    string            `yaml:"reason"`
}

// Model is the whole weights file.
type Model struct {
	Source      Source      `yaml:"source"`
	Stacks      []string    `yaml:"stacks"`
	Criteria    []Criterion `yaml:"criteria"`
	Effects     []Effect    `yaml:"effects"`
	TieBreak    TieBreak    `yaml:"tie_break"`
	ClosePoints float64     `yaml:"close_points"`
	CloseRatio  float64     `yaml:"close_ratio"`
}

// Default is the model embedded in the binary.
func Default() (*Model, error) { return Load(weightsYAML) }

// reserved are the row fields a stack id may not take, since a row's JSON has a
// member per stack beside them.
var reserved = []string{"id", "reason", "caveats"}

// Load reads and checks a weights file.
func Load(data []byte) (*Model, error) {
	var m Model
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("recommend: weights.yml: %w", err)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("recommend: weights.yml: %w", err)
	}
	return &m, nil
}

func (m *Model) check() error {
	if len(m.Stacks) < 2 {
		return fmt.Errorf("stacks: want at least two, got %v", m.Stacks)
	}
	for i, s := range m.Stacks {
		if s == "" || slices.Contains(reserved, s) || slices.Contains(m.Stacks[:i], s) {
			return fmt.Errorf("stacks: %q is empty, reserved (%s) or repeated", s, strings.Join(reserved, ", "))
		}
	}
	for i, c := range m.Criteria {
		if c.ID == "" || c.Weight < 0 || slices.ContainsFunc(m.Criteria[:i], func(o Criterion) bool { return o.ID == c.ID }) {
			return fmt.Errorf("criterion %q: empty or repeated id, or negative weight", c.ID)
		}
	}
	for _, e := range m.Effects {
		where := fmt.Sprintf("effect %s=%s on %s", e.Question, e.Value, e.Criterion)
		if !slices.Contains(m.CriterionIDs(), e.Criterion) {
			return fmt.Errorf("%s: unknown criterion", where)
		}
		scored := 0
		for s, p := range e.Points {
			if !slices.Contains(m.Stacks, s) {
				return fmt.Errorf("%s: unknown stack %q; stacks: %s", where, s, strings.Join(m.Stacks, ", "))
			}
			if p < 0 || math.IsNaN(p) {
				return fmt.Errorf("%s: negative points", where)
			}
			if p > 0 {
				scored++
			}
		}
		// One stack per effect keeps the engine monotonic: moving an answer toward a
		// stack never lowers that stack's total.
		if scored > 1 {
			return fmt.Errorf("%s: gives points to more than one stack", where)
		}
		if e.Reason == "" {
			return fmt.Errorf("%s: no reason", where)
		}
	}
	for _, s := range append(mapValues(m.TieBreak.Stacks), m.TieBreak.Otherwise) {
		if !slices.Contains(m.Stacks, s) {
			return fmt.Errorf("tie_break: unknown stack %q", s)
		}
	}
	return nil
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// CriterionIDs lists the criteria in the comparison's order.
func (m *Model) CriterionIDs() []string {
	ids := make([]string, len(m.Criteria))
	for i, c := range m.Criteria {
		ids[i] = c.ID
	}
	return ids
}

// Questions lists the questions the effects name, in the order they first appear.
func (m *Model) Questions() []string {
	var qs []string
	for _, e := range m.Effects {
		if !slices.Contains(qs, e.Question) {
			qs = append(qs, e.Question)
		}
	}
	return qs
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

// Input is what a recommendation is computed from.
type Input struct {
	// Answers maps decision question ids to values. Answers the model does not
	// know are ignored; the answers package validates them before they get here.
	Answers map[string]string
	// Defaulted holds the ids of the answers that are defaults (--yes), not given
	// by flag, file, environment or prompt.
	Defaulted map[string]bool
	// Weights overrides criterion weights (--weight).
	Weights map[string]float64
}

// Cause is one answer that gave a stack points on a criterion.
type Cause struct {
	Question string
	Value    string
	Default  bool    // the answer is a default, not given
	Stack    string  // the stack that got the points
	Points   float64 // weighted
	Reason   string  // the comparison's claim, in our words, without the answer
}

// Answer is the answer as the user would type it: question=value.
func (c Cause) Answer() string { return c.Question + "=" + c.Value }

// Row is one criterion of a recommendation.
type Row struct {
	ID         string
	Title      string
	Weight     float64 // the weight used
	BaseWeight float64 // the weight in weights.yml
	Note       string
	// Points per stack id; every stack has an entry.
	Points map[string]float64
	// Reason explains the points (or why there are none) in one or more sentences,
	// each naming the answer that caused it.
	Reason  string
	Causes  []Cause // the answers that gave points, in the file's order
	Caveats []string
	stacks  []string // the order of Points in JSON
}

// Scored reports whether any stack got points on this criterion.
func (r Row) Scored() bool {
	for _, p := range r.Points {
		if p > 0 {
			return true
		}
	}
	return false
}

// Lead is how far stack is ahead of the best other stack on this criterion.
func (r Row) Lead(stack string) float64 {
	best := math.Inf(-1)
	for s, p := range r.Points {
		if s != stack && p > best {
			best = p
		}
	}
	return round(r.Points[stack] - best)
}

// WeightChange is one --weight override that changed a weight.
type WeightChange struct {
	Criterion string  `json:"criterion"`
	Old       float64 `json:"old"`
	New       float64 `json:"new"`
}

func (c WeightChange) String() string {
	return fmt.Sprintf("%s: %s -> %s", c.Criterion, FormatPoints(c.Old), FormatPoints(c.New))
}

// Recommendation is the verdict with everything needed to explain it. Its JSON
// field names are a public contract.
type Recommendation struct {
	Stack      string             `json:"stack"`
	Scores     map[string]float64 `json:"scores"`
	Margin     float64            `json:"margin"`
	Confidence string             `json:"confidence"`
	Criteria   []Row              `json:"criteria"`
	Answers    map[string]string  `json:"answers"`
	// Defaulted lists the answers that are defaults, in question order.
	Defaulted []string `json:"defaulted"`
	// Basis is BasisAnswers, BasisDefaults or BasisDefaultsOnly.
	Basis          string         `json:"basis"`
	WeightsChanged bool           `json:"weights_changed"`
	ChangedWeights []WeightChange `json:"changed_weights"`

	// Ranking lists the stacks from the chosen one down, by total; equal totals
	// keep the file's order after the chosen stack.
	Ranking []string `json:"-"`
	// Questions lists the answered questions in the file's order.
	Questions []string `json:"-"`
	// GivenScores are the totals from the given answers alone (no defaults).
	GivenScores map[string]float64 `json:"-"`
	// TieBroken is set when the top totals were equal and the tie rule chose.
	TieBroken bool `json:"-"`
	// TieBreakRule is the rule in words.
	TieBreakRule string `json:"-"`
	Source       Source `json:"-"`
}

// RunnerUp is the stack ranked second.
func (r Recommendation) RunnerUp() string { return r.Ranking[1] }

// Decisive lists up to n criteria that put the chosen stack furthest ahead,
// largest lead first, the comparison's order among equals.
func (r Recommendation) Decisive(n int) []Row {
	var rows []Row
	for _, row := range r.Criteria {
		if row.Lead(r.Stack) > 0 {
			rows = append(rows, row)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Lead(r.Stack) > rows[j].Lead(r.Stack) })
	if len(rows) > n {
		rows = rows[:n]
	}
	return rows
}

// Recommend scores the input.
func (m *Model) Recommend(in Input) Recommendation {
	rec := Recommendation{
		Scores:         zeroScores(m.Stacks),
		GivenScores:    zeroScores(m.Stacks),
		Answers:        map[string]string{},
		Defaulted:      []string{},
		ChangedWeights: []WeightChange{},
		TieBreakRule:   m.TieBreak.Reason,
		Source:         m.Source,
	}
	for id, v := range in.Answers {
		rec.Answers[id] = v
	}
	rec.Questions = m.Questions()
	var extra []string
	for id := range in.Answers {
		if !slices.Contains(rec.Questions, id) {
			extra = append(extra, id)
		}
	}
	sort.Strings(extra)
	rec.Questions = append(rec.Questions, extra...)
	for _, id := range rec.Questions {
		if _, ok := in.Answers[id]; ok && in.Defaulted[id] {
			rec.Defaulted = append(rec.Defaulted, id)
		}
	}
	for _, c := range m.Criteria {
		row := m.score(c, in, &rec)
		for s, p := range row.Points {
			rec.Scores[s] += p
		}
		for _, cause := range row.Causes {
			if !cause.Default {
				rec.GivenScores[cause.Stack] += cause.Points
			}
		}
		rec.Criteria = append(rec.Criteria, row)
	}
	for _, s := range m.Stacks {
		rec.Scores[s], rec.GivenScores[s] = round(rec.Scores[s]), round(rec.GivenScores[s])
	}
	rec.Stack, rec.TieBroken = m.winner(rec.Scores, in.Answers)
	rec.Ranking = rank(m.Stacks, rec.Scores, rec.Stack)
	top, second := rec.Scores[rec.Ranking[0]], rec.Scores[rec.Ranking[1]]
	rec.Margin = round(top - second)
	rec.Confidence = Clear
	if rec.Margin < m.ClosePoints || rec.Margin < m.CloseRatio*top {
		rec.Confidence = Close
	}
	rec.Basis = m.basis(rec, in)
	return rec
}

// score adds up one criterion.
func (m *Model) score(c Criterion, in Input, rec *Recommendation) Row {
	w := c.Weight
	if o, ok := in.Weights[c.ID]; ok {
		if o != w {
			rec.WeightsChanged = true
			rec.ChangedWeights = append(rec.ChangedWeights, WeightChange{Criterion: c.ID, Old: w, New: o})
		}
		w = o
	}
	row := Row{ID: c.ID, Title: c.Title, Weight: w, BaseWeight: c.Weight, Note: c.Note, Points: zeroScores(m.Stacks), stacks: m.Stacks, Caveats: []string{}}
	var moving, neutral []string
	for _, e := range m.Effects {
		v, ok := in.Answers[e.Question]
		if e.Criterion != c.ID || !ok || v != e.Value {
			continue
		}
		explained := e.Question + "=" + e.Value + ": " + strings.TrimSuffix(e.Reason, ".")
		stack := e.Stack()
		if stack == "" {
			neutral = append(neutral, explained)
			continue
		}
		moving = append(moving, explained)
		points := e.Points[stack] * w
		row.Points[stack] += points
		row.Causes = append(row.Causes, Cause{Question: e.Question, Value: e.Value, Default: in.Defaulted[e.Question], Stack: stack, Points: round(points), Reason: e.Reason})
		if e.Caveat != "" {
			row.Caveats = append(row.Caveats, e.Caveat)
		}
	}
	for s := range row.Points {
		row.Points[s] = round(row.Points[s])
	}
	switch {
	case len(moving) > 0:
		row.Reason = strings.Join(moving, "; ") + "."
	case len(neutral) > 0:
		row.Reason = strings.Join(neutral, "; ") + "."
	default:
		row.Reason = m.unmovedReason(c.ID)
	}
	return row
}

// winner is the stack with the highest total; on equal totals the tie rule chooses.
func (m *Model) winner(scores map[string]float64, answers map[string]string) (string, bool) {
	var tied []string
	for _, s := range m.Stacks {
		switch {
		case len(tied) == 0 || scores[s] > scores[tied[0]]:
			tied = []string{s}
		case scores[s] == scores[tied[0]]:
			tied = append(tied, s)
		}
	}
	if len(tied) == 1 {
		return tied[0], false
	}
	if s, ok := m.TieBreak.Stacks[answers[m.TieBreak.Question]]; ok && slices.Contains(tied, s) {
		return s, true
	}
	if slices.Contains(tied, m.TieBreak.Otherwise) {
		return m.TieBreak.Otherwise, true
	}
	return tied[0], true
}

// rank orders the stacks: the chosen one first, then by total, the file's order
// among equals.
func rank(stacks []string, scores map[string]float64, chosen string) []string {
	out := []string{chosen}
	for _, s := range stacks {
		if s != chosen {
			out = append(out, s)
		}
	}
	sort.SliceStable(out[1:], func(i, j int) bool { return scores[out[1+i]] > scores[out[1+j]] })
	return out
}

// basis tells whether the verdict would stand on the given answers alone.
func (m *Model) basis(rec Recommendation, in Input) string {
	if len(rec.Defaulted) == 0 {
		return BasisAnswers
	}
	given, defaults := false, false
	for _, row := range rec.Criteria {
		for _, c := range row.Causes {
			if c.Points > 0 {
				given = given || !c.Default
				defaults = defaults || c.Default
			}
		}
	}
	switch {
	case !given && !defaults:
		// Nothing scored: the tie rule chose, from its question's answer.
		if in.Defaulted[m.TieBreak.Question] {
			return BasisDefaultsOnly
		}
		return BasisAnswers
	case !given:
		return BasisDefaultsOnly
	}
	if s, tie := m.winner(rec.GivenScores, nil); !tie && s == rec.Stack {
		return BasisAnswers
	}
	return BasisDefaults
}

// unmovedReason explains a criterion no answer moved by naming the answers that would.
func (m *Model) unmovedReason(criterion string) string {
	var would []string
	for _, e := range m.Effects {
		if s := e.Stack(); e.Criterion == criterion && s != "" {
			would = append(would, fmt.Sprintf("%s=%s (%s)", e.Question, e.Value, s))
		}
	}
	if len(would) == 0 {
		return "No answer bears on this criterion."
	}
	return "None of the answers bears on this criterion; it moves with " + strings.Join(would, ", ") + "."
}

func zeroScores(stacks []string) map[string]float64 {
	out := make(map[string]float64, len(stacks))
	for _, s := range stacks {
		out[s] = 0
	}
	return out
}

func round(x float64) float64 { return math.Round(x*100) / 100 }

// FormatPoints writes a number of points or a weight as briefly as it reads: 3, 1.5.
func FormatPoints(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
