package verify

import (
	"context"
	"fmt"
	"sync"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/conformance"
	"github.com/stackpick/stackpick/generator/openapi"
)

// Conformance is what the conformance step found: the corpus generated from the OpenAPI
// document, sent to the booted project and judged with the document as the oracle.
type Conformance struct {
	DocumentVersion string `json:"document_version"`
	Cases           int    `json:"cases"`
	// Failed counts the cases with at least one violation; Violations counts them all.
	Failed     int `json:"failed"`
	Violations int `json:"violations"`
	// Failures are the failing cases, in corpus order, each with its findings.
	Failures []conformance.Result `json:"failures"`
}

// contractDocument is the embedded contract document, loaded once.
var contractDocument = sync.OnceValues(func() (*openapi.Document, error) { return openapi.Load(docs.OpenAPI) })

// RunConformance sends the corpus to the server at baseURL, one case after another, and
// judges every answer against doc (nil: the contract's document). Without the websocket
// feature the handshake expects the 404 problem (conformance.WithoutWebSocket). The error
// is set when the corpus cannot be made or ctx ended; failing cases are not an error.
func RunConformance(ctx context.Context, baseURL string, doc *openapi.Document, websocket bool) (*Conformance, error) {
	if doc == nil {
		var err error
		if doc, err = contractDocument(); err != nil {
			return nil, err
		}
	}
	cases, err := conformance.Corpus(doc)
	if err != nil {
		return nil, err
	}
	if !websocket {
		cases = conformance.WithoutWebSocket(cases)
	}
	rep, err := conformance.Run(ctx, doc, cases, conformance.Target{Name: "project", BaseURL: baseURL})
	if rep == nil {
		return nil, err
	}
	c := &Conformance{DocumentVersion: rep.DocumentVersion, Cases: rep.Cases, Violations: rep.Violations, Failures: rep.Failures()}
	if c.Failures == nil {
		c.Failures = []conformance.Result{}
	}
	c.Failed = len(c.Failures)
	return c, err
}

// Err is nil when every case conformed, else a one-line summary.
func (c *Conformance) Err() error {
	if c.Failed == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d conformance cases failed (%d %s)", c.Failed, c.Cases, c.Violations, plural(c.Violations, "violation", "violations"))
}
