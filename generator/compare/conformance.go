package compare

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"time"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/conformance"
	"github.com/stackpick/stackpick/generator/openapi"
	"github.com/stackpick/stackpick/generator/verify"
)

// Conformance is the differential conformance part of the report: the corpus generated
// from the OpenAPI document, sent to every skeleton, each answer compared with the other
// skeleton's and judged against the document.
type Conformance struct {
	DocumentVersion string `json:"document_version"`
	Cases           int    `json:"cases"`
	// Selected is the --cases pattern that chose the cases, "" for the whole corpus.
	Selected string `json:"selected,omitempty"`
	// Disagreements counts the cases the skeletons answered differently (0 with one).
	Disagreements int `json:"disagreements"`
	// Violations counts the findings against the document or the contract, over all.
	Violations int                 `json:"violations"`
	Servers    []ConformanceServer `json:"servers"`
	// Results are the cases that found a disagreement or a violation, in corpus order;
	// each has one summary per server, in the servers' order.
	Results []conformance.Result `json:"results"`
}

// ConformanceServer is one skeleton as the corpus found it.
type ConformanceServer struct {
	Template    string  `json:"template"`
	Stack       string  `json:"stack"`
	ColdStartMs float64 `json:"cold_start_ms"`
	// Violations counts its findings; FailedCases the cases with at least one.
	Violations  int `json:"violations"`
	FailedCases int `json:"failed_cases"`
}

// OK reports whether the skeletons agreed on every case and broke no rule.
func (c *Conformance) OK() bool { return c.Disagreements == 0 && c.Violations == 0 }

// ConformanceOptions say where to install and which cases to send.
type ConformanceOptions struct {
	Dir string // an empty folder to render and install the projects in
	// Cases, when set, keeps only the cases whose name it matches.
	Cases *regexp.Regexp
	// Document is the oracle; nil means the contract's (docs/openapi.json as embedded).
	Document *openapi.Document
	// WebSocket says the skeletons were generated with the websocket feature.
	WebSocket bool
	Progress  func(string)
}

// ErrConformanceTargets says the corpus was asked to compare more than two skeletons.
var ErrConformanceTargets = errors.New("compare: --conformance compares one or two skeletons; choose them with --stacks")

// ErrNoCases says the --cases pattern matched no case of the corpus.
var ErrNoCases = errors.New("compare: --cases matches no case of the conformance corpus")

// RunConformance installs every skeleton (Plan and Apply, then the install step, as
// --bench does), boots each on loopback with the contract's default settings (and a
// fresh database when it has one: verify.Databases), sends the
// corpus to all of them and compares the answers. Every process it starts is stopped
// before it returns, also when ctx ends (the error then wraps ctx.Err()).
func RunConformance(ctx context.Context, o ConformanceOptions, targets []BenchTarget) (*Conformance, error) {
	if len(targets) < 1 || len(targets) > 2 {
		return nil, ErrConformanceTargets
	}
	say := func(format string, args ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, args...))
		}
	}
	doc, cases, err := o.corpus()
	if err != nil {
		return nil, err
	}
	// Each skeleton runs on a fresh database of its answer's kind (a new SQLite file, a
	// new database on a throwaway PostgreSQL server), migrated at start.
	dbs := &verify.Databases{}
	defer dbs.Close()
	var servers []RunningServer
	for _, t := range targets {
		dir := filepath.Join(o.Dir, t.Template.ID)
		say("install %s", t.Template.ID)
		if _, _, err := install(ctx, dir, t); err != nil {
			return nil, err
		}
		argv, err := catalog.Command(t.Template.Steps.Start, t.Data)
		if err != nil {
			return nil, err
		}
		db, err := dbs.New(ctx, t.Data.Database, t.Template.Stack)
		if err != nil {
			return nil, fmt.Errorf("compare: a database for %s: %w", t.Template.ID, err)
		}
		bootCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
		srv, ready, err := verify.Boot(bootCtx, dir, argv, db.Env(true))
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("compare: boot %s: %w", t.Template.ID, ctx.Err())
			}
			return nil, fmt.Errorf("compare: boot %s: %w", t.Template.ID, err)
		}
		defer srv.Kill()
		say("booted %s in %d ms", t.Template.ID, ready.Milliseconds())
		servers = append(servers, RunningServer{Template: t.Template.ID, Stack: t.Template.Stack, BaseURL: srv.URL, ColdStartMs: float64(ready.Microseconds()) / 1000})
	}
	say("send %d conformance cases to %s", len(cases), plural(len(servers), "server"))
	return differential(ctx, o, doc, cases, servers)
}

