package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Summary is the part of an answer that two servers must agree on. Values that rightly
// differ (ids, timestamps, request ids, the problem detail's wording) are left out or
// reduced to their kind.
type Summary struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"` // the media type, lower case, no parameters
	// The problem's members, for application/problem+json answers.
	ProblemType   string `json:"problem_type,omitempty"`
	ProblemTitle  string `json:"problem_title,omitempty"`
	ProblemStatus string `json:"problem_status,omitempty"` // as JSON text: 404, or "404" if a string
	Instance      string `json:"instance,omitempty"`       // "(the request path)" when it is, as sent
	// Pointers are a 422's errors as "in pointer", sorted.
	Pointers []string `json:"pointers,omitempty"`
	// Headers are the contract headers, each reduced to what must match (see ContractHeaders).
	Headers map[string]string `json:"headers"`
	// Body is a success answer's JSON with id, created_at, updated_at and request_id masked,
	// keys sorted; "(n bytes)" for other bodies, "" for none.
	Body string `json:"body,omitempty"`
}

// ContractHeaders are the headers compared between servers, in report order.
var ContractHeaders = []string{
	"X-Request-Id", "X-Content-Type-Options", "Cache-Control", "Referrer-Policy", "X-Frame-Options",
	"Content-Security-Policy", "Allow", "Location", "Server", "X-Powered-By",
}

var (
	uuidV4      = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)
)

// Summarize reduces an answer to a case to what is compared.
func Summarize(c Case, a Answer) Summary {
	s := Summary{Status: a.Status, Headers: map[string]string{}}
	if ct := a.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			s.ContentType = mt
		} else {
			s.ContentType = "invalid: " + ct
		}
	}
	for _, name := range ContractHeaders {
		s.Headers[name] = headerKind(name, c, a.Header.Values(name))
	}
	switch {
	case s.ContentType == "application/problem+json":
		var p struct {
			Type     string          `json:"type"`
			Title    string          `json:"title"`
			Status   json.RawMessage `json:"status"`
			Instance string          `json:"instance"`
			Errors   []struct {
				In      string `json:"in"`
				Pointer string `json:"pointer"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(a.Body, &p); err != nil {
			s.Body = "not JSON"
			break
		}
		s.ProblemType, s.ProblemTitle, s.ProblemStatus, s.Instance = p.Type, p.Title, string(p.Status), p.Instance
		if path, _, _ := strings.Cut(a.Sent, "?"); instanceIsPath(a.Status, p.Instance, path) {
			s.Instance = "(the request path)" // ids made for the case differ between servers
		}
		for _, e := range p.Errors {
			s.Pointers = append(s.Pointers, e.In+" "+e.Pointer)
		}
		slices.Sort(s.Pointers)
	case len(a.Body) == 0:
	case s.ContentType == "application/json" && !strings.HasSuffix(strings.SplitN(a.Sent, "?", 2)[0], "/openapi.json"):
		s.Body = maskedJSON(a.Body)
	default:
		s.Body = fmt.Sprintf("(%d bytes)", len(a.Body))
	}
	return s
}

// headerKind reduces a header to what two servers must share: the security headers'
// values; for X-Request-Id whether it echoes the caller's or is a new UUID v4; Allow's
// methods without HEAD and OPTIONS (which the contract lets a server add); whether
// Location is an item's relative path; and whether Server and X-Powered-By are present.
func headerKind(name string, c Case, values []string) string {
	if len(values) == 0 {
		return "absent"
	}
	if len(values) > 1 {
		return fmt.Sprintf("sent %d times", len(values))
	}
	v := values[0]
	switch name {
	case "X-Request-Id":
		sent := c.Header.Get("X-Request-Id")
		switch {
		case sent != "" && v == sent:
			return "echoed"
		case uuidV4.MatchString(v):
			return "new UUID v4"
		default:
			return "other"
		}
	case "Allow":
		var methods []string
		for _, m := range strings.Split(v, ",") {
			m = strings.ToUpper(strings.TrimSpace(m))
			if m != "" && m != http.MethodHead && m != http.MethodOptions {
				methods = append(methods, m)
			}
		}
		slices.Sort(methods)
		return strings.Join(methods, ", ")
	case "Location":
		if itemPath.MatchString(v) {
			return "/v1/items/{id}"
		}
		return v
	case "Server", "X-Powered-By":
		return "present"
	}
	return v
}

// maskedJSON re-encodes a JSON text with sorted keys, numbers as written, and the values
// that differ between any two correct servers masked.
func maskedJSON(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return "not JSON"
	}
	out, err := json.Marshal(mask(v))
	if err != nil {
		return "not JSON"
	}
	return string(out)
}

func mask(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			switch k {
			case "id", "created_at", "updated_at", "request_id":
				t[k] = "…"
			default:
				t[k] = mask(e)
			}
		}
	case []any:
		for i := range t {
			t[i] = mask(t[i])
		}
	}
	return v
}

// Difference is one field on which the servers' answers to a case disagree.
type Difference struct {
	Field  string   `json:"field"`  // status, content_type, problem_title, pointers, header X-Request-Id, body, ...
	Values []string `json:"values"` // one per target, in target order
}

// Compare lists the fields on which two summaries differ, in a fixed order.
func Compare(a, b Summary) []Difference {
	var out []Difference
	add := func(field, x, y string) {
		if x != y {
			out = append(out, Difference{Field: field, Values: []string{x, y}})
		}
	}
	add("status", fmt.Sprint(a.Status), fmt.Sprint(b.Status))
	add("content_type", a.ContentType, b.ContentType)
	add("problem_type", a.ProblemType, b.ProblemType)
	add("problem_title", a.ProblemTitle, b.ProblemTitle)
	add("problem_status", a.ProblemStatus, b.ProblemStatus)
	add("instance", a.Instance, b.Instance)
	add("pointers", strings.Join(a.Pointers, "; "), strings.Join(b.Pointers, "; "))
	for _, name := range ContractHeaders {
		add("header "+name, a.Headers[name], b.Headers[name])
	}
	add("body", a.Body, b.Body)
	return out
}

// instanceIsPath reports whether a problem's instance is the request path as sent. A
// head refused before the server read its request line whole (431 over the cap, 408
// on the head timeout) may name "/" instead: the contract's reading, since Node.js
// reports a header overflow with only the last piece it read.
func instanceIsPath(status int, instance, path string) bool {
	return instance == path || instance == "/" && (status == 431 || status == 408)
}
