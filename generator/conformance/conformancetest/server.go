// Package conformancetest serves the contract in process: a small HTTP server that
// follows docs/contract.md and docs/openapi.json, with switches (Deviations) that each
// break it the way issue 12 found one skeleton or the other breaking it, and an optional
// CORS layer. Tests of the probe, verify and compare send their requests to it, so that
// they can show both a pass and a failure without installing a skeleton.
package conformancetest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// Deviations each make the server answer one request differently from the contract.
type Deviations struct {
	UpgradeNotFound   bool // issue 12 #1: any Upgrade header on a plain path gets 404
	NoHeaderCap       bool // issue 12 #2: no 431
	HeadNotAllowed    bool // issue 12 #3: HEAD is 405
	StrictIntegers    bool // issue 12 #4: 924.0 and 1e3 are 422
	LooseRouting      bool // issue 12 #5: trailing slashes and case are ignored
	LastRepeatedParam bool // issue 12 #6: ?limit=1&limit=2 takes the last
	DigitsAre400      bool // issue 12 #7: over 4300 digits is "not valid JSON"
	DecodedInstance   bool // issue 12 #8: instance is the decoded path
	BareWebSocket404  bool // issue 12 #9: a handshake to an unknown path is a bare 403
	BomAccepted       bool // issue 12 #10: a UTF-8 BOM is skipped
	EchoID            bool // issue 12 #12: the 404 detail repeats the id
	OldTitles         bool // 413 "Request Entity Too Large", as Go's and Python 3.11's phrase
	UnknownKeyAtRoot  bool // an unknown key reported at "" instead of /<key>
	PoweredBy         bool // X-Powered-By: Express
	// ExtraItemField adds a "version" member to every item, which the document's Item
	// schema does not allow: only a check against the document sees it.
	ExtraItemField bool
}

// The settings the server runs with: the contract's defaults, as the corpus assumes.
const (
	BodyLimitBytes = 102400
	MaxHeaderBytes = 16384
)

// Handler serves the contract with the given document at /openapi.json; each true field
// of dev breaks one rule. Every handler has a store of its own.
func Handler(document []byte, dev Deviations) http.Handler {
	return &contractServer{dev: dev, document: document}
}

var statusTitles = map[int]string{
	400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
	415: "Unsupported Media Type", 422: "Unprocessable Content", 431: "Request Header Fields Too Large",
	500: "Internal Server Error",
}

type item struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Quantity  int64    `json:"quantity"`
	Tags      []string `json:"tags"`
	CreatedAt string   `json:"created_at"`
	UpdatedAt string   `json:"updated_at"`
	Version   int      `json:"version,omitempty"`
}