// RunningServer is a skeleton already listening, for Differential.
type RunningServer struct {
	Template, Stack string
	BaseURL         string // http://127.0.0.1:PORT
	ColdStartMs     float64
}

// Differential sends the corpus chosen by o to servers that are already running (one or
// two) and compares their answers; RunConformance is it with the installs and boots.
func Differential(ctx context.Context, o ConformanceOptions, servers []RunningServer) (*Conformance, error) {
	if len(servers) < 1 || len(servers) > 2 {
		return nil, ErrConformanceTargets
	}
	doc, cases, err := o.corpus()
	if err != nil {
		return nil, err
	}
	return differential(ctx, o, doc, cases, servers)
}

func differential(ctx context.Context, o ConformanceOptions, doc *openapi.Document, cases []conformance.Case, servers []RunningServer) (*Conformance, error) {
	c := &Conformance{DocumentVersion: doc.Version(), Results: []conformance.Result{}}
	if o.Cases != nil {
		c.Selected = o.Cases.String()
	}
	var targets []conformance.Target
	for _, s := range servers {
		c.Servers = append(c.Servers, ConformanceServer{Template: s.Template, Stack: s.Stack, ColdStartMs: s.ColdStartMs})
		targets = append(targets, conformance.Target{Name: s.Template, BaseURL: s.BaseURL})
	}
	rep, err := conformance.Run(ctx, doc, cases, targets...)
	if err != nil {
		return nil, fmt.Errorf("compare: conformance: %w", err)
	}
	fill(c, rep)
	return c, nil
}

// corpus is the oracle and the cases o chooses: the whole corpus, adapted to the
// websocket feature, narrowed by o.Cases.
func (o ConformanceOptions) corpus() (*openapi.Document, []conformance.Case, error) {
	doc := o.Document
	if doc == nil {
		var err error
		if doc, err = openapi.Load(docs.OpenAPI); err != nil {
			return nil, nil, err
		}
	}
	cases, err := conformance.Corpus(doc)
	if err != nil {
		return nil, nil, err
	}
	if !o.WebSocket {
		cases = conformance.WithoutWebSocket(cases)
	}
	if o.Cases == nil {
		return doc, cases, nil
	}
	var kept []conformance.Case
	for _, k := range cases {
		if o.Cases.MatchString(k.Name) {
			kept = append(kept, k)
		}
	}
	if len(kept) == 0 {
		return nil, nil, fmt.Errorf("%w (%q)", ErrNoCases, o.Cases.String())
	}
	return doc, kept, nil
}

// fill copies a corpus run into the report: the totals, each server's counts, and the
// results that found something.
func fill(c *Conformance, rep *conformance.Report) {
	c.Cases, c.Disagreements, c.Violations = rep.Cases, rep.Disagreements, rep.Violations
	for _, res := range rep.Failures() {
		c.Results = append(c.Results, res)
		for i := range c.Servers {
			n := 0
			for _, f := range res.Findings {
				if f.Target == c.Servers[i].Template {
					n++
				}
			}
			c.Servers[i].Violations += n
			if n > 0 {
				c.Servers[i].FailedCases++
			}
		}
	}
}
