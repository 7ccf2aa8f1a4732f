package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
)

const docPath = "../../docs/openapi.json"

func loadDoc(t *testing.T) *Document {
	t.Helper()
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The committed document is valid OpenAPI 3.1 (kin-openapi's rules, and every schema
// against the JSON Schema 2020-12 meta-schema), and is kept formatted for people.
func TestDocumentIsValidOpenAPI31(t *testing.T) {
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	d := loadDoc(t)
	if d.Spec().OpenAPI != "3.1.1" || d.Version() == "" {
		t.Errorf("openapi %q, info.version %q", d.Spec().OpenAPI, d.Version())
	}
	var compact, pretty bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&pretty, compact.Bytes(), "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	if !bytes.Equal(pretty.Bytes(), raw) {
		t.Errorf("%s is not formatted as 2-space JSON with a final newline", docPath)
	}
	for _, name := range AnyRequestResponses() {
		if d.Spec().Components.Responses[name] == nil {
			t.Errorf("components/responses/%s is missing: the checks need it", name)
		}
	}
}

// Every endpoint and status of docs/contract.md is in the document.
func TestDocumentCoversContract(t *testing.T) {
	d := loadDoc(t)
	want := map[string][]int{
		"GET /livez":            {200, 500},
		"GET /readyz":           {200, 500, 503},
		"GET /openapi.json":     {200, 500},
		"GET /v1/items":         {200, 422, 500, 503},
		"POST /v1/items":        {201, 400, 413, 415, 422, 500, 503},
		"GET /v1/items/{id}":    {200, 404, 500, 503},
		"PUT /v1/items/{id}":    {200, 400, 404, 413, 415, 422, 500, 503},
		"DELETE /v1/items/{id}": {204, 404, 500, 503},
		"GET /v1/ws/echo":       {101, 404, 500},
	}
	var got []string
	for _, op := range d.Operations() {
		key := op.Method + " " + op.Path
		got = append(got, key)
		m := d.Match(op.Method, strings.ReplaceAll(op.Path, "{id}", "x"))
		statuses := slices.DeleteFunc(d.Expected(m), func(s int) bool { return s == 431 })
		if !slices.Equal(statuses, want[key]) {
			t.Errorf("%s: statuses %v, want %v", key, statuses, want[key])
		}
	}
	if len(got) != len(want) {
		t.Errorf("operations %v, want the %d of the contract", got, len(want))
	}
}

func TestLoadRejectsInvalidDocuments(t *testing.T) {
	raw, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"not JSON":    []byte("{"),
		"OpenAPI 3.0": bytes.Replace(raw, []byte(`"openapi": "3.1.1"`), []byte(`"openapi": "3.0.3"`), 1),
		"broken $ref": bytes.Replace(raw, []byte(`"#/components/schemas/Item"`), []byte(`"#/components/schemas/Nope"`), 1),
		"bad schema":  bytes.Replace(raw, []byte(`"maxItems": 10`), []byte(`"maxItems": "ten"`), 1),
	}
	for name, data := range cases {
		if bytes.Equal(data, raw) {
			t.Fatalf("%s: the mutation did not apply", name)
		}
		_, err := Load(data)
		var invalid *InvalidDocumentError
		if !errors.As(err, &invalid) {
			t.Errorf("%s: error %v, want *InvalidDocumentError", name, err)
		}
	}
}

