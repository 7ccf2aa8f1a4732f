package probe

import (
	"context"
	"net/http"
	"net/http/httptest"
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
		if len(results) != len(checks)-1 {
			t.Fatalf("ran %d checks, want %d", len(results), len(checks)-1)
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
