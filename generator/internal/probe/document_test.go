package probe

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/conformance/conformancetest"
)

func contractServer(t *testing.T, dev conformancetest.Deviations, cors bool) string {
	t.Helper()
	h := conformancetest.Handler(docs.OpenAPI, dev)
	if cors {
		h = conformancetest.WithCORS(h, CORSOrigin)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func byID(results []Result) map[string]Result {
	out := map[string]Result{}
	for _, r := range results {
		out[r.ID] = r
	}
	return out
}

// A server that follows the contract passes every check, openapi.response included, with
// and without CORS (its preflights are the CORS checks' business, not the document's).
func TestProbePassesTheContractServer(t *testing.T) {
	for _, cors := range []bool{false, true} {
		opts := Options{BaseURL: contractServer(t, conformancetest.Deviations{}, cors)}
		if cors {
			opts.CORSOrigin = CORSOrigin
		}
		results := Run(context.Background(), opts)
		for _, r := range results {
			if !r.OK {
				t.Errorf("cors=%v: %s failed on the contract server: %s", cors, r.ID, r.Detail)
			}
		}
		if _, ok := byID(results)[documentCheckID]; !ok {
			t.Errorf("cors=%v: no %s check ran", cors, documentCheckID)
		}
	}
}

// An item with a member the document does not allow is invisible to the other checks
// (they read the members they know); openapi.response fails and names the method, path,
// status and rule of the first answers that showed it.
func TestProbeChecksEveryAnswerAgainstTheDocument(t *testing.T) {
	results := byID(Run(context.Background(), Options{BaseURL: contractServer(t, conformancetest.Deviations{ExtraItemField: true}, false)}))
	got := results[documentCheckID]
	if got.OK {
		t.Fatalf("%s passed on a server whose items break the document", documentCheckID)
	}
	for _, want := range []string{"answers break the OpenAPI document", "POST /v1/items → 201: body-schema:", "version"} {
		if !strings.Contains(got.Detail, want) {
			t.Errorf("the detail lacks %q:\n%s", want, got.Detail)
		}
	}
	t.Logf("%s: %s", documentCheckID, got.Detail)
	if n := strings.Count(got.Detail, "\n"); n > maxBrokenShown+1 {
		t.Errorf("the detail names %d answers, want at most %d and a count", n, maxBrokenShown)
	}
	for id, r := range results {
		if id != documentCheckID && !r.OK {
			t.Errorf("%s failed too (%s): the deviation should be visible to the document check only", id, r.Detail)
		}
	}
}
