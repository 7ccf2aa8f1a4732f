package probe

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// item is the contract's item.
type item struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Quantity  int      `json:"quantity"`
	Tags      []string `json:"tags"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
}

type itemList struct {
	Items  []item `json:"items"`
	Total  int    `json:"total"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
}

// unknownID is a valid UUID v4 that no server made.
const unknownID = "3f1c9a52-8c4e-4b7a-9d2f-0a1b2c3d4e5f"

var checks = []check{
	{id: "health.livez", name: "GET /livez is 200 {\"status\":\"ok\"}", run: func(p *prober) error {
		return expectStatusBody(p, "/livez", 200, `{"status":"ok"}`)
	}},
	{id: "health.readyz", name: "GET /readyz is 200 {\"status\":\"ready\"}", run: func(p *prober) error {
		return expectStatusBody(p, "/readyz", 200, `{"status":"ready"}`)
	}},
	{id: "headers.security", name: "security headers on success, error and 404 responses", run: checkSecurityHeaders},
	{id: "headers.request-id", name: "X-Request-Id: a valid caller id is echoed, others replaced by a UUID v4", run: checkRequestID},
	{id: "items.create", name: "POST /v1/items creates an item: 201, Location, id, timestamps, tags default []", run: checkCreate},
	{id: "items.get", name: "GET /v1/items/{id} returns the item", run: checkGetOne},
	{id: "items.list", name: "GET /v1/items lists in insertion order with total, limit and offset", run: checkList},
	{id: "items.list-validation", name: "GET /v1/items rejects bad limit and offset with 422 in the query", run: checkListValidation},
	{id: "items.replace", name: "PUT /v1/items/{id} replaces the item and keeps created_at", run: checkPut},
	{id: "items.delete", name: "DELETE /v1/items/{id} is 204 with no body, then 404", run: checkDelete},
	{id: "items.unknown-ids", name: "unknown and non-UUID ids are 404 on GET, PUT and DELETE", run: checkUnknownIDs},
	{id: "validation.quantity", name: "validation: no coercion of quantity, its range", run: checkQuantity},
	{id: "validation.name", name: "validation: name length in code points after trimming", run: checkName},
	{id: "validation.tags-and-shape", name: "validation: tags count and length, unknown keys, non-object bodies", run: checkTagsAndShape},
	{id: "limits.body-size", name: "413 above BODY_LIMIT_BYTES (Content-Length and chunked); the limit itself is accepted", run: checkBodyLimit},
	{id: "errors.content-type", name: "415 without a JSON content type; charset and +json accepted", run: checkContentType},
	{id: "errors.malformed-json", name: "400 for malformed JSON", run: checkMalformed},
	{id: "errors.precedence", name: "error precedence: 413, 415, 400, 404, 422", run: checkPrecedence},
	{id: "errors.unknown-path", name: "404 problem for an unknown path", run: func(p *prober) error {
		r, err := p.get("/no/such/path")
		if err != nil {
			return err
		}
		_, err = expectProblem(r, 404)
		return err
	}},
	{id: "errors.method-not-allowed", name: "405 with Allow for a known path and a wrong method", run: checkMethodNotAllowed},
	{id: "hostile.bodies", name: "hostile bodies: deep nesting, huge numbers, bad UTF-8, prototype keys: no 5xx, no internals", run: checkHostileBodies},
	{id: "hostile.headers", name: "hostile headers: 100 KB values, bad request ids: no 5xx, server alive", run: checkHostileHeaders},
	{id: "hostile.slow-body", name: "a slow request body does not block other requests", run: checkSlowBody},
	{id: "websocket.echo", name: "WebSocket /v1/ws/echo echoes text and binary; oversized closes 1009", run: checkWebSocket, ws: true},
	{id: "websocket.absent", name: "no WebSocket route without the websocket feature", run: func(p *prober) error {
		r, err := p.get("/v1/ws/echo")
		if err != nil {
			return err
		}
		_, err = expectProblem(r, 404)
		return err
	}, noWS: true},
	{id: documentCheckID, name: "every answer above is one the OpenAPI document allows (status, content type, body, headers)"},
	{id: "cors.allowed-origin", name: "CORS: a listed Origin gets Access-Control-Allow-Origin (that origin) and Vary: Origin", run: checkCORSAllowed, cors: true},
	{id: "cors.preflight", name: "CORS: a preflight from a listed Origin is 204 with the allowed methods and headers", run: checkCORSPreflight, cors: true},
	{id: "cors.unlisted-origin", name: "CORS: an unlisted Origin gets no Access-Control-* header", run: checkCORSUnlisted, cors: true},
}

