package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/stackpick/stackpick/generator/verify"
)

// progress shows long steps: a spinner with the elapsed time on a terminal, plain
// lines otherwise (CI logs keep them readable).
type progress struct {
	w    io.Writer
	tty  bool
	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

func newProgress(w io.Writer, tty bool) *progress { return &progress{w: w, tty: tty} }

var spinnerFrames = []string{"|", "/", "-", "\\"}

// start announces a step; on a terminal it spins until end is called.
func (p *progress) start(name string) {
	if !p.tty {
		fmt.Fprintf(p.w, "%s ...\n", name)
		return
	}
	p.mu.Lock()
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	stop, done := p.stop, p.done
	p.mu.Unlock()
	began := time.Now()
	go func() {
		defer close(done)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(p.w, "\r%s %s (%.1fs)", spinnerFrames[i%len(spinnerFrames)], name, time.Since(began).Seconds())
			select {
			case <-stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
}

// stepNameWidth fits the longest step name (verify's), so that the marks and times
// line up in one column.
const stepNameWidth = max(len(verify.StepConformance), len(verify.StepPersistence), len(verify.StepMigrations))

// end stops the spinner and prints the step's result line.
func (p *progress) end(name string, ok bool, seconds float64, detail string) {
	p.mu.Lock()
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop = nil
	}
	p.mu.Unlock()
	mark := "ok"
	if !ok {
		mark = "FAILED"
	}
	line := fmt.Sprintf("%-*s %-6s %6.1fs", stepNameWidth, name, mark, seconds)
	if detail != "" {
		line += "  " + detail
	}
	fmt.Fprintln(p.w, line)
}