// The readings the document encodes in schemas: JSON Schema's integer, trimming, lengths.
func TestItemInputReadings(t *testing.T) {
	d := loadDoc(t)
	ptr := d.RequestBodyPointer(Operation{Method: "POST", Path: "/v1/items"})
	if ptr == "" {
		t.Fatal("POST /v1/items has no JSON request body")
	}
	long := func(n int, s string) string { return strings.Repeat(s, n) }
	cases := []struct {
		body  string
		valid bool
	}{
		{`{"name":"a","quantity":0}`, true},
		{`{"name":"a","quantity":1e3}`, true},
		{`{"name":"a","quantity":924.0}`, true},
		{`{"name":"a","quantity":1000000,"tags":[]}`, true},
		{`{"name":"a","quantity":1000001}`, false},
		{`{"name":"a","quantity":-1}`, false},
		{`{"name":"a","quantity":5.5}`, false},
		{`{"name":"a","quantity":"5"}`, false},
		{`{"name":"a","quantity":1` + long(5000, "0") + `}`, false},
		{`{"name":"` + long(100, "é") + `","quantity":1}`, true},
		{`{"name":"` + long(101, "é") + `","quantity":1}`, false},
		{`{"name":"  ` + long(100, "x") + `  ","quantity":1}`, true},
		{`{"name":"   ","quantity":1}`, false},
		{`{"name":"\ufeff","quantity":1}`, false},
		{`{"name":"a b","quantity":1}`, true},
		{`{"name":"a","quantity":1,"tags":["` + long(32, "t") + `"]}`, true},
		{`{"name":"a","quantity":1,"tags":["` + long(33, "t") + `"]}`, false},
		{`{"name":"a","quantity":1,"tags":[""]}`, false},
		{`{"name":"a","quantity":1,"tags":["a","b","c","d","e","f","g","h","i","j"]}`, true},
		{`{"name":"a","quantity":1,"tags":["a","b","c","d","e","f","g","h","i","j","k"]}`, false},
		{`{"name":"a","quantity":1,"extra":true}`, false},
		{`{"quantity":1}`, false},
		{`[]`, false},
	}
	for _, c := range cases {
		err := d.ValidateJSON(ptr, []byte(c.body))
		if (err == nil) != c.valid {
			short := c.body
			if len(short) > 60 {
				short = short[:60] + "…"
			}
			t.Errorf("%s: valid=%v, want %v (%v)", short, err == nil, c.valid, err)
		}
	}
}

func contractHeaders() http.Header {
	return http.Header{
		"X-Request-Id":            {"abc-1"},
		"X-Content-Type-Options":  {"nosniff"},
		"Cache-Control":           {"no-store"},
		"Referrer-Policy":         {"no-referrer"},
		"X-Frame-Options":         {"DENY"},
		"Content-Security-Policy": {"default-src 'none'; frame-ancestors 'none'"},
	}
}

func with(h http.Header, kv ...string) http.Header {
	h = h.Clone()
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			h.Del(kv[i])
		} else {
			h.Set(kv[i], kv[i+1])
		}
	}
	return h
}

