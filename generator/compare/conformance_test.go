package compare

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/conformance/conformancetest"
)

func contractServer(t *testing.T, name string, dev conformancetest.Deviations) RunningServer {
	t.Helper()
	srv := httptest.NewServer(conformancetest.Handler(docs.OpenAPI, dev))
	t.Cleanup(srv.Close)
	return RunningServer{Template: name, Stack: name, BaseURL: srv.URL, ColdStartMs: 1}
}

// Two servers that follow the contract agree on every case; the report says so in one
// table and is OK.
func TestDifferentialAgrees(t *testing.T) {
	c, err := Differential(context.Background(), ConformanceOptions{WebSocket: true},
		[]RunningServer{contractServer(t, "a", conformancetest.Deviations{}), contractServer(t, "b", conformancetest.Deviations{})})
	if err != nil {
		t.Fatal(err)
	}
	if !c.OK() || c.Cases < 150 || len(c.Results) != 0 || len(c.Servers) != 2 {
		t.Fatalf("%+v", c)
	}
	var b bytes.Buffer
	if err := WriteTextWidth(&b, &Report{Conformance: c}, 80); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Every case agreed and conformed.") || strings.Contains(b.String(), "Disagreements\n") {
		t.Errorf("text:\n%s", b.String())
	}
}

// A server with loose routing (issue 12 #5) disagrees with a faithful one: the report
// counts the disagreements, puts the violations on the deviant alone, and every
// renderer shows them, the text within the width it is given.
func TestDifferentialFindsDisagreements(t *testing.T) {
	c, err := Differential(context.Background(), ConformanceOptions{WebSocket: true},
		[]RunningServer{contractServer(t, "faithful", conformancetest.Deviations{}), contractServer(t, "loose", conformancetest.Deviations{LooseRouting: true})})
	if err != nil {
		t.Fatal(err)
	}
	if c.OK() || c.Disagreements == 0 || c.Servers[0].Violations != 0 || c.Servers[1].Violations == 0 || c.Servers[1].FailedCases == 0 {
		t.Fatalf("%+v", c.Servers)
	}
	r := &Report{Conformance: c}
	for _, width := range []int{40, 80, 132} {
		var b bytes.Buffer
		if err := WriteTextWidth(&b, r, width); err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(b.String(), "\n") {
			if runeLen(line) > width {
				t.Errorf("width %d: a line of %d: %q", width, runeLen(line), line)
			}
		}
		for _, want := range []string{"Disagreements", "case listItems/mutation/upper-case: GET /V1/ITEMS", "expected-status"} {
			if width >= 80 && !strings.Contains(b.String(), want) {
				t.Errorf("width %d: the text lacks %q", width, want)
			}
		}
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "### Disagreements") || !strings.Contains(md.String(), "| status | 404 | 200 |") {
		t.Errorf("markdown:\n%s", md.String())
	}
}

func TestDifferentialCases(t *testing.T) {
	one := []RunningServer{contractServer(t, "a", conformancetest.Deviations{})}
	c, err := Differential(context.Background(), ConformanceOptions{Cases: regexp.MustCompile(`^createItem/`)}, one)
	if err != nil {
		t.Fatal(err)
	}
	if c.Cases < 20 || c.Selected != "^createItem/" || !c.OK() {
		t.Errorf("%+v", c)
	}
	if _, err := Differential(context.Background(), ConformanceOptions{Cases: regexp.MustCompile(`nothing-like-this`)}, one); !errors.Is(err, ErrNoCases) {
		t.Errorf("no case matched: %v", err)
	}
	if _, err := Differential(context.Background(), ConformanceOptions{}, append(one, one[0], one[0])); !errors.Is(err, ErrConformanceTargets) {
		t.Errorf("three servers: %v", err)
	}
}
