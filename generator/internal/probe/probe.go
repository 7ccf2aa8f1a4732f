// Package probe checks a running backend against the shared HTTP contract from the
// outside, over real HTTP and WebSocket connections. verify and compare both use it,
// so every skeleton is held to the same rules.
package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/openapi"
)

// Options say what to expect from the server.
type Options struct {
	BaseURL   string // e.g. http://127.0.0.1:3000
	WebSocket bool   // the websocket feature is on
	// BodyLimit is the server's BODY_LIMIT_BYTES (the contract's default when 0).
	BodyLimit int
	// WSMaxMessage is the server's WS_MAX_MESSAGE_BYTES (the contract's default when 0).
	WSMaxMessage int
	// CORSOrigin is the one origin the server was started with in CORS_ORIGINS; the
	// CORS checks run only when it is set.
	CORSOrigin string
	// Document is the OpenAPI document every answer is checked against (the check
	// openapi.response); nil means the contract's, docs/openapi.json as embedded.
	Document *openapi.Document
}

// contractDocument is the embedded contract document, loaded once.
var contractDocument = sync.OnceValues(func() (*openapi.Document, error) { return openapi.Load(docs.OpenAPI) })

// Result is one contract rule checked. ID is stable ("headers.request-id"): it does
// not change when the wording of Name does, so scripts can key on it.
type Result struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

// check is one rule: it returns nil when the server follows it.
type check struct {
	id   string
	name string
	run  func(p *prober) error
	ws   bool // only when the websocket feature is on
	noWS bool // only when it is off
	cors bool // only when Options.CORSOrigin is set
}

type prober struct {
	ctx    context.Context
	opts   Options
	client *http.Client
	doc    *openapi.Document
	// broken are the answers the document does not allow, in the order received.
	broken   []brokenAnswer
	seen     int // answers checked against the document
	failures int // of which broke it
}

// Run checks every rule in order and returns one result per rule.
func Run(ctx context.Context, opts Options) []Result {
	if opts.BodyLimit == 0 {
		opts.BodyLimit = 102400
	}
	if opts.WSMaxMessage == 0 {
		opts.WSMaxMessage = 65536
	}
	p := &prober{ctx: ctx, opts: opts, doc: opts.Document, client: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	var docErr error
	if p.doc == nil {
		p.doc, docErr = contractDocument()
	}
	var out []Result
	for _, c := range checks {
		if c.id == documentCheckID {
			r := Result{ID: c.id, Name: c.name, OK: true}
			if err := p.documentVerdict(docErr); err != nil {
				r.OK, r.Detail = false, err.Error()
			}
			out = append(out, r)
			continue
		}
		if (c.ws && !opts.WebSocket) || (c.noWS && opts.WebSocket) || (c.cors && opts.CORSOrigin == "") {
			continue
		}
		err := c.run(p)
		r := Result{ID: c.id, Name: c.name, OK: err == nil}
		if err != nil {
			r.Detail = err.Error()
		}
		out = append(out, r)
		if ctx.Err() != nil {
			break
		}
	}
	return out
}

// Failed counts the results that failed.
func Failed(results []Result) int {
	n := 0
	for _, r := range results {
		if !r.OK {
			n++
		}
	}
	return n
}

// response is a read response.
type response struct {
	*http.Response
	body []byte
}

func (r *response) json(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("%s %s: body is not the JSON expected: %v: %.200q", r.Request.Method, r.Request.URL.Path, err, r.body)
	}
	return nil
}

// do sends a request. body nil sends none; contentType "" sends no Content-Type;
// chunked sends the body without Content-Length.
func (p *prober) do(method, path string, body []byte, contentType string, headers map[string]string, chunked bool) (*response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
		if chunked {
			rd = io.MultiReader(bytes.NewReader(body)) // hides the length from net/http
		}
	}
	req, err := http.NewRequestWithContext(p.ctx, method, p.opts.BaseURL+path, rd)
	if err != nil {
		return nil, err
	}
	if chunked {
		req.ContentLength = -1
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: reading the body: %w", method, path, err)
	}
	p.judge(req, resp.StatusCode, resp.Header, b)
	return &response{Response: resp, body: b}, nil
}

func (p *prober) get(path string) (*response, error) { return p.do("GET", path, nil, "", nil, false) }

func (p *prober) sendJSON(method, path string, v any) (*response, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return p.do(method, path, b, "application/json", nil, false)
}

// expectStatus checks the status code and names the request in the error.
func expectStatus(r *response, want int) error {
	if r.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.300s", r.Request.Method, r.Request.URL.RequestURI(), r.StatusCode, want, r.body)
	}
	return nil
}

// Compiled on first use, so commands that never probe do not pay for them at start-up.
var (
	uuidV4RE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	})
	timestampRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`) })
)

// problem is an RFC 9457 body as the contract shapes it.
type problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail"`
	Instance  string         `json:"instance"`
	RequestID string         `json:"request_id"`
	Errors    []problemError `json:"errors"`
}

type problemError struct {
	In      string `json:"in"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// expectProblem checks status, media type and every field of a problem body.
func expectProblem(r *response, status int) (*problem, error) {
	if err := expectStatus(r, status); err != nil {
		return nil, err
	}
	where := r.Request.Method + " " + r.Request.URL.RequestURI()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		return nil, fmt.Errorf("%s: Content-Type %q, want application/problem+json", where, ct)
	}
	var raw map[string]any
	if err := r.json(&raw); err != nil {
		return nil, err
	}
	if s, ok := raw["status"].(float64); !ok || int(s) != status {
		return nil, fmt.Errorf("%s: problem status %v, want the number %d", where, raw["status"], status)
	}
	var pr problem
	if err := r.json(&pr); err != nil {
		return nil, err
	}
	switch {
	case pr.Type != "about:blank":
		return nil, fmt.Errorf("%s: problem type %q, want about:blank", where, pr.Type)
	case pr.Title != ReasonPhrase(status):
		return nil, fmt.Errorf("%s: problem title %q, want %q", where, pr.Title, ReasonPhrase(status))
	case pr.Instance != r.Request.URL.Path:
		return nil, fmt.Errorf("%s: problem instance %q, want the path %q", where, pr.Instance, r.Request.URL.Path)
	case pr.RequestID == "" || pr.RequestID != r.Header.Get("X-Request-Id"):
		return nil, fmt.Errorf("%s: problem request_id %q, want the X-Request-Id header %q", where, pr.RequestID, r.Header.Get("X-Request-Id"))
	case raw["detail"] == nil:
		return nil, fmt.Errorf("%s: problem has no detail", where)
	}
	return &pr, nil
}

// expectValidation checks a 422 that reports (at least) the given pointer.
func expectValidation(r *response, in, pointer string) error {
	pr, err := expectProblem(r, 422)
	if err != nil {
		return err
	}
	for _, e := range pr.Errors {
		if e.In == in && e.Pointer == pointer && e.Message != "" {
			return nil
		}
	}
	return fmt.Errorf("%s %s: 422 errors %+v lack {in: %q, pointer: %q} with a message", r.Request.Method, r.Request.URL.RequestURI(), pr.Errors, in, pointer)
}

// rfc9110Phrases are the reason phrases RFC 9110 gives where they differ from Go's
// http.StatusText, which keeps the older names.
var rfc9110Phrases = map[int]string{
	413: "Content Too Large",
	422: "Unprocessable Content",
}

// ReasonPhrase is the status's standard reason phrase (RFC 9110), the problem title
// the contract asks for.
func ReasonPhrase(status int) string {
	if p, ok := rfc9110Phrases[status]; ok {
		return p
	}
	return http.StatusText(status)
}
