// Package templates embeds the project templates shipped in the binary: one folder
// per template with a manifest.yml and its files (see README.md).
package templates

import (
	"embed"
	"io/fs"

	"github.com/stackpick/stackpick/docs"
	"github.com/stackpick/stackpick/generator/catalog"
)

// all: keeps dotfiles (.gitignore, .github/) and __package__ folders.
//
//go:embed all:*
var files embed.FS

// FS returns the templates; each top-level folder with a manifest is a template.
func FS() fs.FS { return files }

// Catalog loads the embedded templates and shares with them the files kept once for
// all (the contract's OpenAPI document, as "openapi.json").
func Catalog() (*catalog.Catalog, error) {
	cat, err := catalog.Load(files)
	if err != nil {
		return nil, err
	}
	cat.Share("openapi.json", docs.OpenAPI)
	return cat, nil
}
