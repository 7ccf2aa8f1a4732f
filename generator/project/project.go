// Package project is the one place that turns answers into a project, and a
// project's record back into one: it resolves the answers by the precedence rule,
// recommends a stack when none is chosen, picks the template, builds the render data
// and the record, and produces the Plan. new, compare, verify and update use it;
// commands only map their flags to Sources and format what comes back.
package project

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/recommend"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/generator/steps"
)

// Project is a resolved project: its answers, its template and what it renders from.
type Project struct {
	Schema   *answers.Schema
	Answers  answers.Answers
	Template *catalog.Template
	// Recommendation is set when the stack was recommended rather than chosen.
	Recommendation *recommend.Recommendation
	// Target is the folder the project is written to.
	Target string
	Data   render.Data
	// Replayed is set when the answers file was a project record: who wrote it.
	Replayed *RecordInfo
}

// SchemaFor builds the answers schema from the catalog: stacks, templates, features
// and their help and defaults come from the manifests. defaultName is the target
// folder's base name (the name --yes takes).
func SchemaFor(cat *catalog.Catalog, defaultName string) *answers.Schema {
	o := answers.Options{DefaultName: defaultName, ReservedNames: cat.ReservedNames(), FeatureDefaults: map[string][]string{}}
	for _, t := range cat.Public() {
		o.Templates = append(o.Templates, answers.Value{ID: t.ID, Help: t.Description})
	}
	for _, s := range cat.Stacks() {
		o.Stacks = append(o.Stacks, answers.Value{ID: s, Help: cat.ForStack(s).Language})
	}
	for _, f := range cat.Features() {
		o.Features = append(o.Features, answers.Value{ID: f, Help: cat.FeatureHelp(f)})
	}
	for _, d := range cat.Databases() {
		o.Databases = append(o.Databases, answers.Value{ID: d, Help: cat.DatabaseHelp(d)})
	}
	for _, t := range cat.Public() {
		for cond, features := range t.FeatureDefaults {
			for _, f := range features {
				if !slices.Contains(o.FeatureDefaults[cond], f) {
					o.FeatureDefaults[cond] = append(o.FeatureDefaults[cond], f)
				}
			}
		}
	}
	return answers.NewSchema(o)
}

// DecisionIDs lists the decision questions' ids in schema order.
func DecisionIDs(s *answers.Schema) []string {
	var ids []string
	for _, q := range s.Decisions() {
		ids = append(ids, q.ID)
	}
	return ids
}

// Request is what `new` asks of the engine.
type Request struct {
	Catalog *catalog.Catalog
	// Dir is the target folder as given; "" names it after the project.
	Dir    string
	Policy generator.Policy
	Sources
	// PickStack lets the user take the recommended stack or another; nil takes it.
	PickStack func(*recommend.Recommendation) (string, error)
}

// Resolve resolves every answer a new project needs and chooses its template. The
// target is checked before the first question, so nobody answers ten questions for a
// folder that cannot be written; when no folder is given, right after the name.
// On an error after some answers were resolved, the partial project is returned
// with the error, so a caller can show what was answered.
func Resolve(req Request) (*Project, error) {
	folderName := ""
	if req.Dir != "" {
		abs, err := filepath.Abs(req.Dir)
		if err != nil {
			return nil, err
		}
		folderName = filepath.Base(abs)
		if err := generator.CheckTarget(req.Dir, req.Policy); err != nil {
			return nil, err
		}
	}
	p := &Project{Schema: SchemaFor(req.Catalog, folderName), Answers: answers.New(), Target: req.Dir}
	r, replayed, err := req.Sources.resolver(p.Schema)
	if err != nil {
		return nil, err
	}
	p.Replayed = replayed
	err = p.chooseTemplate(r, req.Catalog, req.PickStack)
	var missing *answers.MissingError
	if err != nil && !errors.As(err, &missing) {
		return p, err
	}
	// Resolve the name first and check its folder before asking on, then the other
	// options even when decision answers are missing, so one error lists every
	// missing key.
	nameErr := r.Resolve(p.Answers, answers.KeyName)
	if nameErr == nil && p.Target == "" {
		p.Target = p.Answers.Get(answers.KeyName)
		if err := generator.CheckTarget(p.Target, req.Policy); err != nil {
			return p, err
		}
	}
	err = answers.Merge(err, nameErr)
	if err = answers.Merge(err, r.Resolve(p.Answers, OptionIDs(p.Schema)...)); err != nil {
		return p, err
	}
	if err := CheckFeatures(p.Answers, p.Template); err != nil {
		return p, err
	}
	if err := CheckDatabase(p.Answers, p.Template); err != nil {
		return p, err
	}
	p.Data = dataFor(p.Template, p.Answers)
	return p, nil
}

