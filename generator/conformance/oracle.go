package conformance

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stackpick/stackpick/generator/openapi"
)

// Finding is one way an answer breaks the document or the contract.
type Finding struct {
	Target string `json:"target"`
	// Rule is stable: "document/<openapi.Rule>" for what the document says, else one of
	// expected-status, expected-pointers, request-id, problem-request-id, problem-instance,
	// problem-echo, server-header, setup, transport.
	Rule   string `json:"rule"`
	Detail string `json:"detail"`
}

// Judge checks one answer against the document (status, content type, body, headers)
// and the contract's readings the document cannot express; nil means it conforms.
func Judge(doc *openapi.Document, c Case, target string, a Answer) []Finding {
	var out []Finding
	add := func(rule, format string, args ...any) {
		out = append(out, Finding{Target: target, Rule: rule, Detail: fmt.Sprintf(format, args...)})
	}
	for _, v := range doc.Check(openapi.Exchange{Method: c.Method, Target: a.Sent, Status: a.Status, Header: a.Header, Body: a.Body}) {
		add("document/"+string(v.Rule), "%s", v.Detail)
	}
	if a.Status != c.Expect.Status {
		add("expected-status", "%d, the contract says %d", a.Status, c.Expect.Status)
	}
	s := Summarize(c, a)
	if c.Expect.Pointers != nil && a.Status == c.Expect.Status && strings.Join(s.Pointers, "; ") != strings.Join(c.Expect.Pointers, "; ") {
		add("expected-pointers", "errors at [%s], the contract says [%s]", strings.Join(s.Pointers, "; "), strings.Join(c.Expect.Pointers, "; "))
	}
	if id := a.Header.Get("X-Request-Id"); id != "" {
		sent := c.Header.Get("X-Request-Id")
		switch {
		case sent != "" && requestIDRe.MatchString(sent) && id != sent:
			add("request-id", "the caller's valid X-Request-Id %q was not echoed (got %q)", sent, id)
		case (sent == "" || !requestIDRe.MatchString(sent)) && !uuidV4.MatchString(id):
			add("request-id", "%q is not a new UUID v4", id)
		}
	}
	for _, h := range []string{"Server", "X-Powered-By"} {
		if a.Header.Get(h) != "" {
			add("server-header", "%s: %s", h, a.Header.Get(h))
		}
	}
	if s.ContentType == "application/problem+json" {
		var p struct {
			Detail    string `json:"detail"`
			Instance  string `json:"instance"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal(a.Body, &p) == nil {
			if p.RequestID != a.Header.Get("X-Request-Id") {
				add("problem-request-id", "request_id %q, X-Request-Id %q", p.RequestID, a.Header.Get("X-Request-Id"))
			}
			path, _, _ := strings.Cut(a.Sent, "?")
			if !instanceIsPath(a.Status, p.Instance, path) {
				add("problem-instance", "instance %q, the request path as sent is %q", p.Instance, path)
			}
			segment := path[strings.LastIndex(path, "/")+1:]
			if c.Expect.NoEcho != "" && (strings.Contains(p.Detail, c.Expect.NoEcho) || segment != "" && strings.Contains(p.Detail, segment)) {
				add("problem-echo", "the detail %q repeats what the client sent", p.Detail)
			}
		}
	}
	return out
}