type fieldError struct {
	In      string `json:"in"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

type contractServer struct {
	dev      Deviations
	document []byte
	mu       sync.Mutex
	items    []item
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (s *contractServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("X-Request-Id")
	if !requestIDPattern.MatchString(id) {
		id = newUUID()
	}
	rawPath, rawQuery, _ := strings.Cut(r.RequestURI, "?")
	isHandshake := strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
	if s.dev.BareWebSocket404 && isHandshake && rawPath != "/v1/ws/echo" {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusForbidden)
		return
	}
	h := w.Header()
	h.Set("X-Request-Id", id)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	if s.dev.PoweredBy {
		h.Set("X-Powered-By", "Express")
	}
	rq := &request{s: s, w: w, r: r, id: id, path: rawPath, query: rawQuery}
	if s.dev.DecodedInstance {
		rq.path = r.URL.Path
	}
	size := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	for k, vs := range r.Header {
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	if size > MaxHeaderBytes && !s.dev.NoHeaderCap {
		rq.problem(431, "The request head is too large.", nil)
		return
	}
	if s.dev.UpgradeNotFound && r.Header.Get("Upgrade") != "" && rawPath != "/v1/ws/echo" {
		rq.problem(404, "No such path.", nil)
		return
	}
	route := rawPath
	if s.dev.LooseRouting {
		route = strings.ToLower(strings.TrimSuffix(route, "/"))
	}
	method := r.Method
	if method == http.MethodHead {
		if s.dev.HeadNotAllowed {
			method = "HEAD!"
		} else {
			method = http.MethodGet
		}
	}
	switch {
	case route == "/livez":
		rq.only(method, "GET", func() { rq.json(200, map[string]string{"status": "ok"}) })
	case route == "/readyz":
		rq.only(method, "GET", func() { rq.json(200, map[string]string{"status": "ready"}) })
	case route == "/openapi.json":
		rq.only(method, "GET", func() { rq.raw(200, "application/json", s.document) })
	case route == "/v1/ws/echo":
		rq.only(method, "GET", func() {
			if !isHandshake {
				rq.problem(404, "No such path.", nil)
				return
			}
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			_ = c.CloseNow()
		})
	case route == "/v1/items":
		switch method {
		case "GET":
			rq.list()
		case "POST":
			rq.create()
		default:
			rq.notAllowed("GET, POST")
		}
	case strings.HasPrefix(route, "/v1/items/") && !strings.Contains(route[len("/v1/items/"):], "/") && len(route) > len("/v1/items/"):
		itemID := route[len("/v1/items/"):]
		switch method {
		case "GET":
			rq.withItem(itemID, func(i int) { rq.json(200, s.items[i]) })
		case "PUT":
			rq.replace(itemID)
		case "DELETE":
			rq.withItem(itemID, func(i int) {
				s.items = slices.Delete(s.items, i, i+1)
				w.WriteHeader(http.StatusNoContent)
			})
		default:
			rq.notAllowed("GET, PUT, DELETE")
		}
	default:
		rq.problem(404, "No such path.", nil)
	}
}

type request struct {
	s     *contractServer
	w     http.ResponseWriter
	r     *http.Request
	id    string
	path  string
	query string
}

func (rq *request) only(method, want string, serve func()) {
	if method != want {
		rq.notAllowed(want)
		return
	}
	serve()
}

func (rq *request) notAllowed(allow string) {
	rq.w.Header().Set("Allow", allow)
	rq.problem(405, "This path does not serve this method.", nil)
}

func (rq *request) raw(status int, contentType string, body []byte) {
	rq.w.Header().Set("Content-Type", contentType)
	rq.w.WriteHeader(status)
	_, _ = rq.w.Write(body)
}

func (rq *request) json(status int, v any) {
	b, _ := json.Marshal(v)
	rq.raw(status, "application/json; charset=utf-8", b)
}

func (rq *request) problem(status int, detail string, errs []fieldError) {
	title := statusTitles[status]
	if rq.s.dev.OldTitles && status == 413 {
		title = "Request Entity Too Large"
	}
	p := map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail,
		"instance": rq.path, "request_id": rq.id}
	if errs != nil {
		p["errors"] = errs
	}
	b, _ := json.Marshal(p)
	rq.raw(status, "application/problem+json", b)
}

func (rq *request) withItem(itemID string, found func(i int)) {
	rq.s.mu.Lock()
	defer rq.s.mu.Unlock()
	for i := range rq.s.items {
		if rq.s.items[i].ID == itemID {
			found(i)
			return
		}
	}
	detail := "No item has this id."
	if rq.s.dev.EchoID {
		detail = "No item " + itemID + "."
	}
	rq.problem(404, detail, nil)
}

func (rq *request) list() {
	values, _ := url.ParseQuery(rq.query)
	var errs []fieldError
	param := func(name string, min, max, def int64) *big.Int {
		vs, ok := values[name]
		if !ok {
			return big.NewInt(def)
		}
		v := vs[0]
		if rq.s.dev.LastRepeatedParam {
			v = vs[len(vs)-1]
		} else if len(vs) > 1 {
			errs = append(errs, fieldError{"query", name, name + " is given more than once"})
			return nil
		}
		n, ok := new(big.Int).SetString(v, 10)
		if !regexp.MustCompile(`^[0-9]+$`).MatchString(v) || !ok || n.Cmp(big.NewInt(min)) < 0 || max >= 0 && n.Cmp(big.NewInt(max)) > 0 {
			errs = append(errs, fieldError{"query", name, fmt.Sprintf("%s must be a decimal integer from %d", name, min)})
			return nil
		}
		return n
	}
	limit, offset := param("limit", 1, 100, 20), param("offset", 0, 9007199254740991, 0)
	if errs != nil {
		rq.problem(422, "The query is not valid.", errs)
		return
	}
	rq.s.mu.Lock()
	defer rq.s.mu.Unlock()
	page := []item{}
	if offset.IsInt64() && offset.Int64() < int64(len(rq.s.items)) {
		end := min(offset.Int64()+limit.Int64(), int64(len(rq.s.items)))
		page = append(page, rq.s.items[offset.Int64():end]...)
	}
	body := fmt.Sprintf(`{"items":%s,"total":%d,"limit":%s,"offset":%s}`, must(json.Marshal(page)), len(rq.s.items), limit, offset)
	rq.raw(200, "application/json", []byte(body))
}

func must(b []byte, _ error) []byte { return b }

// body runs the checks in the contract's order up to 400 and returns the parsed body.
func (rq *request) body() (any, bool) {
	if rq.r.ContentLength > BodyLimitBytes {
		rq.problem(413, "The body is too large.", nil)
		return nil, false
	}
	raw, _ := io.ReadAll(io.LimitReader(rq.r.Body, BodyLimitBytes+1))
	if len(raw) > BodyLimitBytes {
		rq.problem(413, "The body is too large.", nil)
		return nil, false
	}
	mt, _, err := mime.ParseMediaType(rq.r.Header.Get("Content-Type"))
	jsonType := err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
	if enc := rq.r.Header.Get("Content-Encoding"); !jsonType || enc != "" && !strings.EqualFold(enc, "identity") {
		rq.problem(415, "The body must be application/json.", nil)
		return nil, false
	}
	if rq.s.dev.BomAccepted {
		raw = bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf"))
	}
	if rq.s.dev.DigitsAre400 && bytes.Contains(raw, bytes.Repeat([]byte("0"), 4300)) {
		rq.problem(400, "The body is not valid JSON.", nil)
		return nil, false
	}
	if !utf8.Valid(raw) || loneSurrogate(raw) {
		rq.problem(400, "The body is not valid JSON.", nil)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		rq.problem(400, "The body is not valid JSON.", nil)
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		rq.problem(400, "The body is not valid JSON.", nil)
		return nil, false
	}
	return v, true
}

// loneSurrogate finds a \uD800-\uDFFF escape that is not half of a pair.
func loneSurrogate(raw []byte) bool {
	hex := func(i int) (int64, bool) {
		if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
			return 0, false
		}
		n, ok := new(big.Int).SetString(string(raw[i+2:i+6]), 16)
		return n.Int64(), ok
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		n, ok := hex(i)
		if !ok {
			i++
			continue
		}
		switch {
		case n >= 0xD800 && n <= 0xDBFF:
			low, ok := hex(i + 6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 11
		case n >= 0xDC00 && n <= 0xDFFF:
			return true
		default:
			i += 5
		}
	}
	return false
}

func ecmaSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func (rq *request) validate(v any) (item, []fieldError) {
	var errs []fieldError
	bad := func(ptr, msg string) { errs = append(errs, fieldError{"body", ptr, msg}) }
	obj, ok := v.(map[string]any)
	if !ok {
		bad("", "the body must be a JSON object")
		return item{}, errs
	}
	var keys []string
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k != "name" && k != "quantity" && k != "tags" {
			ptr := "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
			if rq.s.dev.UnknownKeyAtRoot {
				ptr = ""
			}
			bad(ptr, "unknown field")
		}
	}
	text := func(v any, ptr string, max int) string {
		s, ok := v.(string)
		t := strings.TrimFunc(s, ecmaSpace)
		if n := utf8.RuneCountInString(t); !ok || n < 1 || n > max {
			bad(ptr, fmt.Sprintf("must be 1 to %d characters after trimming", max))
		}
		return t
	}
	var it item
	if n, ok := obj["name"]; ok {
		it.Name = text(n, "/name", 100)
	} else {
		bad("/name", "name is required")
	}
	if q, ok := obj["quantity"]; !ok {
		bad("/quantity", "quantity is required")
	} else {
		num, isNum := q.(json.Number)
		r, ok := new(big.Rat).SetString(string(num))
		valid := isNum && ok && r.IsInt() && r.Sign() >= 0 && r.Cmp(big.NewRat(1000000, 1)) <= 0
		if rq.s.dev.StrictIntegers && strings.ContainsAny(string(num), ".eE") {
			valid = false
		}
		if !valid {
			bad("/quantity", "quantity must be an integer from 0 to 1000000")
		} else {
			it.Quantity = r.Num().Int64()
		}
	}
	it.Tags = []string{}
	if t, ok := obj["tags"]; ok {
		list, isList := t.([]any)
		switch {
		case !isList:
			bad("/tags", "tags must be an array")
		case len(list) > 10:
			bad("/tags", "at most 10 tags")
		default:
			for i, tag := range list {
				it.Tags = append(it.Tags, text(tag, fmt.Sprintf("/tags/%d", i), 32))
			}
		}
	}
	return it, errs
}

func now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }

func (rq *request) create() {
	v, ok := rq.body()
	if !ok {
		return
	}
	it, errs := rq.validate(v)
	if errs != nil {
		rq.problem(422, "The body is not valid.", errs)
		return
	}
	it.ID, it.CreatedAt = newUUID(), now()
	it.UpdatedAt = it.CreatedAt
	if rq.s.dev.ExtraItemField {
		it.Version = 1
	}
	rq.s.mu.Lock()
	rq.s.items = append(rq.s.items, it)
	rq.s.mu.Unlock()
	rq.w.Header().Set("Location", "/v1/items/"+it.ID)
	rq.json(201, it)
}

func (rq *request) replace(itemID string) {
	v, ok := rq.body()
	if !ok {
		return
	}
	rq.withItem(itemID, func(i int) {
		it, errs := rq.validate(v)
		if errs != nil {
			rq.problem(422, "The body is not valid.", errs)
			return
		}
		it.ID, it.CreatedAt, it.UpdatedAt = itemID, rq.s.items[i].CreatedAt, now()
		rq.s.items[i] = it
		rq.json(200, it)
	})
}

// WithCORS wraps h in the contract's CORS layer for the listed origins (CORS_ORIGINS):
// a preflight from a listed origin is 204 with the allowed methods and headers; every
// other answer to a listed origin carries Access-Control-Allow-Origin (that origin),
// Vary: Origin and Access-Control-Expose-Headers; an unlisted origin gets no CORS header.
func WithCORS(h http.Handler, origins ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		listed := origin != "" && slices.ContainsFunc(origins, func(o string) bool { return strings.EqualFold(o, origin) })
		if !listed {
			h.ServeHTTP(w, r)
			return
		}
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", origin)
		hd.Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			hd.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE")
			hd.Set("Access-Control-Allow-Headers", "Content-Type, X-Request-Id")
			hd.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		hd.Set("Access-Control-Expose-Headers", "Location, X-Request-Id")
		h.ServeHTTP(w, r)
	})
}