// chooseTemplate resolves stack and template, recommending a stack when neither
// chooses one. The decision answers are asked only when a recommendation is needed;
// given ones are recorded either way.
func (p *Project) chooseTemplate(r *answers.Resolver, cat *catalog.Catalog, pick func(*recommend.Recommendation) (string, error)) error {
	a, s := p.Answers, p.Schema
	if err := r.Given(a, answers.KeyStack, answers.KeyTemplate); err != nil {
		return err
	}
	stack := a.Get(answers.KeyStack)
	if stack == "" {
		stack = answers.StackAuto
	}
	var t *catalog.Template
	if id := a.Get(answers.KeyTemplate); id != "" {
		t = cat.ByID(id)
		if stack != answers.StackAuto && t.Stack != stack {
			return &answers.InvalidError{Key: answers.KeyTemplate, Value: id, Reason: fmt.Sprintf("it is a %s template, but the stack is %s; drop one of --stack and --template", t.Stack, stack)}
		}
		stack = t.Stack
	}
	if stack == answers.StackAuto {
		if err := r.Resolve(a, DecisionIDs(s)...); err != nil {
			return err
		}
		rec, err := Recommend(s, a, nil)
		if err != nil {
			return err
		}
		p.Recommendation, stack = rec, rec.Stack
		if pick != nil {
			if stack, err = pick(rec); err != nil {
				return err
			}
		}
	} else if err := r.Given(a, DecisionIDs(s)...); err != nil {
		return err
	}
	if t == nil {
		if t = cat.ForStack(stack); t == nil {
			return fmt.Errorf("no template for stack %q; see 'stackpick templates'", stack)
		}
	}
	p.Template = t
	// Record the outcome, so the project record replays without a recommendation.
	src := a.Source(answers.KeyStack)
	if p.Recommendation != nil {
		src = answers.FromDefault
	}
	a.Set(answers.KeyStack, t.Stack, src)
	a.Set(answers.KeyTemplate, t.ID, answers.FromDefault)
	return nil
}

// Recommend scores the decision answers of a (resolved already) with the embedded
// weights and optional overrides, telling the engine which answers are defaults.
func Recommend(s *answers.Schema, a answers.Answers, overrides map[string]float64) (*recommend.Recommendation, error) {
	model, err := recommend.Default()
	if err != nil {
		return nil, err
	}
	in := recommend.Input{Answers: map[string]string{}, Defaulted: map[string]bool{}, Weights: overrides}
	for _, id := range DecisionIDs(s) {
		if a.Has(id) {
			in.Answers[id] = a.Get(id)
			in.Defaulted[id] = a.Source(id) == answers.FromDefault
		}
	}
	rec := model.Recommend(in)
	return &rec, nil
}

// OptionIDs are the project options after the name that every project resolves:
// description, database (when a template offers one) and features, in schema order.
func OptionIDs(s *answers.Schema) []string {
	var ids []string
	for _, id := range []string{answers.KeyDescription, answers.KeyDatabase, answers.KeyFeatures} {
		if _, ok := s.Lookup(id); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// CheckDatabase refuses a database that one of the templates does not support;
// templates without databases (the bare ones) take any.
func CheckDatabase(a answers.Answers, templates ...*catalog.Template) error {
	d := a.Get(answers.KeyDatabase)
	for _, t := range templates {
		if d != "" && len(t.Databases) > 0 && !slices.Contains(t.Databases, d) {
			return &answers.InvalidError{Key: answers.KeyDatabase, Value: d, Allowed: t.Databases, Reason: "template " + t.ID + " does not support it"}
		}
	}
	return nil
}

// CheckFeatures refuses a chosen feature that one of the templates does not support.
func CheckFeatures(a answers.Answers, templates ...*catalog.Template) error {
	for _, f := range a.List(answers.KeyFeatures) {
		for _, t := range templates {
			if !slices.Contains(t.Features, f) {
				return &answers.InvalidError{Key: answers.KeyFeatures, Value: f, Allowed: t.Features, Reason: "template " + t.ID + " does not support it"}
			}
		}
	}
	return nil
}

func dataFor(t *catalog.Template, a answers.Answers) render.Data {
	name := a.Get(answers.KeyName)
	return t.Data(name, answers.PackageName(name), a.Get(answers.KeyDescription), a.List(answers.KeyFeatures), a.Get(answers.KeyDatabase))
}

// Steps is the runner of the project's manifest steps (install, lint, test, start) in
// its folder.
func (p *Project) Steps() *steps.Runner {
	return &steps.Runner{Dir: p.Target, Template: p.Template, Data: p.Data}
}

// Plan renders the project and adds its record (.stackpick.yml), which names the
// binary (generatedBy, e.g. "stackpick 0.1.0") and the template's digest.
func (p *Project) Plan(generatedBy string) (*generator.Plan, error) {
	files, err := p.Template.Render(p.Data)
	if err != nil {
		return nil, err
	}
	digest, err := p.Template.Digest()
	if err != nil {
		return nil, err
	}
	record, err := answers.Record(p.Schema, p.Answers, generatedBy, digest)
	if err != nil {
		return nil, err
	}
	plan := generator.NewPlan(p.Target, files)
	plan.Add(answers.RecordName, record)
	return plan, nil
}
