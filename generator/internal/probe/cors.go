package probe

import (
	"fmt"
	"net/http"
	"strings"
)

// CORSOrigin is the origin verify lists in CORS_ORIGINS when it boots a server, and
// unlistedOrigin one it does not list.
const (
	CORSOrigin     = "https://allowed.example"
	unlistedOrigin = "https://unlisted.example"
)

// headerHas says whether a comma-separated header (all its lines) lists token,
// case-insensitively.
func headerHas(h http.Header, key, token string) bool {
	for _, line := range h.Values(key) {
		for _, v := range strings.Split(line, ",") {
			if strings.EqualFold(strings.TrimSpace(v), token) {
				return true
			}
		}
	}
	return false
}

// corsHeaders lists the Access-Control-* headers of a response.
func corsHeaders(h http.Header) []string {
	var out []string
	for k := range h {
		if strings.HasPrefix(http.CanonicalHeaderKey(k), "Access-Control-") {
			out = append(out, k+": "+h.Get(k))
		}
	}
	return out
}

// checkCORSAllowed sends requests with the listed origin to a success, a 404 and a
// 422 path: each answer must name that origin (not "*") and vary on Origin.
func checkCORSAllowed(p *prober) error {
	origin := map[string]string{"Origin": p.opts.CORSOrigin}
	for _, req := range []struct{ method, path, body string }{
		{"GET", "/livez", ""},
		{"GET", "/v1/items", ""},
		{"GET", "/no/such/path", ""},
		{"POST", "/v1/items", `{"name":1}`},
	} {
		var body []byte
		ct := ""
		if req.body != "" {
			body, ct = []byte(req.body), "application/json"
		}
		r, err := p.do(req.method, req.path, body, ct, origin, false)
		if err != nil {
			return err
		}
		where := req.method + " " + req.path + " from " + p.opts.CORSOrigin
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != p.opts.CORSOrigin {
			return fmt.Errorf("%s: Access-Control-Allow-Origin %q, want %q", where, got, p.opts.CORSOrigin)
		}
		if !headerHas(r.Header, "Vary", "Origin") {
			return fmt.Errorf("%s: Vary %q does not list Origin", where, r.Header.Values("Vary"))
		}
	}
	return nil
}

// checkCORSPreflight sends preflights from the listed origin for a collection and an
// item path: 204, that origin, the requested method and headers allowed.
func checkCORSPreflight(p *prober) error {
	for _, pf := range []struct{ path, method string }{
		{"/v1/items", "POST"},
		{"/v1/items/" + unknownID, "PUT"},
		{"/v1/items/" + unknownID, "DELETE"},
	} {
		r, err := p.do("OPTIONS", pf.path, nil, "", map[string]string{
			"Origin":                         p.opts.CORSOrigin,
			"Access-Control-Request-Method":  pf.method,
			"Access-Control-Request-Headers": "content-type,x-request-id",
		}, false)
		if err != nil {
			return err
		}
		where := "preflight " + pf.method + " " + pf.path + " from " + p.opts.CORSOrigin
		if r.StatusCode != http.StatusNoContent {
			return fmt.Errorf("%s: status %d, want 204", where, r.StatusCode)
		}
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != p.opts.CORSOrigin {
			return fmt.Errorf("%s: Access-Control-Allow-Origin %q, want %q", where, got, p.opts.CORSOrigin)
		}
		if !headerHas(r.Header, "Access-Control-Allow-Methods", pf.method) && !headerHas(r.Header, "Access-Control-Allow-Methods", "*") {
			return fmt.Errorf("%s: Access-Control-Allow-Methods %q lacks %s", where, r.Header.Get("Access-Control-Allow-Methods"), pf.method)
		}
		for _, h := range []string{"Content-Type", "X-Request-Id"} {
			if !headerHas(r.Header, "Access-Control-Allow-Headers", h) && !headerHas(r.Header, "Access-Control-Allow-Headers", "*") {
				return fmt.Errorf("%s: Access-Control-Allow-Headers %q lacks %s", where, r.Header.Get("Access-Control-Allow-Headers"), h)
			}
		}
	}
	return nil
}

// checkCORSUnlisted sends a request and a preflight from an origin that is not
// listed: no Access-Control-* header may come back.
func checkCORSUnlisted(p *prober) error {
	for _, req := range []struct {
		method, path string
		headers      map[string]string
	}{
		{"GET", "/livez", map[string]string{"Origin": unlistedOrigin}},
		{"GET", "/v1/items", map[string]string{"Origin": unlistedOrigin}},
		{"OPTIONS", "/v1/items", map[string]string{"Origin": unlistedOrigin, "Access-Control-Request-Method": "POST"}},
	} {
		r, err := p.do(req.method, req.path, nil, "", req.headers, false)
		if err != nil {
			return err
		}
		if h := corsHeaders(r.Header); len(h) > 0 {
			return fmt.Errorf("%s %s from %s: has %s, want no Access-Control-* header", req.method, req.path, unlistedOrigin, strings.Join(h, "; "))
		}
	}
	return nil
}
