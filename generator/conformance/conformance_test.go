package conformance

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/conformance/conformancetest"
	"github.com/stackpick/stackpick/generator/openapi"
)

func loadDoc(t *testing.T) (*openapi.Document, []byte) {
	t.Helper()
	raw, err := os.ReadFile("../../docs/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	return doc, raw
}

func corpus(t *testing.T) (*openapi.Document, []byte, []Case) {
	t.Helper()
	doc, raw := loadDoc(t)
	cases, err := Corpus(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, raw, cases
}

func serve(t *testing.T, raw []byte, dev conformancetest.Deviations) Target {
	t.Helper()
	srv := httptest.NewServer(conformancetest.Handler(raw, dev))
	t.Cleanup(srv.Close)
	return Target{Name: "server", BaseURL: srv.URL}
}

// The same document gives the same corpus, in order, and every expectation is a status
// the document declares for that request.
func TestCorpusIsDeterministicAndFollowsTheDocument(t *testing.T) {
	doc, _, cases := corpus(t)
	again, err := Corpus(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cases, again) {
		t.Fatal("two corpora from one document differ")
	}
	if len(cases) < 150 {
		t.Errorf("%d cases, want at least 150", len(cases))
	}
	groups := map[Group]int{}
	for _, c := range cases {
		groups[c.Group]++
		path, _, _ := strings.Cut(strings.NewReplacer("{id}", unknownID, "{ID}", unknownID).Replace(c.Target), "?")
		m := doc.Match(c.Method, path)
		if !slices.Contains(doc.Expected(m), c.Expect.Status) {
			t.Errorf("%s: expects %d, which the document does not declare for %s %s (%v)", c.Name, c.Expect.Status, c.Method, path, doc.Expected(m))
		}
	}
	t.Logf("%d cases: %v", len(cases), groups)
	for _, name := range []string{
		"createItem/mutation/quantity-exponent", "createItem/mutation/quantity-point-zero",
		"createItem/mutation/quantity-5001-digits", "createItem/mutation/utf8-bom",
		"createItem/mutation/lone-surrogate", "createItem/mutation/gzip", "createItem/mutation/name-only-bom",
		"listItems/mutation/limit-repeated", "livez/mutation/upgrade-h2c", "livez/valid/head",
		"livez/mutation/trailing-slash", "listItems/mutation/upper-case", "any/mutation/encoded-question-mark",
		"getItem/mutation/id-nul", "getItem/mutation/id-markup", "wsEcho/mutation/handshake-unknown-path",
		"any/mutation/headers-over-cap",
	} {
		if !slices.ContainsFunc(cases, func(c Case) bool { return c.Name == name }) {
			t.Errorf("the corpus lacks %s", name)
		}
	}
}

// A server that follows the contract passes the whole corpus, alone and compared with a
// second one like it.
func TestContractServerConforms(t *testing.T) {
	doc, raw, cases := corpus(t)
	a, b := serve(t, raw, conformancetest.Deviations{}), serve(t, raw, conformancetest.Deviations{})
	a.Name, b.Name = "a", "b"
	report, err := Run(context.Background(), doc, cases, a, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range report.Failures() {
		t.Errorf("%s %s %s: differences %v, findings %v", f.Case, f.Method, f.Target, f.Differences, f.Findings)
	}
	if !report.OK() || report.Cases != len(cases) || len(report.Results) != len(cases) {
		t.Errorf("report: %s", report)
	}
	if _, err := json.Marshal(report); err != nil {
		t.Errorf("the report is not JSON data: %v", err)
	}
}

// Each deliberate difference is caught on the case that shows it, named by field (the
// comparison) and by rule (the oracle).
func TestDeviationsAreCaught(t *testing.T) {
	doc, raw, cases := corpus(t)
	type catch struct{ caseName, field, rule string }
	tests := []struct {
		name string
		dev  conformancetest.Deviations
		want catch
	}{
		{"#1 Upgrade on a plain path", conformancetest.Deviations{UpgradeNotFound: true}, catch{"livez/mutation/upgrade-h2c", "status", "expected-status"}},
		{"#2 no header cap", conformancetest.Deviations{NoHeaderCap: true}, catch{"any/mutation/headers-over-cap", "status", "expected-status"}},
		{"#3 HEAD not served", conformancetest.Deviations{HeadNotAllowed: true}, catch{"livez/valid/head", "status", "document/status-undeclared"}},
		{"#4 strict integers", conformancetest.Deviations{StrictIntegers: true}, catch{"createItem/mutation/quantity-exponent", "status", "expected-status"}},
		{"#5 loose routing", conformancetest.Deviations{LooseRouting: true}, catch{"listItems/mutation/upper-case", "status", "expected-status"}},
		{"#6 last repeated parameter", conformancetest.Deviations{LastRepeatedParam: true}, catch{"listItems/mutation/limit-repeated", "status", "expected-status"}},
		{"#7 digits as 400", conformancetest.Deviations{DigitsAre400: true}, catch{"createItem/mutation/quantity-5001-digits", "status", "expected-status"}},
		{"#8 decoded instance", conformancetest.Deviations{DecodedInstance: true}, catch{"any/mutation/encoded-question-mark", "instance", "problem-instance"}},
		{"#9 bare WebSocket 403", conformancetest.Deviations{BareWebSocket404: true}, catch{"wsEcho/mutation/handshake-unknown-path", "header X-Request-Id", "document/status-undeclared"}},
		{"#10 BOM accepted", conformancetest.Deviations{BomAccepted: true}, catch{"createItem/mutation/utf8-bom", "status", "expected-status"}},
		{"#12 id echoed", conformancetest.Deviations{EchoID: true}, catch{"getItem/mutation/id-markup", "", "problem-echo"}},
		{"old 413 title", conformancetest.Deviations{OldTitles: true}, catch{"createItem/boundary/body-over-limit", "problem_title", "document/body-schema"}},
		{"unknown key at the root", conformancetest.Deviations{UnknownKeyAtRoot: true}, catch{"createItem/mutation/unknown-key", "pointers", "expected-pointers"}},
		{"X-Powered-By", conformancetest.Deviations{PoweredBy: true}, catch{"livez/valid/get", "header X-Powered-By", "server-header"}},
	}
	good := serve(t, raw, conformancetest.Deviations{})
	good.Name = "contract"
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := serve(t, raw, tc.dev)
			bad.Name = "deviant"
			var subset []Case
			for _, c := range cases {
				if c.Name == tc.want.caseName {
					subset = append(subset, c)
				}
			}
			if len(subset) != 1 {
				t.Fatalf("no case %s", tc.want.caseName)
			}
			report, err := Run(context.Background(), doc, subset, good, bad)
			if err != nil {
				t.Fatal(err)
			}
			res := report.Results[0]
			if tc.want.field != "" && !slices.ContainsFunc(res.Differences, func(d Difference) bool { return d.Field == tc.want.field }) {
				t.Errorf("no difference in %q: %+v", tc.want.field, res.Differences)
			}
			if !slices.ContainsFunc(res.Findings, func(f Finding) bool { return f.Rule == tc.want.rule && f.Target == "deviant" }) {
				t.Errorf("no %q finding on the deviant server: %+v", tc.want.rule, res.Findings)
			}
			if slices.ContainsFunc(res.Findings, func(f Finding) bool { return f.Target == "contract" }) {
				t.Errorf("findings on the faithful server: %+v", res.Findings)
			}
		})
	}
}

