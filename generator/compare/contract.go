package compare

import (
	"regexp"
	"sync"
)

// The skeleton contract's endpoints and settings (the shared contract document): the
// parity table looks for each of them in every skeleton's generated files.

// endpoint is a contract path and how a route for it is spelled in source: a string
// literal holding the path, with any framework's placeholder for {id}.
type endpoint struct {
	name    string
	pattern func() *regexp.Regexp // compiled on first use
	// websocket endpoints are reported in their own row, with the feature.
	websocket bool
}

func literal(path string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("[\"'`]" + path + "[\"'`]") })
}

var endpoints = []endpoint{
	{name: "GET /livez", pattern: literal(`/livez`)},
	{name: "GET /readyz", pattern: literal(`/readyz`)},
	{name: "GET, POST /v1/items", pattern: literal(`/v1/items`)},
	// Express spells the id :id, FastAPI {item_id}, others <id>.
	{name: "GET, PUT, DELETE /v1/items/{id}", pattern: literal(`/v1/items/(?::\w+|\{\w+\}|<\w+>)`)},
	{name: "WebSocket /v1/ws/echo", pattern: literal(`/v1/ws/echo`), websocket: true},
}

// settings are the contract's environment variables. A skeleton has one when its
// settings code names it (as the variable, or as a field that maps to it, which is the
// same word in any case).
var settings = []string{"HOST", "PORT", "LOG_LEVEL", "BODY_LIMIT_BYTES", "WS_MAX_MESSAGE_BYTES", "SHUTDOWN_TIMEOUT_MS"}

// Workload paths the benchmark loads.
const (
	pathLive  = "/livez"
	pathItems = "/v1/items"
)
