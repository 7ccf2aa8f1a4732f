// Package openapi loads the contract's OpenAPI 3.1 document (docs/openapi.json) and checks
// HTTP exchanges against it: the request's method and path are matched to an operation
// (or to the answers any request can get), and the response's status, content type, body
// and headers are checked against what the document declares.
//
// kin-openapi loads the document, resolves its references and validates it as OpenAPI 3.1;
// bodies and header values are checked with santhosh-tekuri/jsonschema (JSON Schema
// 2020-12, the evaluator kin-openapi itself uses for 3.1) directly, so that each schema is
// compiled once and numbers keep their exact value (1e3 is the integer 1000; a quantity of
// 5,001 digits is a number out of range, not a decoding error).
package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// resourceURL names the document inside the JSON Schema compiler; schemas are compiled
// from JSON pointers into it, so "$ref": "#/components/..." resolves as in the document.
const resourceURL = "stackpick:openapi.json"

// InvalidDocumentError says the bytes are not a valid OpenAPI 3.1 document.
type InvalidDocumentError struct {
	Reason string
	Err    error
}

func (e *InvalidDocumentError) Error() string {
	return "the OpenAPI document is not valid OpenAPI 3.1: " + e.Reason + ": " + e.Err.Error() +
		" (fix docs/openapi.json and check it with `go test ./generator/openapi`)"
}

func (e *InvalidDocumentError) Unwrap() error { return e.Err }

// Document is a loaded, validated OpenAPI 3.1 document. It is safe for concurrent use.
type Document struct {
	spec      *openapi3.T
	raw       []byte
	templates []pathTemplate

	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

// Load parses data as an OpenAPI 3.1 document and validates it: the OpenAPI structure and
// references (kin-openapi), and every schema against the JSON Schema 2020-12 meta-schema.
func Load(data []byte) (*Document, error) {
	loader := openapi3.NewLoader()
	spec, err := loader.LoadFromData(data)
	if err != nil {
		return nil, &InvalidDocumentError{Reason: "it does not load", Err: err}
	}
	if !spec.IsOpenAPI31OrLater() || spec.IsOpenAPI32OrLater() {
		return nil, &InvalidDocumentError{Reason: "wrong version", Err: fmt.Errorf("openapi is %q, want 3.1.x", spec.OpenAPI)}
	}
	if err := spec.Validate(context.Background()); err != nil {
		return nil, &InvalidDocumentError{Reason: "it breaks the OpenAPI rules", Err: err}
	}
	instance, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, &InvalidDocumentError{Reason: "it is not JSON", Err: err}
	}
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	if err := compiler.AddResource(resourceURL, instance); err != nil {
		return nil, &InvalidDocumentError{Reason: "it cannot be read as JSON Schema", Err: err}
	}
	d := &Document{spec: spec, raw: slices.Clone(data), compiler: compiler, schemas: map[string]*jsonschema.Schema{}}
	for _, path := range spec.Paths.InMatchingOrder() {
		d.templates = append(d.templates, parseTemplate(path))
	}
	// Compile every schema now, so a broken one fails Load rather than a later check.
	for _, ptr := range d.schemaPointers() {
		if _, err := d.schema(ptr); err != nil {
			return nil, &InvalidDocumentError{Reason: "a schema does not compile (" + ptr + ")", Err: err}
		}
	}
	return d, nil
}

// Version is the document's info.version.
func (d *Document) Version() string { return d.spec.Info.Version }

// Bytes is the document as it was loaded.
func (d *Document) Bytes() []byte { return slices.Clone(d.raw) }

// Spec is the kin-openapi model of the document, for callers that generate from it.
func (d *Document) Spec() *openapi3.T { return d.spec }

// Operation is one method on one path template of the document.
type Operation struct {
	Method string // upper case: GET, POST, ...
	Path   string // the template, /v1/items/{id}
	ID     string // operationId
}

// Operations lists the document's operations in a fixed order: paths sorted, then methods
// in the order GET, PUT, POST, DELETE, OPTIONS, HEAD, PATCH, TRACE.
func (d *Document) Operations() []Operation {
	var ops []Operation
	paths := d.spec.Paths.Keys()
	slices.Sort(paths)
	for _, path := range paths {
		item := d.spec.Paths.Value(path)
		for _, method := range methodOrder {
			if op := item.GetOperation(method); op != nil {
				ops = append(ops, Operation{Method: method, Path: path, ID: op.OperationID})
			}
		}
	}
	return ops
}

var methodOrder = []string{http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
	http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace}

// ValidateJSON checks a JSON text against the schema at a JSON pointer into the document
// ("#/components/schemas/ItemInput"). A nil error means valid; a *jsonschema.ValidationError
// says why not; other errors mean the text is not JSON or the pointer names no schema.
func (d *Document) ValidateJSON(pointer string, text []byte) error {
	s, err := d.schema(pointer)
	if err != nil {
		return err
	}
	v, err := decodeJSON(text)
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// RequestBodyPointer is the pointer to the JSON schema of an operation's request body, or
// "" when the operation takes none.
func (d *Document) RequestBodyPointer(op Operation) string {
	item := d.spec.Paths.Value(op.Path)
	if item == nil || item.GetOperation(op.Method) == nil {
		return ""
	}
	rb := item.GetOperation(op.Method).RequestBody
	if rb == nil || rb.Value == nil || rb.Value.Content.Get("application/json") == nil {
		return ""
	}
	if rb.Ref != "" {
		return rb.Ref + "/content/application~1json/schema"
	}
	return "#/paths/" + escapePointer(op.Path) + "/" + strings.ToLower(op.Method) + "/requestBody/content/application~1json/schema"
}

// schema compiles (once) the schema at a pointer into the document.
func (d *Document) schema(pointer string) (*jsonschema.Schema, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.schemas[pointer]; ok {
		return s, nil
	}
	s, err := d.compiler.Compile(resourceURL + pointer)
	if err != nil {
		return nil, err
	}
	d.schemas[pointer] = s
	return s, nil
}

// schemaPointers lists where the document holds schemas, in a fixed order.
func (d *Document) schemaPointers() []string {
	var out []string
	names := make([]string, 0, len(d.spec.Components.Schemas))
	for name := range d.spec.Components.Schemas {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		out = append(out, "#/components/schemas/"+escapePointer(name))
	}
	for _, op := range d.Operations() {
		if p := d.RequestBodyPointer(op); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func decodeJSON(text []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err == nil {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

// escapePointer escapes one RFC 6901 segment.
func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
