package openapi

import (
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Exchange is one request and the answer it got, as seen on the wire.
type Exchange struct {
	Method string
	// Target is the request target as sent: the raw path, percent-encoding kept, and an
	// optional ?query.
	Target string
	Status int
	Header http.Header
	Body   []byte
}

// Rule names what a Violation breaks; the names are stable, for JSON output and tests.
type Rule string

const (
	RuleStatusUndeclared Rule = "status-undeclared" // the document declares no such status here
	RuleContentType      Rule = "content-type"      // the Content-Type is not a declared one
	RuleBodySchema       Rule = "body-schema"       // the body does not fit the declared schema
	RuleBodyNotEmpty     Rule = "body-not-empty"    // a body where none is declared, or on HEAD
	RuleHeaderMissing    Rule = "header-missing"    // a required header is absent
	RuleHeaderValue      Rule = "header-value"      // a header's value does not fit its schema
	RuleAllow            Rule = "allow"             // a 405's Allow does not name the path's methods
)

// Violation is one way an answer breaks the document.
type Violation struct {
	Rule   Rule   `json:"rule"`
	Detail string `json:"detail"`
}

func (v Violation) String() string { return string(v.Rule) + ": " + v.Detail }

// anyRequest names the components/responses that answer requests no operation declares
// them for: an unknown path, a wrong method, an oversized request head, a server fault.
var anyRequest = map[int]string{
	http.StatusNotFound:                    "NotFound",
	http.StatusMethodNotAllowed:            "MethodNotAllowed",
	http.StatusRequestHeaderFieldsTooLarge: "RequestHeaderFieldsTooLarge",
	http.StatusInternalServerError:         "InternalServerError",
}

// AnyRequestResponses lists the components/responses names the checks rely on; a document
// without them cannot judge 404, 405, 431 or 500 answers (the document test checks them).
func AnyRequestResponses() []string {
	var names []string
	for _, n := range anyRequest {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// response is a declared response and the JSON pointer it sits at.
type response struct {
	ref     *openapi3.ResponseRef
	pointer string
}

// Expected lists the statuses the document lets a request get, sorted: the operation's
// declared ones plus 431, or 404/405 (and 431, 500) where no operation serves it.
func (d *Document) Expected(m Match) []int {
	var out []int
	for status := 100; status < 600; status++ {
		if _, ok := d.declared(m, status); ok {
			out = append(out, status)
		}
	}
	return out
}

func (d *Document) declared(m Match, status int) (response, bool) {
	if m.Operation != nil {
		op := d.spec.Paths.Value(m.Operation.Path).GetOperation(m.Operation.Method)
		key := strconv.Itoa(status)
		ref := op.Responses.Value(key)
		if ref == nil {
			key = string(key[0]) + "XX"
			ref = op.Responses.Value(key)
		}
		if ref == nil {
			key, ref = "default", op.Responses.Default()
		}
		if ref != nil {
			ptr := "#/paths/" + escapePointer(m.Operation.Path) + "/" + strings.ToLower(m.Operation.Method) + "/responses/" + key
			if ref.Ref != "" {
				ptr = ref.Ref
			}
			return response{ref: ref, pointer: ptr}, true
		}
	}
	name, ok := anyRequest[status]
	switch {
	case !ok:
		return response{}, false
	case status == http.StatusNotFound && m.Path != "":
		return response{}, false
	case status == http.StatusMethodNotAllowed && (m.Path == "" || m.Operation != nil):
		return response{}, false
	}
	ref := d.spec.Components.Responses[name]
	if ref == nil {
		return response{}, false
	}
	return response{ref: ref, pointer: "#/components/responses/" + name}, true
}

// Check judges one exchange against the document and returns every violation found, in a
// fixed order; none means the answer is one the document allows.
func (d *Document) Check(ex Exchange) []Violation {
	rawPath, _, _ := strings.Cut(ex.Target, "?")
	m := d.Match(ex.Method, rawPath)
	resp, ok := d.declared(m, ex.Status)
	if !ok {
		where := "an unknown path"
		if m.Operation != nil {
			where = m.Operation.Method + " " + m.Operation.Path
		} else if m.Path != "" {
			where = ex.Method + " on " + m.Path + ", which it does not serve"
		}
		return []Violation{{RuleStatusUndeclared, fmt.Sprintf("status %d is not declared for %s (declared: %v)", ex.Status, where, d.Expected(m))}}
	}
	var out []Violation
	out = append(out, d.checkHeaders(resp, ex.Header)...)
	if ex.Status == http.StatusMethodNotAllowed && m.Path != "" {
		missing, extra := allowCovers(ex.Header.Get("Allow"), m.Allowed)
		if len(missing) > 0 || len(extra) > 0 {
			out = append(out, Violation{RuleAllow, fmt.Sprintf("Allow %q: missing %v, not served %v", ex.Header.Get("Allow"), missing, extra)})
		}
	}
	out = append(out, d.checkContent(resp, ex, m.Head || ex.Method == http.MethodHead)...)
	return out
}

func (d *Document) checkHeaders(resp response, got http.Header) []Violation {
	names := make([]string, 0, len(resp.ref.Value.Headers))
	for name := range resp.ref.Value.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	var out []Violation
	for _, name := range names {
		h := resp.ref.Value.Headers[name]
		values := got.Values(name)
		if len(values) == 0 {
			if h.Value != nil && h.Value.Required {
				out = append(out, Violation{RuleHeaderMissing, name})
			}
			continue
		}
		if len(values) > 1 {
			out = append(out, Violation{RuleHeaderValue, fmt.Sprintf("%s sent %d times", name, len(values))})
			continue
		}
		ptr := resp.pointer + "/headers/" + escapePointer(name) + "/schema"
		if h.Ref != "" {
			ptr = h.Ref + "/schema"
		}
		s, err := d.schema(ptr)
		if err != nil {
			continue // a header described with content, not schema: not judged
		}
		if err := s.Validate(values[0]); err != nil {
			out = append(out, Violation{RuleHeaderValue, fmt.Sprintf("%s: %q does not fit the document", name, values[0])})
		}
	}
	return out
}

func (d *Document) checkContent(resp response, ex Exchange, head bool) []Violation {
	content := resp.ref.Value.Content
	if len(content) == 0 || head {
		if len(ex.Body) > 0 {
			why := "the document declares no body for this status"
			if head {
				why = "an answer to HEAD has no body"
			}
			return []Violation{{RuleBodyNotEmpty, fmt.Sprintf("%d bytes: %s", len(ex.Body), why)}}
		}
		if len(content) == 0 || ex.Header.Get("Content-Type") == "" {
			return nil
		}
	}
	ct := ex.Header.Get("Content-Type")
	mediaType, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return []Violation{{RuleContentType, fmt.Sprintf("%q is not a media type (declared: %s)", ct, strings.Join(mediaTypes(content), ", "))}}
	}
	key := ""
	for _, declared := range mediaTypes(content) {
		if strings.EqualFold(declared, mediaType) {
			key = declared
		}
	}
	if key == "" {
		return []Violation{{RuleContentType, fmt.Sprintf("%q (declared: %s)", ct, strings.Join(mediaTypes(content), ", "))}}
	}
	if head || content[key].Schema == nil {
		return nil
	}
	ptr := resp.pointer + "/content/" + escapePointer(key) + "/schema"
	if err := d.ValidateJSON(ptr, ex.Body); err != nil {
		return []Violation{{RuleBodySchema, oneLine(err.Error())}}
	}
	return nil
}

func mediaTypes(c openapi3.Content) []string {
	out := make([]string, 0, len(c))
	for k := range c {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// oneLine folds a multi-line validation error into one line for reports.
func oneLine(s string) string {
	fields := strings.Fields(s)
	s = strings.Join(fields, " ")
	if len(s) > 400 {
		s = strings.ToValidUTF8(s[:400], "") + "…"
	}
	return s
}
