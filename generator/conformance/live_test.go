package conformance

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestLiveTargets sends the corpus to running servers named in
// STACKPICK_CONFORMANCE_TARGETS ("node=http://127.0.0.1:3000,python=http://127.0.0.1:8000",
// one or two), each started with the contract's default settings, and writes the report
// as JSON to STACKPICK_CONFORMANCE_REPORT when set. Until `stackpick compare --conformance`
// exists, this is how to run the corpus against generated projects.
func TestLiveTargets(t *testing.T) {
	spec := os.Getenv("STACKPICK_CONFORMANCE_TARGETS")
	if spec == "" {
		t.Skip("set STACKPICK_CONFORMANCE_TARGETS=name=http://host:port[,name=http://host:port]")
	}
	var targets []Target
	for _, part := range strings.Split(spec, ",") {
		name, base, ok := strings.Cut(part, "=")
		if !ok {
			t.Fatalf("%q: want name=http://host:port", part)
		}
		targets = append(targets, Target{Name: name, BaseURL: base})
	}
	doc, _, cases := corpus(t)
	report, err := Run(context.Background(), doc, cases, targets...)
	if err != nil {
		t.Fatal(err)
	}
	if path := os.Getenv("STACKPICK_CONFORMANCE_REPORT"); path != "" {
		b, _ := json.MarshalIndent(report, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range report.Failures() {
		t.Errorf("%s (%s %s): differences %v; findings %v", f.Case, f.Method, f.Target, f.Differences, f.Findings)
	}
	t.Log(report)
}