func expectStatusBody(p *prober, path string, status int, want string) error {
	r, err := p.get(path)
	if err != nil {
		return err
	}
	if err := expectStatus(r, status); err != nil {
		return err
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("GET %s: Content-Type %q, want application/json", path, ct)
	}
	var got, exp any
	if err := r.json(&got); err != nil {
		return err
	}
	json.Unmarshal([]byte(want), &exp)
	if fmt.Sprint(got) != fmt.Sprint(exp) {
		return fmt.Errorf("GET %s: body %s, want %s", path, r.body, want)
	}
	return nil
}

var securityHeaders = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"Cache-Control":           "no-store",
	"Referrer-Policy":         "no-referrer",
	"X-Frame-Options":         "DENY",
	"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}

func headersOK(r *response) error {
	where := r.Request.Method + " " + r.Request.URL.Path
	for k, v := range securityHeaders {
		if got := r.Header.Get(k); got != v {
			return fmt.Errorf("%s: %s is %q, want %q", where, k, got, v)
		}
	}
	for _, k := range []string{"X-Powered-By", "Server"} {
		if v, ok := r.Header[k]; ok {
			return fmt.Errorf("%s: has a %s header (%q)", where, k, v)
		}
	}
	return nil
}

func checkSecurityHeaders(p *prober) error {
	for _, req := range []struct{ method, path, body, ct string }{
		{"GET", "/livez", "", ""},
		{"GET", "/v1/items", "", ""},
		{"GET", "/missing", "", ""},
		{"POST", "/v1/items", `{"name":1}`, "application/json"},
		{"DELETE", "/v1/items", "", ""},
	} {
		var body []byte
		if req.body != "" {
			body = []byte(req.body)
		}
		r, err := p.do(req.method, req.path, body, req.ct, nil, false)
		if err != nil {
			return err
		}
		if err := headersOK(r); err != nil {
			return err
		}
	}
	return nil
}

func checkRequestID(p *prober) error {
	for _, tc := range []struct {
		sent string
		echo bool
	}{
		{"abc.DEF_1-2", true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"bad id!", false},
		{"", false},
	} {
		headers := map[string]string{}
		if tc.sent != "" {
			headers["X-Request-Id"] = tc.sent
		}
		r, err := p.do("GET", "/livez", nil, "", headers, false)
		if err != nil {
			return err
		}
		got := r.Header.Get("X-Request-Id")
		if tc.echo && got != tc.sent {
			return fmt.Errorf("X-Request-Id %q: answered %q, want it echoed", tc.sent, got)
		}
		if !tc.echo && !uuidV4RE().MatchString(got) {
			return fmt.Errorf("X-Request-Id %q: answered %q, want a new lowercase UUID v4", tc.sent, got)
		}
	}
	return nil
}

// create makes an item and checks the 201 answer.
func (p *prober) create(body map[string]any) (item, error) {
	var it item
	r, err := p.sendJSON("POST", "/v1/items", body)
	if err != nil {
		return it, err
	}
	if err := expectStatus(r, 201); err != nil {
		return it, err
	}
	if err := r.json(&it); err != nil {
		return it, err
	}
	if loc := r.Header.Get("Location"); loc != "/v1/items/"+it.ID {
		return it, fmt.Errorf("POST /v1/items: Location %q, want /v1/items/%s", loc, it.ID)
	}
	return it, validItem(it)
}

