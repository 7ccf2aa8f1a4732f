package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/conformance"
	"github.com/stackpick/stackpick/generator/verify"
)

// The text output names the first failing conformance cases with their rules and says
// how many more the JSON report holds.
func TestWriteConformanceFailures(t *testing.T) {
	c := &verify.Conformance{Cases: 200, Failed: conformanceShown + 2, Violations: conformanceShown + 2}
	for i := range conformanceShown + 2 {
		c.Failures = append(c.Failures, conformance.Result{Case: fmt.Sprintf("case-%d", i), Method: "GET", Target: "/livez",
			Findings: []conformance.Finding{{Target: "project", Rule: "expected-status", Detail: "405, the contract says 200"}}})
	}
	var b bytes.Buffer
	writeStepFailures(&b, verify.Step{Name: verify.StepConformance, Conformance: c})
	out := b.String()
	for _, want := range []string{"failing conformance cases (12 of 200)", "✖ case-0  GET /livez", "expected-status: 405, the contract says 200", "… and 2 more"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "case-10") {
		t.Errorf("more than %d cases shown:\n%s", conformanceShown, out)
	}
}
