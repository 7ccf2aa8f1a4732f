package probe

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"time"
)

// leakMarkers are traces of internals that must never reach a response body: stack
// frames, file paths, exception names.
var leakMarkers = []string{"Traceback", "    at ", "node_modules", "site-packages", ".py\"", ".js:", "Error:", "Exception"}

// hostileResponse wants an answer in the allowed statuses with no internals in it.
func hostileResponse(what string, r *response, allowed ...int) error {
	ok := false
	for _, s := range allowed {
		ok = ok || r.StatusCode == s
	}
	if !ok {
		return fmt.Errorf("%s: status %d, want one of %v: %.200s", what, r.StatusCode, allowed, r.body)
	}
	for _, m := range leakMarkers {
		if strings.Contains(string(r.body), m) {
			return fmt.Errorf("%s: the body shows internals (%q): %.300s", what, m, r.body)
		}
	}
	return nil
}

// alive checks that the server still answers after a hostile request.
func (p *prober) alive(after string) error {
	r, err := p.get("/livez")
	if err != nil {
		return fmt.Errorf("after %s the server no longer answers: %w", after, err)
	}
	if r.StatusCode != 200 {
		return fmt.Errorf("after %s GET /livez is %d", after, r.StatusCode)
	}
	return nil
}

func checkHostileBodies(p *prober) error {
	depth := 30000
	deep := `{"name":"deep","quantity":1,"tags":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
	deepObj := strings.Repeat(`{"a":`, 15000) + "1" + strings.Repeat("}", 15000)
	for _, tc := range []struct {
		what    string
		body    string
		allowed []int
	}{
		{"JSON nested 30000 arrays deep", deep, []int{400, 413, 422}},
		{"JSON nested 15000 objects deep", deepObj, []int{400, 413, 422}},
		{"a quantity of 1e400", `{"name":"n","quantity":1e400}`, []int{400, 422}},
		{"a 30-digit quantity", `{"name":"n","quantity":123456789012345678901234567890}`, []int{422}},
		{"a quantity of -0.0", `{"name":"n","quantity":-0.0}`, []int{201, 422}},
		{"invalid UTF-8 inside a string", "{\"name\":\"\xff\xfe\",\"quantity\":1}", []int{201, 400, 422}},
		{"a lone UTF-16 surrogate escape", `{"name":"\ud800","quantity":1}`, []int{201, 400, 422}},
		{"a NUL in a name", `{"name":"a\u0000b","quantity":1}`, []int{201, 422}},
		{"a 90 KB string", `{"name":"` + strings.Repeat("x", 90000) + `","quantity":1}`, []int{422}},
		{"duplicate keys", `{"name":"a","name":"b","quantity":1}`, []int{201, 400, 422}},
		{"__proto__ key", `{"name":"p","quantity":1,"__proto__":{"admin":true}}`, []int{422}},
		{"constructor key", `{"name":"p","quantity":1,"constructor":{"prototype":{}}}`, []int{422}},
	} {
		r, err := p.do("POST", "/v1/items", []byte(tc.body), "application/json", nil, false)
		if err != nil {
			return fmt.Errorf("%s: %w", tc.what, err)
		}
		if err := hostileResponse(tc.what, r, tc.allowed...); err != nil {
			return err
		}
		if err := p.alive(tc.what); err != nil {
			return err
		}
	}
	return nil
}

func checkHostileHeaders(p *prober) error {
	for _, tc := range []struct {
		what    string
		headers map[string]string
	}{
		{"a 100 KB header value", map[string]string{"X-Padding": strings.Repeat("a", 100_000)}},
		{"a 100 KB X-Request-Id", map[string]string{"X-Request-Id": strings.Repeat("b", 100_000)}},
		{"a request id with control characters", map[string]string{"X-Request-Id": "a\tb"}},
	} {
		r, err := p.do("GET", "/v1/items", nil, "", tc.headers, false)
		// Refusing the connection outright is a fair answer to an oversized header.
		if err == nil {
			if r.StatusCode >= 500 {
				return fmt.Errorf("%s: status %d", tc.what, r.StatusCode)
			}
			if err := hostileResponse(tc.what, r, r.StatusCode); err != nil {
				return err
			}
		}
		if err := p.alive(tc.what); err != nil {
			return err
		}
	}
	return nil
}

// checkSlowBody trickles a request body byte by byte and checks that other requests
// are served meanwhile: one slow client must not block the server.
func checkSlowBody(p *prober) error {
	host := strings.TrimPrefix(p.opts.BaseURL, "http://")
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	body := `{"name":"slow","quantity":1}`
	fmt.Fprintf(conn, "POST /v1/items HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", host, len(body))
	for i := 0; i < len(body); i++ {
		if _, err := conn.Write([]byte{body[i]}); err != nil {
			return fmt.Errorf("slow body: %w", err)
		}
		if i%7 == 0 {
			start := time.Now()
			if err := p.alive("a slow body started"); err != nil {
				return err
			}
			if d := time.Since(start); d > 2*time.Second {
				return fmt.Errorf("GET /livez took %v while a slow body was arriving", d)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return fmt.Errorf("slow body: no answer: %w", err)
	}
	if !strings.Contains(status, " 201 ") {
		return fmt.Errorf("slow body: answered %q, want 201", strings.TrimSpace(status))
	}
	return nil
}