func validItem(it item) error {
	switch {
	case !uuidV4RE().MatchString(it.ID):
		return fmt.Errorf("item id %q is not a lowercase UUID v4", it.ID)
	case !timestampRE().MatchString(it.CreatedAt) || !timestampRE().MatchString(it.UpdatedAt):
		return fmt.Errorf("item timestamps %q, %q are not YYYY-MM-DDTHH:MM:SS.sssZ", it.CreatedAt, it.UpdatedAt)
	case it.Tags == nil:
		return fmt.Errorf("item %s has no tags array", it.ID)
	}
	return nil
}

func checkCreate(p *prober) error {
	it, err := p.create(map[string]any{"name": "Widget", "quantity": 5})
	if err != nil {
		return err
	}
	if it.Name != "Widget" || it.Quantity != 5 || len(it.Tags) != 0 {
		return fmt.Errorf("created %+v, want name Widget, quantity 5, tags []", it)
	}
	it, err = p.create(map[string]any{"name": "Gadget", "quantity": 0, "tags": []string{"a", "b"}})
	if err != nil {
		return err
	}
	if !slices.Equal(it.Tags, []string{"a", "b"}) || it.Quantity != 0 {
		return fmt.Errorf("created %+v, want tags [a b] and quantity 0", it)
	}
	return nil
}

func checkGetOne(p *prober) error {
	made, err := p.create(map[string]any{"name": "Fetch me", "quantity": 1, "tags": []string{"x"}})
	if err != nil {
		return err
	}
	r, err := p.get("/v1/items/" + made.ID)
	if err != nil {
		return err
	}
	if err := expectStatus(r, 200); err != nil {
		return err
	}
	var got item
	if err := r.json(&got); err != nil {
		return err
	}
	if fmt.Sprint(got) != fmt.Sprint(made) {
		return fmt.Errorf("GET returned %+v, POST returned %+v", got, made)
	}
	return nil
}

func (p *prober) list(query string) (itemList, error) {
	var l itemList
	r, err := p.get("/v1/items" + query)
	if err != nil {
		return l, err
	}
	if err := expectStatus(r, 200); err != nil {
		return l, err
	}
	return l, r.json(&l)
}

func checkList(p *prober) error {
	var made []string
	for i := 0; i < 3; i++ {
		it, err := p.create(map[string]any{"name": fmt.Sprintf("order-%d", i), "quantity": i})
		if err != nil {
			return err
		}
		made = append(made, it.ID)
	}
	all, err := p.list("?limit=100")
	if err != nil {
		return err
	}
	if all.Limit != 100 || all.Offset != 0 || all.Total != len(all.Items) || all.Total < 3 {
		return fmt.Errorf("?limit=100: limit %d offset %d total %d items %d", all.Limit, all.Offset, all.Total, len(all.Items))
	}
	tail := all.Items[len(all.Items)-3:]
	for i, it := range tail {
		if it.ID != made[i] {
			return fmt.Errorf("the last three items are not in insertion order")
		}
	}
	def, err := p.list("")
	if err != nil {
		return err
	}
	if def.Limit != 20 || def.Offset != 0 || len(def.Items) > 20 {
		return fmt.Errorf("defaults: limit %d offset %d, want 20 and 0", def.Limit, def.Offset)
	}
	page, err := p.list(fmt.Sprintf("?limit=1&offset=%d", all.Total-2))
	if err != nil {
		return err
	}
	if len(page.Items) != 1 || page.Items[0].ID != made[1] || page.Total != all.Total || page.Limit != 1 {
		return fmt.Errorf("?limit=1&offset=%d: got %+v", all.Total-2, page)
	}
	past, err := p.list(fmt.Sprintf("?offset=%d", all.Total+5))
	if err != nil {
		return err
	}
	if len(past.Items) != 0 || past.Total != all.Total {
		return fmt.Errorf("offset past the end: got %d items, total %d", len(past.Items), past.Total)
	}
	return nil
}

