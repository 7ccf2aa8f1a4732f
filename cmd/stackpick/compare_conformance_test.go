package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/compare"
	"github.com/stackpick/stackpick/generator/conformance/conformancetest"
)

func TestCompareConformanceUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--cases", "createItem"}, "add --conformance"},
		{[]string{"--conformance", "--cases", "("}, "not a regular expression"},
		{[]string{"--conformance", "--cases", "no-case-is-named-so"}, "matches no case"},
	} {
		code, _, stderr := runTest(t, compareArgs(c.args...)...)
		if code != exitUsage || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, %q; want exit %d mentioning %q", c.args, code, stderr, exitUsage, c.msg)
		}
	}
	code, stdout, _ := runTest(t, "compare", "--help")
	if code != 0 || !strings.Contains(stdout.String(), "--conformance") || !strings.Contains(stdout.String(), "exit code is 4") {
		t.Errorf("compare --help does not explain --conformance and its exit code:\n%s", stdout)
	}
}

// The conformance section, with disagreements and violations in it, fits the report's
// JSON Schema (made here from in-process servers, one of them deviant, so it runs in
// -short).
func TestCompareConformanceJSONSchema(t *testing.T) {
	var servers []compare.RunningServer
	for i, dev := range []conformancetest.Deviations{{}, {LooseRouting: true, StrictIntegers: true, PoweredBy: true}} {
		srv := httptest.NewServer(conformancetest.Handler(docs.OpenAPI, dev))
		t.Cleanup(srv.Close)
		servers = append(servers, compare.RunningServer{Template: []string{"node-express", "python-fastapi"}[i], Stack: "x", BaseURL: srv.URL})
	}
	c, err := compare.Differential(context.Background(), compare.ConformanceOptions{WebSocket: true}, servers)
	if err != nil {
		t.Fatal(err)
	}
	if c.Disagreements == 0 || c.Violations == 0 {
		t.Fatalf("the deviant server went unnoticed: %+v", c.Servers)
	}
	rep, _ := compareJSON(t, compareArgs()...)
	var b bytes.Buffer
	if err := compare.WriteJSON(&b, &compare.Report{Conformance: c}); err != nil {
		t.Fatal(err)
	}
	var part map[string]any
	if err := json.Unmarshal(b.Bytes(), &part); err != nil {
		t.Fatal(err)
	}
	rep["conformance"] = part["conformance"]
	schema := compileCompareSchema(t)
	if err := schema.Validate(rep); err != nil {
		t.Fatalf("the conformance section does not match the schema:\n%v", err)
	}
	part["conformance"].(map[string]any)["servers"] = []any{}
	rep["conformance"] = part["conformance"]
	if schema.Validate(rep) == nil {
		t.Error("a conformance section without servers passed the schema")
	}
}

// TestCompareConformance is the differential test of issue 12: both skeletons are
// installed and booted, the whole corpus goes to each, and any disagreement or
// violation fails (compare exits 4). Slow: skipped by -short.
func TestCompareConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registries and boots both skeletons; run without -short")
	}
	for _, features := range []string{"docker,ci,websocket", ""} {
		t.Run("features="+features, func(t *testing.T) {
			code, stdout, stderr := runTest(t, compareArgs("--set", "features="+features, "--conformance", "--output", "json")...)
			var rep struct {
				Conformance *compare.Conformance `json:"conformance"`
			}
			if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil || rep.Conformance == nil {
				t.Fatalf("exit %d, no conformance report (%v): %s", code, err, stderr)
			}
			c := rep.Conformance
			t.Logf("%d cases: %d disagreements, %d violations; servers %+v", c.Cases, c.Disagreements, c.Violations, c.Servers)
			for i, res := range c.Results {
				if i == 40 {
					t.Errorf("… and %d more failing cases", len(c.Results)-i)
					break
				}
				t.Errorf("%s (%s %s): differences %v; findings %v", res.Case, res.Method, res.Target, res.Differences, res.Findings)
			}
			if want := exitOK; !c.OK() {
				want = exitVerify
				if code != want {
					t.Errorf("exit %d with findings, want %d", code, want)
				}
			} else if code != want {
				t.Errorf("exit %d without findings: %s", code, stderr)
			}
		})
	}
}
