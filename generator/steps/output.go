package steps

import (
	"bytes"
	"sync"
)

// KeepBytes bounds the output kept in memory per command or server: the newest bytes
// are kept, cut at a line start, so a chatty process cannot grow the runner's memory.
const KeepBytes = 1 << 20

// TailBytes is how much of a failed command's output a result shows.
const TailBytes = 4000

// Output collects a child's combined stdout and stderr while it runs, keeping the last
// KeepBytes (whole lines once it has dropped any).
type Output struct {
	mu      sync.Mutex
	b       []byte
	dropped bool
	limit   int
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	limit := o.limit
	if limit == 0 {
		limit = KeepBytes
	}
	o.b = append(o.b, p...)
	if len(o.b) > limit {
		cut := len(o.b) - limit
		if i := bytes.IndexByte(o.b[cut:], '\n'); i >= 0 && i < len(o.b)-cut-1 {
			cut += i + 1
		}
		o.b = append(o.b[:0], o.b[cut:]...)
		o.dropped = true
	}
	return len(p), nil
}

// String is all the output kept.
func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.b)
}

// Truncated says whether older output was dropped.
func (o *Output) Truncated() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.dropped
}

// Tail is the last n bytes of s, starting at a line when it can, marked with "…" when
// cut.
func Tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	t := s[len(s)-n:]
	if i := bytes.IndexByte([]byte(t), '\n'); i >= 0 && i < len(t)-1 {
		t = t[i+1:]
	}
	return "…\n" + t
}