func TestCheck(t *testing.T) {
	d := loadDoc(t)
	jsonH := with(contractHeaders(), "Content-Type", "application/json; charset=utf-8")
	probH := with(contractHeaders(), "Content-Type", "application/problem+json")
	notFound := `{"type":"about:blank","title":"Not Found","status":404,"detail":"no such path","instance":"/x","request_id":"abc-1"}`
	item := `{"id":"0b7e8c1e-4a8b-4c3d-9e2f-1a2b3c4d5e6f","name":"a","quantity":1,"tags":[],"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"}`
	cases := []struct {
		name string
		ex   Exchange
		want []Rule
	}{
		{"livez ok", Exchange{"GET", "/livez", 200, jsonH, []byte(`{"status":"ok"}`)}, nil},
		{"livez HEAD ok", Exchange{"HEAD", "/livez", 200, jsonH, nil}, nil},
		{"livez HEAD with a body", Exchange{"HEAD", "/livez", 200, jsonH, []byte(`{"status":"ok"}`)}, []Rule{RuleBodyNotEmpty}},
		{"livez wrong body", Exchange{"GET", "/livez", 200, jsonH, []byte(`{"status":"up"}`)}, []Rule{RuleBodySchema}},
		{"livez text/plain", Exchange{"GET", "/livez", 200, with(jsonH, "Content-Type", "text/plain"), []byte(`{"status":"ok"}`)}, []Rule{RuleContentType}},
		{"livez no nosniff", Exchange{"GET", "/livez", 200, with(jsonH, "X-Content-Type-Options", ""), []byte(`{"status":"ok"}`)}, []Rule{RuleHeaderMissing}},
		{"livez cache", Exchange{"GET", "/livez", 200, with(jsonH, "Cache-Control", "max-age=60"), []byte(`{"status":"ok"}`)}, []Rule{RuleHeaderValue}},
		{"livez 418", Exchange{"GET", "/livez", 418, jsonH, nil}, []Rule{RuleStatusUndeclared}},
		{"livez 404", Exchange{"GET", "/livez", 404, probH, []byte(notFound)}, []Rule{RuleStatusUndeclared}},
		{"trailing slash 404", Exchange{"GET", "/livez/", 404, probH, []byte(notFound)}, nil},
		{"upper case 200", Exchange{"GET", "/V1/ITEMS", 200, jsonH, []byte(`{"items":[],"total":0,"limit":20,"offset":0}`)}, []Rule{RuleStatusUndeclared}},
		{"404 with a title of its own", Exchange{"GET", "/nope", 404, probH, []byte(strings.Replace(notFound, "Not Found", "Not found", 1))}, []Rule{RuleBodySchema}},
		{"404 as json", Exchange{"GET", "/nope", 404, jsonH, []byte(notFound)}, []Rule{RuleContentType}},
		{"405 ok", Exchange{"PATCH", "/v1/items", 405, with(probH, "Allow", "GET, POST, HEAD"), []byte(strings.NewReplacer("Not Found", "Method Not Allowed", "404", "405").Replace(notFound))}, nil},
		{"405 short Allow", Exchange{"PATCH", "/v1/items", 405, with(probH, "Allow", "GET"), []byte(strings.NewReplacer("Not Found", "Method Not Allowed", "404", "405").Replace(notFound))}, []Rule{RuleAllow}},
		{"405 no Allow", Exchange{"PATCH", "/v1/items", 405, probH, []byte(strings.NewReplacer("Not Found", "Method Not Allowed", "404", "405").Replace(notFound))}, []Rule{RuleHeaderMissing, RuleAllow}},
		{"201 ok", Exchange{"POST", "/v1/items", 201, with(jsonH, "Location", "/v1/items/0b7e8c1e-4a8b-4c3d-9e2f-1a2b3c4d5e6f"), []byte(item)}, nil},
		{"201 no Location", Exchange{"POST", "/v1/items", 201, jsonH, []byte(item)}, []Rule{RuleHeaderMissing}},
		{"201 absolute Location", Exchange{"POST", "/v1/items", 201, with(jsonH, "Location", "http://h/v1/items/0b7e8c1e-4a8b-4c3d-9e2f-1a2b3c4d5e6f"), []byte(item)}, []Rule{RuleHeaderValue}},
		{"item with an upper-case id", Exchange{"GET", "/v1/items/x", 200, jsonH, []byte(strings.Replace(item, "0b7e8c1e", "0B7E8C1E", 1))}, []Rule{RuleBodySchema}},
		{"204 with a body", Exchange{"DELETE", "/v1/items/x", 204, contractHeaders(), []byte("{}")}, []Rule{RuleBodyNotEmpty}},
		{"204 ok", Exchange{"DELETE", "/v1/items/x", 204, contractHeaders(), nil}, nil},
		{"431 anywhere", Exchange{"GET", "/livez", 431, probH, []byte(strings.NewReplacer("Not Found", "Request Header Fields Too Large", "404", "431").Replace(notFound))}, nil},
		{"422 without errors", Exchange{"GET", "/v1/items?limit=0", 422, probH, []byte(strings.NewReplacer("Not Found", "Unprocessable Content", "404", "422").Replace(notFound))}, []Rule{RuleBodySchema}},
		{"422 ok", Exchange{"GET", "/v1/items?limit=0", 422, probH, []byte(strings.NewReplacer("Not Found", "Unprocessable Content", "404", "422", `"request_id"`, `"errors":[{"in":"query","pointer":"limit","message":"m"}],"request_id"`).Replace(notFound))}, nil},
		{"encoded ? is a path", Exchange{"GET", "/v1/items%3Flimit=5", 404, probH, []byte(notFound)}, nil},
	}
	for _, c := range cases {
		var got []Rule
		for _, v := range d.Check(c.ex) {
			got = append(got, v.Rule)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, d.Check(c.ex), c.want)
		}
	}
}
