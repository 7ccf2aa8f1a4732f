package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

// TestProbeCatchesABrokenServer runs the probe against a server that answers GET
// /livez correctly and every other request with 500 {"status":"ok"}: every rule but
// liveness must fail, so no check passes by accident.
func TestProbeCatchesABrokenServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/livez" {
			w.WriteHeader(500)
		}
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()
	for _, ws := range []bool{false, true} {
		results := Run(context.Background(), Options{BaseURL: srv.URL, WebSocket: ws})
		if want := len(checks) - 1 - corsChecks(); len(results) != want {
			t.Fatalf("ran %d checks, want %d", len(results), want)
		}
		for _, r := range results {
			if r.OK != (r.Name == checks[0].name) {
				t.Errorf("websocket=%v: %q passed=%v against a broken server", ws, r.Name, r.OK)
			}
			if !r.OK && r.Detail == "" {
				t.Errorf("%q failed without saying why", r.Name)
			}
		}
	}
}

func corsChecks() int {
	n := 0
	for _, c := range checks {
		if c.cors {
			n++
		}
	}
	return n
}

func TestPaddedBody(t *testing.T) {
	for _, n := range []int{100, 102400} {
		if got := len(paddedBody(n)); got != n {
			t.Errorf("paddedBody(%d) has %d bytes", n, got)
		}
	}
	if ReasonPhrase(422) != "Unprocessable Content" || ReasonPhrase(404) != "Not Found" {
		t.Error("ReasonPhrase")
	}
}

// corsServer answers every path 200 (OPTIONS: 405) and adds CORS headers for origin
// the way the contract says; broken changes one thing.
func corsServer(origin, broken string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		o := r.Header.Get("Origin")
		listed := o == origin || broken == "every origin"
		if o != "" && listed {
			switch broken {
			case "star":
				h.Set("Access-Control-Allow-Origin", "*")
			default:
				h.Set("Access-Control-Allow-Origin", o)
			}
			if broken != "no vary" {
				h.Add("Vary", "Accept-Encoding, Origin")
			}
		}
		if r.Method == http.MethodOptions {
			if o != "" && listed && r.Header.Get("Access-Control-Request-Method") != "" && broken != "no preflight" {
				if broken != "no methods" {
					h.Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,POST,DELETE")
				}
				h.Set("Access-Control-Allow-Headers", "Content-Type, X-Request-Id")
				if broken == "preflight 200" {
					w.WriteHeader(200)
					return
				}
				w.WriteHeader(204)
				return
			}
			h.Set("Allow", "GET, POST")
			w.WriteHeader(405)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"status":"ok"}`))
	})
}

// runCORS runs only the CORS checks and returns OK by id.
func runCORS(t *testing.T, h http.Handler) map[string]bool {
	t.Helper()
	srv := httptest.NewServer(h)
	defer srv.Close()
	p := &prober{ctx: context.Background(), opts: Options{BaseURL: srv.URL, CORSOrigin: CORSOrigin}, client: srv.Client()}
	got := map[string]bool{}
	for _, c := range checks {
		if c.cors {
			got[c.id] = c.run(p) == nil
		}
	}
	if len(got) != 3 {
		t.Fatalf("ran %d CORS checks, want 3", len(got))
	}
	return got
}

// TestCORSChecks shows each CORS check passing on a server that follows the contract
// and failing on one that breaks its rule.
func TestCORSChecks(t *testing.T) {
	for id, ok := range runCORS(t, corsServer(CORSOrigin, "")) {
		if !ok {
			t.Errorf("%s failed on a correct server", id)
		}
	}
	for _, tc := range []struct{ broken, fails string }{
		{"star", "cors.allowed-origin"},
		{"no vary", "cors.allowed-origin"},
		{"preflight 200", "cors.preflight"},
		{"no preflight", "cors.preflight"},
		{"no methods", "cors.preflight"},
		{"every origin", "cors.unlisted-origin"},
	} {
		got := runCORS(t, corsServer(CORSOrigin, tc.broken))
		if got[tc.fails] {
			t.Errorf("%s passed on a server with %s", tc.fails, tc.broken)
		}
	}
	// No CORS at all: the listed origin and the preflight fail.
	got := runCORS(t, corsServer("https://someone-else.example", ""))
	if got["cors.allowed-origin"] || got["cors.preflight"] || !got["cors.unlisted-origin"] {
		t.Errorf("a server without CORS: %v", got)
	}
}

// TestCheckIDsAreUniqueAndStable pins the ids: scripts key on them, so a rename
// must be deliberate.
func TestCheckIDsAreUniqueAndStable(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range checks {
		if !regexp.MustCompile(`^[a-z]+\.[a-z-]+$`).MatchString(c.id) || seen[c.id] {
			t.Errorf("check %q: id %q is empty, malformed or used twice", c.name, c.id)
		}
		seen[c.id] = true
	}
	for _, id := range []string{"health.livez", "headers.request-id", "errors.precedence", "websocket.echo", "cors.preflight", "openapi.response"} {
		if !seen[id] {
			t.Errorf("the id %s is gone", id)
		}
	}
}
