package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stackpick/stackpick/cmd/internal/iostreams"
	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/templates"
)

// runWidth is runTest with standard output as wide as a terminal of width columns.
func runWidth(t *testing.T, width int, args ...string) (code int, stdout, stderr *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetWidth(width)
	e := &env{
		io:        ios,
		lookupEnv: func(string) (string, bool) { return "", false },
		catalog:   func() (*catalog.Catalog, error) { return templates.Catalog() },
	}
	return run(args, e), out, errOut
}

// recommendText runs recommend with text output and fails on a non-zero exit.
func recommendText(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runTest(t, append([]string{"recommend"}, args...)...)
	if code != 0 {
		t.Fatalf("recommend %v: exit %d: %s", args, code, errOut)
	}
	return out.String()
}

// every decision answer given, none defaulted.
var allGiven = []string{"--set", "workload=api", "--set", "team_language=both", "--set", "js_frontend=no", "--set", "priority=simplicity", "--set", "scale=mvp", "--set", "domain=other"}

// tieAnswers give node and python 4 points each.
var tieAnswers = []string{"--set", "workload=realtime", "--set", "team_language=both", "--set", "js_frontend=no", "--set", "priority=hiring", "--set", "scale=mvp", "--set", "domain=science"}

func TestRecommendVerdictFirst(t *testing.T) {
	out := recommendText(t, append([]string{"--yes", "--set", "workload=realtime", "--set", "team_language=javascript"}, "--set", "scale=massive")...)
	lines := strings.Split(out, "\n")
	for i, want := range []string{"Recommended stack: node (a clear call)", "Totals: node 10, python 3; margin 7.", "Decided by: architecture, node +3 from workload=realtime; scalability, node"} {
		if !strings.HasPrefix(lines[i], want) {
			t.Errorf("line %d: %q, want it to start %q\n%s", i+1, lines[i], want, out)
		}
	}
}

func TestRecommendMarksDefaults(t *testing.T) {
	out := recommendText(t, "--yes", "--set", "workload=realtime")
	for _, want := range []string{
		"workload=realtime, team_language=both (default),",            // the answers line
		"    workload=realtime: Node's single-threaded",               // a given answer's reason, unmarked
		"    priority=simplicity (default): Python's readable syntax", // a default's reason, marked
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "workload=realtime (default)") {
		t.Errorf("a given answer is marked as a default:\n%s", out)
	}
	if out := recommendText(t, allGiven...); strings.Contains(out, "default") {
		t.Errorf("every answer given, yet the output speaks of defaults:\n%s", out)
	}
}

