package conformance

import (
	"net/http"
	"strings"
)

// WithoutWebSocket adapts the corpus to a server generated without the websocket
// feature: it has no WebSocket route, so the handshake to /v1/ws/echo gets the 404
// problem like any unknown path (a status the document allows there). Every other case
// stays as it is. The cases are copied; the input is not changed.
func WithoutWebSocket(cases []Case) []Case {
	out := make([]Case, len(cases))
	copy(out, cases)
	for i, c := range out {
		if c.Method == http.MethodGet && c.Target == "/v1/ws/echo" && c.Expect.Status == http.StatusSwitchingProtocols &&
			strings.EqualFold(c.Header.Get("Upgrade"), "websocket") {
			out[i].Expect.Status = http.StatusNotFound
			out[i].Note = "the websocket feature is off: no WebSocket route, the 404 problem"
		}
	}
	return out
}
