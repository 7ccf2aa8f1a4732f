package verify

import (
	"context"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/conformance"
	"github.com/stackpick/stackpick/generator/conformance/conformancetest"
	"github.com/stackpick/stackpick/generator/internal/probe"
)

// serve runs the in-process contract server behind the contract's CORS layer, as verify
// boots a project (CORS_ORIGINS set).
func serve(t *testing.T, dev conformancetest.Deviations) string {
	t.Helper()
	srv := httptest.NewServer(conformancetest.WithCORS(conformancetest.Handler(docs.OpenAPI, dev), probe.CORSOrigin))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestConformanceStepPassesTheContractServer(t *testing.T) {
	c, err := RunConformance(context.Background(), serve(t, conformancetest.Deviations{}), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Err() != nil || c.Cases < 150 || len(c.Failures) != 0 || c.DocumentVersion == "" {
		t.Errorf("%+v: %v", c, c.Err())
	}
}

// A server that takes 1e3 as a string of digits rather than JSON Schema's integer fails
// the step, and the failure names the case and the rule.
func TestConformanceStepCatchesADeviation(t *testing.T) {
	c, err := RunConformance(context.Background(), serve(t, conformancetest.Deviations{StrictIntegers: true}), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Err() == nil || !strings.Contains(c.Err().Error(), "conformance cases failed") {
		t.Fatalf("no failure: %+v", c)
	}
	i := slices.IndexFunc(c.Failures, func(r conformance.Result) bool { return r.Case == "createItem/mutation/quantity-exponent" })
	if i < 0 {
		t.Fatalf("the 1e3 case is not among the failures: %+v", c.Failures)
	}
	if f := c.Failures[i].Findings; len(f) == 0 || f[0].Rule != "expected-status" {
		t.Errorf("findings %+v, want expected-status", f)
	}
	if c.Failed != len(c.Failures) || c.Violations < c.Failed {
		t.Errorf("counts: failed %d, failures %d, violations %d", c.Failed, len(c.Failures), c.Violations)
	}
}

// Without the websocket feature the handshake is a 404 like any unknown path: a server
// that answers 404 there passes, one that still upgrades does not.
func TestConformanceStepWithoutWebSocket(t *testing.T) {
	c, err := RunConformance(context.Background(), serve(t, conformancetest.Deviations{}), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Failures) != 1 || c.Failures[0].Case != "wsEcho/valid/handshake" {
		t.Errorf("a server with a WebSocket route, checked as one without: %+v", c.Failures)
	}
}