func checkListValidation(p *prober) error {
	for _, q := range []struct{ query, pointer string }{
		{"limit=0", "limit"}, {"limit=101", "limit"}, {"limit=1.5", "limit"}, {"limit=-5", "limit"},
		{"limit=abc", "limit"}, {"offset=-1", "offset"}, {"offset=2.0", "offset"}, {"offset=x", "offset"},
	} {
		r, err := p.get("/v1/items?" + q.query)
		if err != nil {
			return err
		}
		if err := expectValidation(r, "query", q.pointer); err != nil {
			return err
		}
	}
	return nil
}

func checkPut(p *prober) error {
	made, err := p.create(map[string]any{"name": "Before", "quantity": 1, "tags": []string{"old"}})
	if err != nil {
		return err
	}
	time.Sleep(5 * time.Millisecond) // so updated_at can move past created_at
	r, err := p.sendJSON("PUT", "/v1/items/"+made.ID, map[string]any{"name": "After", "quantity": 2})
	if err != nil {
		return err
	}
	if err := expectStatus(r, 200); err != nil {
		return err
	}
	var got item
	if err := r.json(&got); err != nil {
		return err
	}
	switch {
	case got.ID != made.ID || got.Name != "After" || got.Quantity != 2 || len(got.Tags) != 0:
		return fmt.Errorf("PUT returned %+v, want the item replaced (tags back to [])", got)
	case got.CreatedAt != made.CreatedAt:
		return fmt.Errorf("PUT changed created_at from %s to %s", made.CreatedAt, got.CreatedAt)
	case got.UpdatedAt < made.UpdatedAt:
		return fmt.Errorf("PUT moved updated_at back from %s to %s", made.UpdatedAt, got.UpdatedAt)
	}
	return validItem(got)
}

func checkDelete(p *prober) error {
	made, err := p.create(map[string]any{"name": "Doomed", "quantity": 1})
	if err != nil {
		return err
	}
	r, err := p.do("DELETE", "/v1/items/"+made.ID, nil, "", nil, false)
	if err != nil {
		return err
	}
	if err := expectStatus(r, 204); err != nil {
		return err
	}
	if len(r.body) != 0 {
		return fmt.Errorf("DELETE: 204 with a body %q", r.body)
	}
	for _, method := range []string{"GET", "DELETE"} {
		r, err := p.do(method, "/v1/items/"+made.ID, nil, "", nil, false)
		if err != nil {
			return err
		}
		if _, err := expectProblem(r, 404); err != nil {
			return err
		}
	}
	return nil
}

func checkUnknownIDs(p *prober) error {
	valid := []byte(`{"name":"x","quantity":1}`)
	invalid := []byte(`{"name":"","quantity":"5"}`)
	for _, id := range []string{unknownID, "not-a-uuid", "12345", strings.ToUpper(unknownID)[:10]} {
		for _, req := range []struct {
			method string
			body   []byte
		}{{"GET", nil}, {"DELETE", nil}, {"PUT", valid}, {"PUT", invalid}} {
			ct := ""
			if req.body != nil {
				ct = "application/json"
			}
			r, err := p.do(req.method, "/v1/items/"+id, req.body, ct, nil, false)
			if err != nil {
				return err
			}
			if _, err := expectProblem(r, 404); err != nil {
				return err
			}
		}
	}
	return nil
}

// expectInvalidBody posts a raw JSON body and expects a 422 at pointer.
func (p *prober) expectInvalidBody(body, pointer string) error {
	r, err := p.do("POST", "/v1/items", []byte(body), "application/json", nil, false)
	if err != nil {
		return err
	}
	return expectValidation(r, "body", pointer)
}

func checkQuantity(p *prober) error {
	for _, q := range []string{`"5"`, `true`, `null`, `5.5`, `-1`, `1000001`, `[]`, `{}`} {
		if err := p.expectInvalidBody(`{"name":"q","quantity":`+q+`}`, "/quantity"); err != nil {
			return fmt.Errorf("quantity %s: %w", q, err)
		}
	}
	if err := p.expectInvalidBody(`{"name":"q"}`, "/quantity"); err != nil {
		return fmt.Errorf("missing quantity: %w", err)
	}
	for _, q := range []int{0, 1000000} {
		if _, err := p.create(map[string]any{"name": "q", "quantity": q}); err != nil {
			return fmt.Errorf("quantity %d: %w", q, err)
		}
	}
	return nil
}

