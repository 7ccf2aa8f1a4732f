// Package templates embeds the project templates shipped in the binary: one folder
// per template with a manifest.yml and its files (see README.md).
package templates

import (
	"embed"
	"io/fs"
)

// all: keeps dotfiles (.gitignore, .github/) and __package__ folders.
//
//go:embed all:*
var files embed.FS

// FS returns the templates; each top-level folder with a manifest is a template.
func FS() fs.FS { return files }
