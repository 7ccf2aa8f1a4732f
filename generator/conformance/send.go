package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Target is one server the corpus is sent to.
type Target struct {
	Name    string       // "node", "python", a project's name
	BaseURL string       // http://127.0.0.1:3000, no trailing path
	Client  *http.Client // nil: a client with a 10 s timeout that follows no redirects
}

// Answer is what one server answered to one case.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
	// Sent is the request target actually sent, "{id}" filled in.
	Sent string
	// ID is the id of the item made for the case, "" when none was.
	ID string
}

// maxAnswerBytes bounds what is read of an answer: the corpus expects small ones.
const maxAnswerBytes = 1 << 20

var itemPath = regexp.MustCompile(`^/v1/items/([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$`)

func (t Target) client() *http.Client {
	if t.Client != nil {
		return t.Client
	}
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// SetupError says the items a case needs could not be made: the case was not judged.
type SetupError struct {
	Target string
	Err    error
}

func (e *SetupError) Error() string {
	return "setup on " + e.Target + ": " + e.Err.Error()
}

func (e *SetupError) Unwrap() error { return e.Err }

// Send runs one case against one target: it makes the items the case needs, sends the
// request exactly as the case says (raw target, headers, body), and deletes the items
// again, with the one the request made. A transport failure is an error; so is a setup
// that fails (*SetupError).
func Send(ctx context.Context, t Target, c Case) (Answer, error) {
	var made []string
	defer func() {
		for _, id := range made {
			_, _ = do(ctx, t, http.MethodDelete, "/v1/items/"+id, nil, nil, false)
		}
	}()
	target := c.Target
	for i := 0; i < c.Items; i++ {
		body := fmt.Appendf(nil, `{"name":"setup %d","quantity":%d,"tags":["setup"]}`, i, i+1)
		a, err := do(ctx, t, http.MethodPost, "/v1/items", http.Header{"Content-Type": {"application/json"}}, body, false)
		if err != nil {
			return Answer{}, &SetupError{t.Name, err}
		}
		id := createdID(a)
		if a.Status != http.StatusCreated || id == "" {
			return Answer{}, &SetupError{t.Name, fmt.Errorf("POST /v1/items answered %d with no item id", a.Status)}
		}
		made = append(made, id)
		if i == 0 {
			target = strings.ReplaceAll(strings.ReplaceAll(target, "{id}", id), "{ID}", strings.ToUpper(id))
		}
	}
	a, err := do(ctx, t, c.Method, target, c.Header, c.Body, c.Chunked)
	if err != nil {
		return Answer{Sent: target}, err
	}
	a.Sent = target
	if a.Status == http.StatusCreated {
		if a.ID = createdID(a); a.ID != "" {
			made = append(made, a.ID)
		}
	}
	return a, nil
}

// createdID takes the new item's id from Location, else from the body.
func createdID(a Answer) string {
	if m := itemPath.FindStringSubmatch(a.Header.Get("Location")); m != nil {
		return m[1]
	}
	var item struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(a.Body, &item) == nil && itemPath.MatchString("/v1/items/"+item.ID) {
		return item.ID
	}
	return ""
}

func do(ctx context.Context, t Target, method, target string, h http.Header, body []byte, chunked bool) (Answer, error) {
	base, err := url.Parse(t.BaseURL)
	if err != nil || base.Host == "" {
		return Answer{}, fmt.Errorf("target %s: base URL %q is not http://host:port", t.Name, t.BaseURL)
	}
	path, query, _ := strings.Cut(target, "?")
	// Opaque keeps the path exactly as written (%3F, %00, upper case): it is the request
	// line's target as it stands, since it does not start with "//".
	u := &url.URL{Scheme: base.Scheme, Host: base.Host, Opaque: path, RawQuery: query}
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, base.Scheme+"://"+base.Host+"/", r)
	if err != nil {
		return Answer{}, err
	}
	req.URL = u
	for k, vs := range h {
		req.Header[k] = append([]string(nil), vs...)
	}
	if chunked {
		req.ContentLength = -1
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = nil
	}
	resp, err := t.client().Do(req)
	if err != nil {
		return Answer{}, err
	}
	defer resp.Body.Close()
	a := Answer{Status: resp.StatusCode, Header: resp.Header}
	if resp.StatusCode == http.StatusSwitchingProtocols {
		return a, nil // a WebSocket is open: nothing to read, closing the body closes it
	}
	a.Body, err = io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil && !errors.Is(err, io.EOF) {
		return a, fmt.Errorf("reading the answer: %w", err)
	}
	return a, nil
}
