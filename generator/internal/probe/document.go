package probe

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/stackpick/stackpick/generator/openapi"
)

// documentCheckID is the check that reports the answers, received by every other check,
// that the OpenAPI document does not allow. It runs after the contract checks and before
// the CORS ones, whose answers depend on a setting the document does not describe.
const documentCheckID = "openapi.response"

// maxBrokenShown is how many broken answers the check's detail names; the count covers all.
const maxBrokenShown = 8

// brokenAnswer is one answer that breaks the document, and how many more broke it the
// same way (same method, path template, status and violations).
type brokenAnswer struct {
	method, target string
	status         int
	violations     []openapi.Violation
	key            string
	times          int
}

func (b brokenAnswer) String() string {
	var rules []string
	for _, v := range b.violations {
		rules = append(rules, string(v.Rule)+": "+schemaPrefix.ReplaceAllString(v.Detail, ""))
	}
	s := fmt.Sprintf("%s %s → %d: %s", b.method, b.target, b.status, strings.Join(rules, "; "))
	if b.times > 1 {
		s += fmt.Sprintf(" (×%d)", b.times)
	}
	return s
}

// schemaPrefix is the JSON Schema validator's preamble, which names the schema's
// location rather than what is wrong.
var schemaPrefix = regexp.MustCompile(`jsonschema validation failed with '[^']*' - `)

// judge checks one answer against the document and keeps it when it breaks it. A CORS
// preflight (OPTIONS with Origin and Access-Control-Request-Method) is left to the CORS
// checks: the document describes the API, not the CORS layer a setting adds.
func (p *prober) judge(req *http.Request, status int, h http.Header, body []byte) {
	if p.doc == nil || req.Method == http.MethodOptions && req.Header.Get("Origin") != "" && req.Header.Get("Access-Control-Request-Method") != "" {
		return
	}
	target := req.URL.RequestURI()
	p.seen++
	vs := p.doc.Check(openapi.Exchange{Method: req.Method, Target: target, Status: status, Header: h, Body: body})
	if len(vs) == 0 {
		return
	}
	p.failures++
	path, _, _ := strings.Cut(target, "?")
	where := p.doc.Match(req.Method, path).Path
	if where == "" {
		where = "(unknown path)"
	}
	key := fmt.Sprintf("%s %s %d %v", req.Method, where, status, vs)
	for i := range p.broken {
		if p.broken[i].key == key {
			p.broken[i].times++
			return
		}
	}
	p.broken = append(p.broken, brokenAnswer{method: req.Method, target: target, status: status, violations: vs, key: key, times: 1})
}

// documentVerdict is the openapi.response check: nil when every answer judged so far fits
// the document, else an error naming the first broken ones (method, path, status, rule).
func (p *prober) documentVerdict(loadErr error) error {
	switch {
	case loadErr != nil:
		return fmt.Errorf("the contract's OpenAPI document does not load: %w", loadErr)
	case p.seen == 0:
		return fmt.Errorf("no answer was checked against the OpenAPI document")
	case len(p.broken) == 0:
		return nil
	}
	var lines []string
	for i, b := range p.broken {
		if i == maxBrokenShown {
			lines = append(lines, fmt.Sprintf("… and %d more %s", len(p.broken)-maxBrokenShown, plural(len(p.broken)-maxBrokenShown, "way", "ways")))
			break
		}
		lines = append(lines, b.String())
	}
	return fmt.Errorf("%d of %d answers break the OpenAPI document, %d %s:\n%s", p.failures, p.seen, len(p.broken), plural(len(p.broken), "way", "ways"), strings.Join(lines, "\n"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
