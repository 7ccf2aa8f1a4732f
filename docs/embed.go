// Package docs embeds the machine-readable contract, openapi.json, so that the binary
// can put the one source of it into every generated project (see the templates'
// shared_files) and check answers against it.
package docs

import _ "embed"

// OpenAPI is the contract's OpenAPI 3.1 document (openapi.json beside this file).
//
//go:embed openapi.json
var OpenAPI []byte