func checkName(p *prober) error {
	for _, n := range []string{`""`, `"   "`, `5`, `null`, `"` + strings.Repeat("é", 101) + `"`, `"` + strings.Repeat("😀", 101) + `"`} {
		if err := p.expectInvalidBody(`{"quantity":1,"name":`+n+`}`, "/name"); err != nil {
			return fmt.Errorf("name %.30s: %w", n, err)
		}
	}
	// 100 code points are allowed however many bytes or UTF-16 units they take, and
	// the surrounding blanks do not count.
	for _, n := range []string{strings.Repeat("😀", 100), "  " + strings.Repeat("a", 100) + "  ", "x"} {
		if _, err := p.create(map[string]any{"name": n, "quantity": 1}); err != nil {
			return fmt.Errorf("name of %d code points: %w", len([]rune(strings.TrimSpace(n))), err)
		}
	}
	return nil
}

func checkTagsAndShape(p *prober) error {
	eleven := `["a","b","c","d","e","f","g","h","i","j","k"]`
	for _, tc := range []struct{ body, pointer string }{
		{`{"name":"t","quantity":1,"tags":` + eleven + `}`, "/tags"},
		{`{"name":"t","quantity":1,"tags":"a"}`, "/tags"},
		{`{"name":"t","quantity":1,"tags":[""]}`, "/tags/0"},
		{`{"name":"t","quantity":1,"tags":["ok","` + strings.Repeat("x", 33) + `"]}`, "/tags/1"},
		{`{"name":"t","quantity":1,"tags":["ok",7]}`, "/tags/1"},
		{`{"name":"t","quantity":1,"extra":true}`, "/extra"},
		{`{"name":"t","quantity":1,"id":"x"}`, "/id"},
		{`[]`, ""},
		{`"text"`, ""},
		{`null`, ""},
	} {
		if err := p.expectInvalidBody(tc.body, tc.pointer); err != nil {
			return fmt.Errorf("body %.60s: %w", tc.body, err)
		}
	}
	tags := make([]string, 10)
	for i := range tags {
		tags[i] = strings.Repeat("ü", 32)
	}
	if _, err := p.create(map[string]any{"name": "t", "quantity": 1, "tags": tags}); err != nil {
		return fmt.Errorf("10 tags of 32 code points: %w", err)
	}
	return nil
}

// paddedBody is a valid item body of exactly n bytes (JSON allows the padding).
func paddedBody(n int) []byte {
	base := `{"name":"big","quantity":1}`
	return []byte(base[:len(base)-1] + strings.Repeat(" ", n-len(base)) + "}")
}

func checkBodyLimit(p *prober) error {
	limit := p.opts.BodyLimit
	r, err := p.do("POST", "/v1/items", paddedBody(limit), "application/json", nil, false)
	if err != nil {
		return err
	}
	if err := expectStatus(r, 201); err != nil {
		return fmt.Errorf("a body of exactly %d bytes: %w", limit, err)
	}
	for _, chunked := range []bool{false, true} {
		r, err := p.do("POST", "/v1/items", paddedBody(limit+1), "application/json", nil, chunked)
		if err != nil {
			return err
		}
		if _, err := expectProblem(r, 413); err != nil {
			return fmt.Errorf("a body of %d bytes (chunked: %v): %w", limit+1, chunked, err)
		}
	}
	r, err = p.do("POST", "/v1/items", paddedBody(limit), "application/json", nil, true)
	if err != nil {
		return err
	}
	if err := expectStatus(r, 201); err != nil {
		return fmt.Errorf("a chunked body of exactly %d bytes: %w", limit, err)
	}
	return nil
}

