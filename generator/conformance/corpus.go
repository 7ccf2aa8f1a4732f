// Package conformance sends a corpus of requests, generated from the contract's OpenAPI
// document, to one or two servers: it compares the two answers to each request (status,
// content type, problem type/title/status/instance, validation pointers, contract headers,
// success bodies) and checks every answer against the document and the contract's readings.
// Findings are returned as data; `stackpick compare --conformance` and `verify` render them.
package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stackpick/stackpick/generator/openapi"
)

// Group says why a case is in the corpus.
type Group string

const (
	GroupValid    Group = "valid"    // a request the document describes, with ordinary values
	GroupBoundary Group = "boundary" // a limit of a schema: min, max, lengths, counts
	GroupMutation Group = "mutation" // a request the contract must refuse, or a wire-level oddity
)

// Case is one request of the corpus and what the contract says it must get.
type Case struct {
	// Name is unique and stable: operation (or "any"), group, what, e.g.
	// "createItem/mutation/quantity-1e3". Reports and tests refer to cases by it.
	Name  string `json:"name"`
	Group Group  `json:"group"`
	// Note cites the reading or the issue the case stands for.
	Note string `json:"note,omitempty"`
	// Items is how many items to create before the request; "{id}" in Target becomes the
	// first one's id and "{ID}" the same id in upper case. They are deleted afterwards, and
	// so is an item the request itself creates, so every case starts from an empty store.
	Items  int         `json:"items,omitempty"`
	Method string      `json:"method"`
	Target string      `json:"target"` // raw path, percent-encoding kept, and ?query
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"-"`
	// Chunked sends the body without Content-Length.
	Chunked bool   `json:"chunked,omitempty"`
	Expect  Expect `json:"expect"`
}

// Expect is the contract's answer to a case.
type Expect struct {
	Status int `json:"status"`
	// Pointers, when not nil, are the validation errors a 422 must name, as "in pointer"
	// ("body /quantity", "query limit", "body " for the body itself), sorted.
	Pointers []string `json:"pointers,omitempty"`
	// NoEcho is client input the answer's problem detail must not repeat.
	NoEcho string `json:"no_echo,omitempty"`
}

// Settings the corpus assumes: the contract's defaults, which the servers must run with.
const (
	BodyLimitBytes = 102400
	MaxHeaderBytes = 16384
)

// unknownID is a well-formed UUID v4 that no server made.
const unknownID = "00000000-0000-4000-8000-000000000000"

// Corpus generates the cases from the document: valid requests for every operation,
// boundary values from the schemas' minimum/maximum, lengths and counts, and mutations.
// The same document always gives the same cases in the same order.
func Corpus(doc *openapi.Document) ([]Case, error) {
	g := &generator{doc: doc}
	for _, op := range doc.Operations() {
		switch {
		case op.Method == http.MethodGet && op.Path == "/v1/ws/echo":
			g.websocket(op)
		case op.Method == http.MethodGet && !strings.Contains(op.Path, "{"):
			if err := g.collection(op); err != nil {
				return nil, err
			}
		case op.Method == http.MethodGet || op.Method == http.MethodDelete:
			g.member(op)
		}
		if ptr := doc.RequestBodyPointer(op); ptr != "" {
			if err := g.bodies(op, ptr); err != nil {
				return nil, err
			}
		}
	}
	g.anyRequest()
	seen := map[string]bool{}
	for _, c := range g.cases {
		if seen[c.Name] {
			return nil, fmt.Errorf("conformance: two cases named %q", c.Name)
		}
		seen[c.Name] = true
	}
	return g.cases, nil
}

type generator struct {
	doc   *openapi.Document
	cases []Case
}

func (g *generator) add(c Case) {
	if c.Pointers() != nil {
		slices.Sort(c.Expect.Pointers)
	}
	g.cases = append(g.cases, c)
}

// Pointers is a shorthand for c.Expect.Pointers.
func (c Case) Pointers() []string { return c.Expect.Pointers }

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

// successStatus is the lowest 2xx the operation declares.
func (g *generator) successStatus(op openapi.Operation) int {
	for _, s := range g.doc.Expected(g.doc.Match(op.Method, strings.ReplaceAll(op.Path, "{id}", unknownID))) {
		if s >= 200 && s < 300 {
			return s
		}
	}
	return http.StatusOK
}

func (g *generator) opSpec(op openapi.Operation) *openapi3.Operation {
	return g.doc.Spec().Paths.Value(op.Path).GetOperation(op.Method)
}

// websocket: the handshake, a handshake to an unknown path, and a plain GET.
func (g *generator) websocket(op openapi.Operation) {
	handshake := func() http.Header {
		return hdr("Connection", "Upgrade", "Upgrade", "websocket", "Sec-WebSocket-Version", "13",
			"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	}
	g.add(Case{Name: op.ID + "/valid/handshake", Group: GroupValid, Method: "GET", Target: op.Path, Header: handshake(),
		Expect: Expect{Status: http.StatusSwitchingProtocols}})
	g.add(Case{Name: op.ID + "/mutation/handshake-unknown-path", Group: GroupMutation, Note: "issue 12 #9: the 404 problem, with request id and security headers",
		Method: "GET", Target: "/v1/ws/nope", Header: handshake(), Expect: Expect{Status: http.StatusNotFound}})
	g.add(Case{Name: op.ID + "/mutation/plain-get", Group: GroupMutation, Note: "reading: a GET without a handshake is 404",
		Method: "GET", Target: op.Path, Expect: Expect{Status: http.StatusNotFound}})
}

// collection: GETs on paths without parameters, and the query parameters' limits.
func (g *generator) collection(op openapi.Operation) error {
	ok := g.successStatus(op)
	g.add(Case{Name: op.ID + "/valid/get", Group: GroupValid, Method: "GET", Target: op.Path, Expect: Expect{Status: ok}})
	g.add(Case{Name: op.ID + "/valid/head", Group: GroupValid, Note: "HEAD wherever GET is (issue 12 #3)", Method: "HEAD", Target: op.Path, Expect: Expect{Status: ok}})
	g.add(Case{Name: op.ID + "/mutation/trailing-slash", Group: GroupMutation, Note: "exact routing (issue 12 #5)", Method: "GET", Target: op.Path + "/", Expect: Expect{Status: http.StatusNotFound}})
	g.add(Case{Name: op.ID + "/mutation/upper-case", Group: GroupMutation, Note: "case-sensitive routing (issue 12 #5)", Method: "GET", Target: strings.ToUpper(op.Path), Expect: Expect{Status: http.StatusNotFound}})
	g.add(Case{Name: op.ID + "/mutation/upgrade-h2c", Group: GroupMutation, Note: "an Upgrade header on a plain path is ignored (issue 12 #1)",
		Method: "GET", Target: op.Path, Header: hdr("Connection", "Upgrade, HTTP2-Settings", "Upgrade", "h2c", "HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"), Expect: Expect{Status: ok}})
	g.add(Case{Name: op.ID + "/mutation/unknown-query", Group: GroupMutation, Note: "reading: an unknown query parameter is ignored", Method: "GET", Target: op.Path + "?unknown=1", Expect: Expect{Status: ok}})

	params := g.opSpec(op).Parameters
	if len(params) > 0 {
		g.add(Case{Name: op.ID + "/valid/page", Group: GroupValid, Items: 3, Method: "GET", Target: op.Path + "?limit=1&offset=1", Expect: Expect{Status: ok}})
	}
	for _, p := range params {
		if p.Value == nil || p.Value.In != "query" || p.Value.Schema == nil {
			continue
		}
		name, s := p.Value.Name, p.Value.Schema.Value
		if !s.Type.Is("integer") {
			continue
		}
		bad := func(what, value, note string) {
			g.add(Case{Name: op.ID + "/mutation/" + name + "-" + what, Group: GroupMutation, Note: note, Method: "GET",
				Target: op.Path + "?" + name + "=" + value, Expect: Expect{Status: http.StatusUnprocessableEntity, Pointers: []string{"query " + name}}})
		}
		good := func(group Group, what, value, note string) {
			g.add(Case{Name: op.ID + "/" + string(group) + "/" + name + "-" + what, Group: group, Note: note, Method: "GET",
				Target: op.Path + "?" + name + "=" + value, Expect: Expect{Status: ok}})
		}
		if s.Min != nil {
			good(GroupBoundary, "minimum", strconv.Itoa(int(*s.Min)), "")
			bad("below-minimum", strconv.Itoa(int(*s.Min)-1), "")
		}
		if s.Max != nil {
			good(GroupBoundary, "maximum", strconv.Itoa(int(*s.Max)), "")
			bad("above-maximum", strconv.Itoa(int(*s.Max)+1), "")
		} else {
			good(GroupBoundary, "huge", "99999999999999999999", "no maximum: any count of decimal digits")
		}
		bad("fraction", "1.5", "decimal integers only (contract: Exact readings)")
		bad("word", "abc", "")
		bad("empty", "", "reading: an empty value is not an integer")
		bad("plus-sign", "%2B5", "reading: decimal digits only")
		bad("space", "%205", "reading: decimal digits only")
		bad("exponent", "1e1", "reading: decimal digits only")
		good(GroupMutation, "leading-zero", "05", "reading: decimal digits, so 05 is 5")
		g.add(Case{Name: op.ID + "/mutation/" + name + "-repeated", Group: GroupMutation, Note: "issue 12 #6, reading: a repeated parameter is 422",
			Method: "GET", Target: op.Path + "?" + name + "=1&" + name + "=2", Expect: Expect{Status: http.StatusUnprocessableEntity, Pointers: []string{"query " + name}}})
	}
	return nil
}

// member: GET and DELETE on a path with an id.
func (g *generator) member(op openapi.Operation) {
	ok := g.successStatus(op)
	at := func(id string) string { return strings.ReplaceAll(op.Path, "{id}", id) }
	g.add(Case{Name: op.ID + "/valid/existing", Group: GroupValid, Items: 1, Method: op.Method, Target: at("{id}"), Expect: Expect{Status: ok}})
	if op.Method == http.MethodGet {
		g.add(Case{Name: op.ID + "/valid/head", Group: GroupValid, Note: "HEAD wherever GET is", Items: 1, Method: "HEAD", Target: at("{id}"), Expect: Expect{Status: ok}})
		g.add(Case{Name: op.ID + "/mutation/trailing-slash", Group: GroupMutation, Note: "exact routing", Items: 1, Method: "GET", Target: at("{id}") + "/", Expect: Expect{Status: http.StatusNotFound}})
	}
	unknown := func(what, id, noEcho, note string) {
		g.add(Case{Name: op.ID + "/mutation/" + what, Group: GroupMutation, Note: note, Method: op.Method, Target: at(id),
			Expect: Expect{Status: http.StatusNotFound, NoEcho: noEcho}})
	}
	unknown("unknown-id", unknownID, "", "")
	unknown("non-uuid-id", "abc", "", "an id that is not a UUID is unknown: 404, never 422")
	unknown("id-upper-case", "{ID}", "", "reading: ids are lowercase and compared exactly")
	unknown("id-markup", "%3Cx%3E", "<x>", "issue 12 #12: echo nothing the client sent")
	unknown("id-nul", "%00", "", "issue 12 #8: instance is the raw path")
}

// bodies: valid, boundary and mutated bodies for an operation that takes one.
func (g *generator) bodies(op openapi.Operation, ptr string) error {
	items, target := 0, op.Path
	if strings.Contains(op.Path, "{id}") {
		items = 1
	}
	ok := g.successStatus(op)
	schema, err := g.bodySchema(op)
	if err != nil {
		return err
	}
	base := newObject(schema)
	send := func(group Group, what, note string, body []byte, h http.Header, status int, pointers []string) {
		if h == nil {
			h = jsonHeader()
		}
		g.add(Case{Name: op.ID + "/" + string(group) + "/" + what, Group: group, Note: note, Items: items, Method: op.Method,
			Target: target, Header: h, Body: body, Expect: Expect{Status: status, Pointers: pointers}})
	}
	// judged sends a JSON body whose verdict the document gives: the success status when
	// the body schema takes it, else 422 naming the pointer the mutation touched.
	judged := func(group Group, what, note string, body []byte, pointer string) {
		if err := g.doc.ValidateJSON(ptr, body); err == nil {
			send(group, what, note, body, nil, ok, nil)
		} else {
			send(group, what, note, body, nil, http.StatusUnprocessableEntity, []string{"body " + pointer})
		}
	}
	judged(GroupValid, "required-only", "", base.json(), "")
	judged(GroupValid, "all-properties", "", base.withAll(schema).json(), "")

	for _, name := range base.order(schema) {
		prop := schema.Properties[name].Value
		stored := g.storedProperty(op, name)
		p := "/" + name
		set := func(group Group, what, note, value string) {
			judged(group, name+"-"+what, note, base.with(name, value).json(), p)
		}
		set(GroupMutation, "null", "no coercion", "null")
		if slices.Contains(schema.Required, name) {
			judged(GroupMutation, name+"-missing", "a missing key is reported at /<key>", base.without(name).json(), p)
		}
		switch {
		case prop.Type.Is("integer"):
			set(GroupMutation, "string", "no coercion", `"5"`)
			set(GroupMutation, "boolean", "no coercion", "true")
			set(GroupMutation, "fraction", "", "5.5")
			set(GroupMutation, "point-zero", "issue 12 #4: JSON Schema's integer", "924.0")
			set(GroupMutation, "exponent", "issue 12 #4: JSON Schema's integer", "1e3")
			set(GroupMutation, "negative-zero", "JSON Schema's integer: -0 is 0", "-0")
			if prop.Min != nil {
				set(GroupBoundary, "minimum", "", num(*prop.Min))
				set(GroupBoundary, "below-minimum", "", num(*prop.Min-1))
			}
			if prop.Max != nil {
				set(GroupBoundary, "maximum", "", num(*prop.Max))
				set(GroupBoundary, "above-maximum", "", num(*prop.Max+1))
				set(GroupMutation, "5001-digits", "issue 12 #7: a number out of range, 422 not 400", "1"+strings.Repeat("0", 5000))
			}
		case prop.Type.Is("string"):
			set(GroupMutation, "number", "no coercion", "5")
			g.stringBounds(judged, base, name, p, stored)
		case prop.Type.Is("array"):
			set(GroupMutation, "string", "", `"a"`)
			set(GroupBoundary, "empty", "", "[]")
			var elem *openapi3.Schema
			if stored != nil && stored.Items != nil {
				elem = stored.Items.Value
			}
			if stored != nil && stored.MaxItems != nil {
				n := int(*stored.MaxItems)
				set(GroupBoundary, "max-items", "", list(n, func(i int) string { return fmt.Sprintf(`"t%d"`, i) }))
				set(GroupBoundary, "too-many-items", "too many: 422 at the array", list(n+1, func(i int) string { return fmt.Sprintf(`"t%d"`, i) }))
			}
			if elem != nil && elem.Type.Is("string") {
				elemBase := base
				sub := func(group Group, what, note, value string) {
					judged(group, name+"-item-"+what, note, elemBase.with(name, "["+value+"]").json(), p+"/0")
				}
				sub(GroupMutation, "number", "a bad item at its index", "5")
				if elem.MaxLength != nil {
					n := int(*elem.MaxLength)
					sub(GroupBoundary, "max-length", "", quote(strings.Repeat("é", n)))
					sub(GroupBoundary, "too-long", "", quote(strings.Repeat("é", n+1)))
					sub(GroupBoundary, "max-length-padded", "trimmed before counting", quote("  "+strings.Repeat("t", n)+"  "))
				}
				sub(GroupBoundary, "empty", "", `""`)
				sub(GroupMutation, "blank", "1..n code points after trimming", `"   "`)
			}
		}
	}
	judged(GroupMutation, "unknown-key", "an unknown key is reported at /<key>", base.with("extra", "true").json(), "/extra")
	judged(GroupMutation, "array-body", "a body that is not an object is reported at \"\"", []byte(`[]`), "")
	judged(GroupMutation, "string-body", "", []byte(`"a"`), "")
	judged(GroupMutation, "null-body", "", []byte(`null`), "")
	judged(GroupMutation, "deep-nesting", "valid JSON, not an object: 422 at \"\", never 500", []byte(strings.Repeat("[", 5000)+strings.Repeat("]", 5000)), "")
	send(GroupMutation, "duplicate-key", "reading: the last of a repeated key wins, as in both parsers", []byte(`{"name":"first","name":"last","quantity":1}`), nil, ok, nil)

	valid := base.json()
	bad := http.StatusBadRequest
	send(GroupMutation, "malformed-json", "", []byte(`{"name":`), nil, bad, nil)
	send(GroupMutation, "empty-body", "reading: an empty body is malformed JSON", nil, nil, bad, nil)
	send(GroupMutation, "trailing-garbage", "", append(slices.Clone(valid), " x"...), nil, bad, nil)
	send(GroupMutation, "two-values", "", append(slices.Clone(valid), " {}"...), nil, bad, nil)
	send(GroupMutation, "utf8-bom", "issue 12 #10, reading: a BOM makes the text not JSON (RFC 8259 section 8.1)", append([]byte("\xef\xbb\xbf"), valid...), nil, bad, nil)
	send(GroupMutation, "invalid-utf8", "", []byte(`{"name":"`+"\xff"+`","quantity":1}`), nil, bad, nil)
	send(GroupMutation, "lone-surrogate", "issue 12 #10, reading: an unpaired surrogate escape is malformed (RFC 8259 section 8.2)", []byte(`{"name":"\ud800","quantity":1}`), nil, bad, nil)
	send(GroupMutation, "text-plain", "", valid, hdr("Content-Type", "text/plain"), http.StatusUnsupportedMediaType, nil)
	send(GroupMutation, "form", "", valid, hdr("Content-Type", "application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType, nil)
	send(GroupMutation, "no-content-type", "a POST or PUT with no Content-Type is 415", valid, http.Header{}, http.StatusUnsupportedMediaType, nil)
	send(GroupMutation, "gzip", "issue 12 #10, reading: Content-Encoding is not taken, 415", gzipped(valid), hdr("Content-Type", "application/json", "Content-Encoding", "gzip"), http.StatusUnsupportedMediaType, nil)
	send(GroupValid, "charset", "parameters are allowed", valid, hdr("Content-Type", "application/json; charset=utf-8"), ok, nil)
	send(GroupValid, "plus-json", "any application/*+json", valid, hdr("Content-Type", "application/vnd.api+json"), ok, nil)
	send(GroupMutation, "media-type-case", "reading: media types are case-insensitive (RFC 9110 section 8.3.1)", valid, hdr("Content-Type", "Application/JSON"), ok, nil)
	send(GroupBoundary, "body-at-limit", "a body of exactly BODY_LIMIT_BYTES is accepted", padded(valid, BodyLimitBytes), nil, ok, nil)
	send(GroupBoundary, "body-over-limit", "one byte more is 413", padded(valid, BodyLimitBytes+1), nil, http.StatusRequestEntityTooLarge, nil)
	over := padded(valid, BodyLimitBytes+1)
	g.add(Case{Name: op.ID + "/boundary/body-over-limit-chunked", Group: GroupBoundary, Note: "413 with chunked too", Items: items, Method: op.Method, Target: target,
		Header: jsonHeader(), Body: over, Chunked: true, Expect: Expect{Status: http.StatusRequestEntityTooLarge}})
	send(GroupMutation, "order-413-before-415", "checked in order: 413 first", over, hdr("Content-Type", "text/plain"), http.StatusRequestEntityTooLarge, nil)
	send(GroupMutation, "order-415-before-400", "then 415", []byte(`{`), hdr("Content-Type", "text/plain"), http.StatusUnsupportedMediaType, nil)
	if items > 0 {
		unknown := strings.ReplaceAll(op.Path, "{id}", unknownID)
		for _, c := range []Case{
			{Name: "unknown-id", Body: valid, Expect: Expect{Status: http.StatusNotFound}},
			{Name: "unknown-id-invalid-body", Note: "404 comes before 422", Body: []byte(`{"extra":1}`), Expect: Expect{Status: http.StatusNotFound}},
			{Name: "non-uuid-id-invalid-body", Note: "404, never 422", Body: []byte(`{"extra":1}`), Expect: Expect{Status: http.StatusNotFound}},
			{Name: "unknown-id-malformed", Note: "400 comes before 404", Body: []byte(`{`), Expect: Expect{Status: http.StatusBadRequest}},
		} {
			c.Name, c.Group, c.Method, c.Target, c.Header = op.ID+"/mutation/"+c.Name, GroupMutation, op.Method, unknown, jsonHeader()
			if strings.Contains(c.Name, "non-uuid") {
				c.Target = strings.ReplaceAll(op.Path, "{id}", "abc")
			}
			g.add(c)
		}
	}
	return nil
}

// stringBounds adds the length cases of a string property: the stored schema's maxLength
// in code points (2-byte and astral characters, padded with spaces), empty and blank.
func (g *generator) stringBounds(judged func(Group, string, string, []byte, string), base object, name, p string, stored *openapi3.Schema) {
	set := func(group Group, what, note, value string) {
		judged(group, name+"-"+what, note, base.with(name, value).json(), p)
	}
	set(GroupBoundary, "empty", "", `""`)
	set(GroupMutation, "blank", "1..n code points after trimming", `"   "`)
	set(GroupMutation, "only-bom", "issue 12 #10, reading: U+FEFF is trimmed, as by ECMAScript's trim", `"\ufeff"`)
	set(GroupMutation, "padded", "trimmed before counting", `"  a  "`)
	if stored == nil || stored.MaxLength == nil {
		return
	}
	n := int(*stored.MaxLength)
	set(GroupBoundary, "max-length", "in code points", quote(strings.Repeat("é", n)))
	set(GroupBoundary, "too-long", "", quote(strings.Repeat("é", n+1)))
	set(GroupBoundary, "max-length-astral", "code points, not UTF-16 units", quote(strings.Repeat("😀", n)))
	set(GroupBoundary, "max-length-padded", "padding does not count", quote("  "+strings.Repeat("x", n)+"  "))
}

// bodySchema is the resolved JSON request body schema of an operation.
func (g *generator) bodySchema(op openapi.Operation) (*openapi3.Schema, error) {
	rb := g.opSpec(op).RequestBody
	mt := rb.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || !mt.Schema.Value.Type.Is("object") {
		return nil, fmt.Errorf("conformance: %s %s: the request body is not a JSON object schema", op.Method, op.Path)
	}
	return mt.Schema.Value, nil
}

// storedProperty is the property's schema in the operation's success response (the stored
// item), which carries the lengths and counts the request schema states as a pattern.
func (g *generator) storedProperty(op openapi.Operation, name string) *openapi3.Schema {
	ref := g.opSpec(op).Responses.Status(g.successStatus(op))
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil || mt.Schema.Value.Properties[name] == nil {
		return nil
	}
	return mt.Schema.Value.Properties[name].Value
}

// anyRequest: cases that are about the server rather than one operation.
func (g *generator) anyRequest() {
	nf, na := http.StatusNotFound, http.StatusMethodNotAllowed
	for _, c := range []Case{
		{Name: "unknown-path", Method: "GET", Target: "/nope", Expect: Expect{Status: nf}},
		{Name: "items-trailing-slash", Note: "issue 12 #5", Method: "GET", Target: "/v1/items/", Expect: Expect{Status: nf}},
		{Name: "encoded-question-mark", Note: "issue 12 #8: instance is the raw path", Method: "GET", Target: "/v1/items%3Flimit=5", Expect: Expect{Status: nf}},
		{Name: "encoded-nul", Note: "issue 12 #8", Method: "GET", Target: "/%00", Expect: Expect{Status: nf}},
		{Name: "patch-items", Method: "PATCH", Target: "/v1/items", Header: jsonHeader(), Body: []byte(`{}`), Expect: Expect{Status: na}},
		{Name: "delete-items", Method: "DELETE", Target: "/v1/items", Expect: Expect{Status: na}},
		{Name: "options-items", Note: "no CORS configured: OPTIONS is 405 with Allow", Method: "OPTIONS", Target: "/v1/items", Expect: Expect{Status: na}},
		{Name: "patch-item", Items: 1, Method: "PATCH", Target: "/v1/items/{id}", Header: jsonHeader(), Body: []byte(`{}`), Expect: Expect{Status: na}},
		{Name: "post-livez", Method: "POST", Target: "/livez", Header: jsonHeader(), Body: []byte(`{}`), Expect: Expect{Status: na}},
		{Name: "request-id-echoed", Note: "X-Request-Id: the caller's when it matches", Method: "GET", Target: "/livez", Header: hdr("X-Request-Id", "abc.DEF_123-x"), Expect: Expect{Status: http.StatusOK}},
		{Name: "request-id-invalid", Note: "else a new UUID v4", Method: "GET", Target: "/livez", Header: hdr("X-Request-Id", "has space"), Expect: Expect{Status: http.StatusOK}},
		{Name: "request-id-too-long", Method: "GET", Target: "/livez", Header: hdr("X-Request-Id", strings.Repeat("a", 129)), Expect: Expect{Status: http.StatusOK}},
		{Name: "headers-8k", Method: "GET", Target: "/livez", Header: hdr("X-Filler", strings.Repeat("a", 8192)), Expect: Expect{Status: http.StatusOK}},
		{Name: "headers-over-cap", Note: "issue 12 #2: 431 over MAX_HEADER_BYTES", Method: "GET", Target: "/livez", Header: hdr("X-Filler", strings.Repeat("a", 2*MaxHeaderBytes)), Expect: Expect{Status: http.StatusRequestHeaderFieldsTooLarge}},
	} {
		c.Name = "any/mutation/" + c.Name
		c.Group = GroupMutation
		g.add(c)
	}
}