func TestRecommendSaysWhenDefaultsDecide(t *testing.T) {
	out := recommendText(t, "--yes")
	if !strings.Contains(out, "Decided by defaults alone (no answer you gave scored): syntax, python +3 from\n  priority=simplicity (default).") {
		t.Errorf("recommend --yes does not say the verdict rests on defaults alone:\n%s", out)
	}
	if !strings.Contains(out, "Give your own answers") {
		t.Errorf("no hint to give answers:\n%s", out)
	}
	// Given answers that lose to a default: said, with what the answers alone give.
	out = recommendText(t, "--yes", "--set", "scale=steady")
	if !strings.Contains(out, "Decided by defaults (your answers alone give python 0, node 1)") {
		t.Errorf("scale=steady with defaults:\n%s", out)
	}
	// Given answers that decide: no word about defaults deciding.
	out = recommendText(t, "--yes", "--set", "workload=ml")
	if !strings.Contains(out, "Decided by: universality, python +4 from workload=ml;") || strings.Contains(out, "Decided by defaults") {
		t.Errorf("workload=ml decides alone:\n%s", out)
	}
	// new without prompts says it in its one-line summary.
	code, stdout, stderr := runTest(t, "new", t.TempDir()+"/demo", "--yes", "--dry-run")
	if code != 0 {
		t.Fatalf("new --yes --dry-run: exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout.String(), "Recommended: python (a close call; python 3, node 1), resting on defaults alone.") {
		t.Errorf("new --yes summary:\n%s", stdout)
	}
}

func TestRecommendListsOnlyScoredCriteria(t *testing.T) {
	out := recommendText(t, "--yes")
	scored := regexp.MustCompile(`(?m)^  ([A-Z][a-z ]+): `).FindAllStringSubmatch(out, -1)
	var got []string
	for _, m := range scored {
		got = append(got, m[1])
	}
	if strings.Join(got, ",") != "Architecture,Syntax" {
		t.Errorf("criteria listed %v, want Architecture,Syntax:\n%s", got, out)
	}
	if !strings.Contains(out, "No points: scalability, universality, learning curve, speed, data processing,\n  performance, community, popularity.") {
		t.Errorf("no single line for the criteria without points:\n%s", out)
	}
	// A weight of 0 is named as the reason a criterion got nothing.
	out = recommendText(t, append(allGiven, "--weight", "syntax=0")...)
	if !strings.Contains(out, "No points:") || !strings.Contains(out, "syntax (weight 0)") {
		t.Errorf("syntax=0:\n%s", out)
	}
}

func TestRecommendTieRuleOnlyOnTie(t *testing.T) {
	const rule = "A tie goes to the language the team knows best"
	out := recommendText(t, tieAnswers...)
	if !strings.Contains(out, "Totals: python 4, node 4; a tie.\nDecided by the tie rule: "+rule) {
		t.Errorf("a tie without its rule:\n%s", out)
	}
	for _, args := range [][]string{{"--yes"}, allGiven, {"--yes", "--set", "workload=realtime"}} {
		if out := recommendText(t, args...); strings.Contains(strings.ToLower(out), "tie") {
			t.Errorf("recommend %v: no tie, but the output speaks of one:\n%s", args, out)
		}
	}
}

func TestRecommendWrapsToWidth(t *testing.T) {
	cases := [][]string{
		{"--yes"},
		tieAnswers,
		{"--yes", "--set", "workload=streaming", "--set", "scale=massive", "--weight", "speed=2.5", "--weight", "data_processing=0"},
		{"--yes", "--set", "workload=compute", "--set", "priority=hiring", "--set", "domain=education"},
	}
	for _, width := range []int{40, 50, 64, 80, 100} {
		for _, args := range cases {
			code, out, stderr := runWidth(t, width, append([]string{"recommend"}, args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, line := range strings.Split(out.String(), "\n") {
				if n := utf8.RuneCountInString(line); n > width {
					t.Errorf("width %d, recommend %v: a line of %d columns: %q", width, args, n, line)
				}
			}
		}
	}
	// A wider terminal is used: some line is longer than 80 columns.
	_, out, _ := runWidth(t, 160, "recommend", "--yes")
	long := false
	for _, line := range strings.Split(out.String(), "\n") {
		long = long || len(line) > 80
	}
	if !long {
		t.Errorf("at 160 columns every line still fits 80:\n%s", out)
	}
	// new's one-line summary wraps too.
	_, out, _ = runWidth(t, 40, "new", t.TempDir()+"/x", "--yes", "--dry-run")
	if first := strings.SplitN(out.String(), "\n", 2)[0]; len(first) > 40 || !strings.HasPrefix(first, "Recommended: python") {
		t.Errorf("new's summary at 40 columns: %q", first)
	}
}

func TestWrap(t *testing.T) {
	for _, tt := range []struct {
		text, first, rest string
		width             int
		want              string
	}{
		{"one two three", "", "", 7, "one two\nthree"},
		{"one two three", "  ", "    ", 9, "  one two\n    three"},
		{"a\u00a0b c", "", "", 3, "a b\nc"},
		{"abcdefghij", "", "  ", 4, "abcd\n  ef\n  gh\n  ij"},
		{"", "  ", "", 10, "  "},
	} {
		if got := wrap(tt.text, tt.width, tt.first, tt.rest); got != tt.want {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

func TestRecommendJSON(t *testing.T) {
	code, out, stderr := runTest(t, "recommend", "--yes", "--set", "workload=streaming", "--weight", "speed=3", "--weight", "community=1", "--output", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(out.String(), "{\n  \"schema_version\": 1,\n") {
		t.Errorf("schema_version is not the first member:\n%.200s", out)
	}
	var got struct {
		SchemaVersion  int  `json:"schema_version"`
		WeightsChanged bool `json:"weights_changed"`
		ChangedWeights []struct {
			Criterion string  `json:"criterion"`
			Old       float64 `json:"old"`
			New       float64 `json:"new"`
		} `json:"changed_weights"`
		Criteria []struct {
			ID      string   `json:"id"`
			Caveats []string `json:"caveats"`
		} `json:"criteria"`
		Defaulted []string `json:"defaulted"`
		Basis     string   `json:"basis"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// community=1 is its weight already: not a change.
	if got.SchemaVersion != 1 || !got.WeightsChanged || len(got.ChangedWeights) != 1 ||
		got.ChangedWeights[0].Criterion != "speed" || got.ChangedWeights[0].Old != 1 || got.ChangedWeights[0].New != 3 {
		t.Errorf("schema_version %d, changed weights %+v", got.SchemaVersion, got.ChangedWeights)
	}
	caveats := map[string]int{}
	for _, row := range got.Criteria {
		if row.Caveats == nil {
			t.Errorf("criterion %s: caveats missing or null", row.ID)
		}
		caveats[row.ID] = len(row.Caveats)
	}
	if caveats["data_processing"] != 1 || caveats["architecture"] != 1 || caveats["scalability"] != 0 {
		t.Errorf("caveats per criterion: %v", caveats)
	}
	if strings.Join(got.Defaulted, ",") != "team_language,js_frontend,priority,scale,domain" || got.Basis != "answers" {
		t.Errorf("defaulted %v, basis %s", got.Defaulted, got.Basis)
	}
}