func TestRunNeedsOneOrTwoTargets(t *testing.T) {
	doc, _ := loadDoc(t)
	if _, err := Run(context.Background(), doc, nil); err != ErrTargets {
		t.Errorf("no targets: %v", err)
	}
	if _, err := Run(context.Background(), doc, nil, Target{}, Target{}, Target{}); err != ErrTargets {
		t.Errorf("three targets: %v", err)
	}
}

// verify boots a project with CORS_ORIGINS set and runs the corpus against it: the
// corpus sends no Origin, so a server with the contract's CORS layer must pass it the same.
func TestCorpusHoldsUnderCORS(t *testing.T) {
	doc, raw, cases := corpus(t)
	srv := httptest.NewServer(conformancetest.WithCORS(conformancetest.Handler(raw, conformancetest.Deviations{}), "https://allowed.example"))
	t.Cleanup(srv.Close)
	report, err := Run(context.Background(), doc, cases, Target{Name: "cors", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if !report.OK() {
		for _, f := range report.Failures() {
			t.Errorf("%s: %v", f.Case, f.Findings)
		}
	}
}

func TestWithoutWebSocket(t *testing.T) {
	_, _, cases := corpus(t)
	off := WithoutWebSocket(cases)
	changed := 0
	for i := range cases {
		if cases[i].Expect.Status != off[i].Expect.Status {
			changed++
			if cases[i].Name != "wsEcho/valid/handshake" || off[i].Expect.Status != 404 {
				t.Errorf("%s: %d became %d", cases[i].Name, cases[i].Expect.Status, off[i].Expect.Status)
			}
		}
	}
	if changed != 1 {
		t.Errorf("%d cases changed, want the handshake alone", changed)
	}
	for _, c := range cases {
		if c.Name == "wsEcho/valid/handshake" && c.Expect.Status != 101 {
			t.Error("the input was changed")
		}
	}
}