func checkContentType(p *prober) error {
	body := []byte(`{"name":"ct","quantity":1}`)
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/jsonx"} {
		r, err := p.do("POST", "/v1/items", body, ct, nil, false)
		if err != nil {
			return err
		}
		if _, err := expectProblem(r, 415); err != nil {
			return fmt.Errorf("Content-Type %q: %w", ct, err)
		}
	}
	made, err := p.create(map[string]any{"name": "ct", "quantity": 1})
	if err != nil {
		return err
	}
	r, err := p.do("PUT", "/v1/items/"+made.ID, body, "text/plain", nil, false)
	if err != nil {
		return err
	}
	if _, err := expectProblem(r, 415); err != nil {
		return fmt.Errorf("PUT with text/plain: %w", err)
	}
	for _, ct := range []string{"application/json; charset=utf-8", "application/merge-patch+json", "Application/JSON"} {
		r, err := p.do("POST", "/v1/items", body, ct, nil, false)
		if err != nil {
			return err
		}
		if err := expectStatus(r, 201); err != nil {
			return fmt.Errorf("Content-Type %q: %w", ct, err)
		}
	}
	return nil
}

func checkMalformed(p *prober) error {
	for _, b := range []string{`{"name":`, `{name: "x"}`, `{"name":"x","quantity":1}}`, "\xff\xfe"} {
		r, err := p.do("POST", "/v1/items", []byte(b), "application/json", nil, false)
		if err != nil {
			return err
		}
		if _, err := expectProblem(r, 400); err != nil {
			return fmt.Errorf("body %q: %w", b, err)
		}
	}
	return nil
}

func checkPrecedence(p *prober) error {
	big := paddedBody(p.opts.BodyLimit + 1)
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		ct                 string
		status             int
	}{
		{"oversized with a wrong content type", "POST", "/v1/items", big, "text/plain", 413},
		{"oversized to an unknown id", "PUT", "/v1/items/" + unknownID, big, "application/json", 413},
		{"malformed with a wrong content type", "POST", "/v1/items", []byte(`{"na`), "text/plain", 415},
		{"malformed to an unknown id", "PUT", "/v1/items/" + unknownID, []byte(`{"na`), "application/json", 400},
		{"invalid to an unknown id", "PUT", "/v1/items/" + unknownID, []byte(`{"quantity":"5"}`), "application/json", 404},
	} {
		r, err := p.do(tc.method, tc.path, tc.body, tc.ct, nil, false)
		if err != nil {
			return err
		}
		if _, err := expectProblem(r, tc.status); err != nil {
			return fmt.Errorf("%s: %w", tc.name, err)
		}
	}
	return nil
}

func checkMethodNotAllowed(p *prober) error {
	made, err := p.create(map[string]any{"name": "m", "quantity": 1})
	if err != nil {
		return err
	}
	for _, tc := range []struct {
		method, path string
		allow        []string
	}{
		{"DELETE", "/v1/items", []string{"GET", "POST"}},
		{"PUT", "/v1/items", []string{"GET", "POST"}},
		{"POST", "/v1/items/" + made.ID, []string{"GET", "PUT", "DELETE"}},
		{"PATCH", "/v1/items/" + made.ID, []string{"GET", "PUT", "DELETE"}},
	} {
		// A valid JSON body, so the earlier checks (415, 400) cannot answer first.
		r, err := p.do(tc.method, tc.path, []byte(`{"name":"m","quantity":1}`), "application/json", nil, false)
		if err != nil {
			return err
		}
		if _, err := expectProblem(r, 405); err != nil {
			return err
		}
		allow := strings.Split(strings.ReplaceAll(r.Header.Get("Allow"), " ", ""), ",")
		for _, m := range tc.allow {
			if !slices.Contains(allow, m) {
				return fmt.Errorf("%s %s: Allow %q lacks %s", tc.method, tc.path, r.Header.Get("Allow"), m)
			}
		}
		for _, m := range allow {
			if !slices.Contains(tc.allow, m) && m != http.MethodHead && m != http.MethodOptions {
				return fmt.Errorf("%s %s: Allow %q names %s, which the path does not serve", tc.method, tc.path, r.Header.Get("Allow"), m)
			}
		}
	}
	return nil
}
