package openapi

import (
	"net/http"
	"slices"
	"strings"
)

// pathTemplate is a document path split into segments; a segment in braces is a parameter.
type pathTemplate struct {
	path     string
	segments []string
}

func parseTemplate(path string) pathTemplate {
	return pathTemplate{path: path, segments: strings.Split(strings.TrimPrefix(path, "/"), "/")}
}

// match reports whether a raw (still percent-encoded) path fits the template, and the
// parameters' raw values. Matching is exact and case-sensitive, as the contract reads:
// /livez/ and /V1/ITEMS match nothing, and a parameter takes one non-empty segment.
func (t pathTemplate) match(rawPath string) (map[string]string, bool) {
	got := strings.Split(strings.TrimPrefix(rawPath, "/"), "/")
	if !strings.HasPrefix(rawPath, "/") || len(got) != len(t.segments) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range t.segments {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if got[i] == "" {
				return nil, false
			}
			params[seg[1:len(seg)-1]] = got[i]
			continue
		}
		if got[i] != seg {
			return nil, false
		}
	}
	return params, true
}

// Match is where a request lands in the document.
type Match struct {
	// Path is the matched path template; "" when the path is unknown (a 404 is expected).
	Path string
	// Operation is the operation that serves the request; nil when the path is unknown or
	// does not serve the method (a 405 is expected). HEAD lands on the path's GET.
	Operation *Operation
	// Head is true for a HEAD request served by the GET operation: no body is expected.
	Head bool
	// Allowed lists the methods the path serves (upper case, document order); the Allow
	// header of a 405 must name them all.
	Allowed []string
	// Params holds the path parameters' raw values.
	Params map[string]string
}

// Match finds the operation for a method and a raw request path (no query). The path is
// matched as sent, percent-encoding kept: /v1/items%3Flimit=5 is an unknown path.
func (d *Document) Match(method, rawPath string) Match {
	method = strings.ToUpper(method)
	for _, t := range d.templates {
		params, ok := t.match(rawPath)
		if !ok {
			continue
		}
		m := Match{Path: t.path, Params: params}
		item := d.spec.Paths.Value(t.path)
		for _, candidate := range methodOrder {
			if item.GetOperation(candidate) != nil {
				m.Allowed = append(m.Allowed, candidate)
			}
		}
		lookup := method
		if method == http.MethodHead && item.GetOperation(http.MethodHead) == nil {
			lookup, m.Head = http.MethodGet, true
		}
		if op := item.GetOperation(lookup); op != nil {
			m.Operation = &Operation{Method: lookup, Path: t.path, ID: op.OperationID}
		} else {
			m.Head = false
		}
		return m
	}
	return Match{}
}

// allowCovers reports whether an Allow header value names every method of the path, and
// nothing else but HEAD (where GET is served) and OPTIONS, which the contract permits.
func allowCovers(allow string, allowed []string) (missing, extra []string) {
	var listed []string
	for _, m := range strings.Split(allow, ",") {
		if m = strings.TrimSpace(m); m != "" {
			listed = append(listed, strings.ToUpper(m))
		}
	}
	for _, m := range allowed {
		if !slices.Contains(listed, m) {
			missing = append(missing, m)
		}
	}
	for _, m := range listed {
		ok := slices.Contains(allowed, m) || m == http.MethodOptions ||
			(m == http.MethodHead && slices.Contains(allowed, http.MethodGet))
		if !ok {
			extra = append(extra, m)
		}
	}
	return missing, extra
}
