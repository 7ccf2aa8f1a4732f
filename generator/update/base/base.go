// Package base keeps, inside a generated project, what its template produced: the
// base that `stackpick update` merges the user's files and the new template's against.
// It is one plain-text file, so it is committed, reviewed and diffed with the project
// and needs no git, no network and no old template version to be read back.
//
// The format: a first line "stackpick base 1", then per file a header line
//
//	-- "path" 0644 123 --
//
// followed by exactly 123 bytes of content and one newline. The size makes any
// content safe (no line of a file can be taken for a header). Lockfiles are kept as a
// digest only ("-- "package-lock.json" 0644 lock sha256:... --"): the ecosystem's tool
// regenerates them, and the digest tells whether the user changed the lockfile.
package base

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/stackpick/stackpick/generator/render"
)

// Path is where the base lives in a project.
const Path = ".stackpick/base.txt"

const header = "stackpick base 1\n"

// lockfiles are the names of files an ecosystem's tool writes from a manifest.
var lockfiles = []string{"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "uv.lock", "poetry.lock", "requirements.lock", "Pipfile.lock"}

// IsLockfile reports whether p names a lockfile (by its base name).
func IsLockfile(p string) bool {
	b := path.Base(p)
	for _, l := range lockfiles {
		if b == l {
			return true
		}
	}
	return false
}

// File is one file of the base. A lockfile has no Data, only its Digest.
type File struct {
	Mode   fs.FileMode
	Data   []byte
	Digest string // lockfiles only
	Lock   bool
}

// Base is every file the template produced, by slash path.
type Base map[string]File

// Digest is the digest a lockfile is kept as.
func Digest(data []byte) string {
	h := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Encode writes the base of the rendered files (the project record excluded: it is
// not a template file).
func Encode(files []render.File) []byte {
	sorted := append([]render.File(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Path < sorted[j].Path })
	var b bytes.Buffer
	b.WriteString(header)
	for _, f := range sorted {
		if IsLockfile(f.Path) {
			fmt.Fprintf(&b, "-- %s %04o lock %s --\n", strconv.Quote(f.Path), f.Mode.Perm(), Digest(f.Data))
			continue
		}
		fmt.Fprintf(&b, "-- %s %04o %d --\n", strconv.Quote(f.Path), f.Mode.Perm(), len(f.Data))
		b.Write(f.Data)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// FormatError is a base file that cannot be read: edited by hand or cut short.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return Path + ": " + e.Msg }

// Decode reads a base written by Encode.
func Decode(data []byte) (Base, error) {
	if !bytes.HasPrefix(data, []byte(header)) {
		return nil, &FormatError{"does not start with " + strconv.Quote(strings.TrimSpace(header))}
	}
	r := bufio.NewReader(bytes.NewReader(data[len(header):]))
	out := Base{}
	for {
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			return out, nil
		}
		f, name, size, err := parseHeader(strings.TrimSuffix(line, "\n"))
		if err != nil {
			return nil, err
		}
		if _, dup := out[name]; dup {
			return nil, &FormatError{strconv.Quote(name) + " appears twice"}
		}
		if !f.Lock {
			f.Data = make([]byte, size)
			if _, err := io.ReadFull(r, f.Data); err != nil {
				return nil, &FormatError{strconv.Quote(name) + " is cut short"}
			}
			if c, err := r.ReadByte(); err != nil || c != '\n' {
				return nil, &FormatError{strconv.Quote(name) + ": its size does not match its content"}
			}
		}
		out[name] = f
	}
}

func parseHeader(line string) (File, string, int, error) {
	bad := &FormatError{"bad header line " + strconv.Quote(line)}
	if len(line) < len("-- x --") || !strings.HasPrefix(line, "-- ") || !strings.HasSuffix(line, " --") {
		return File{}, "", 0, bad
	}
	body := line[3 : len(line)-3]
	q, err := strconv.QuotedPrefix(body)
	if err != nil {
		return File{}, "", 0, bad
	}
	name, _ := strconv.Unquote(q)
	fields := strings.Fields(body[len(q):])
	if name == "" || path.Clean(name) != name || name == ".." || strings.HasPrefix(name, "../") || path.IsAbs(name) || len(fields) < 2 {
		return File{}, "", 0, bad
	}
	mode, err := strconv.ParseUint(fields[0], 8, 32)
	if err != nil || mode > 0o777 {
		return File{}, "", 0, bad
	}
	f := File{Mode: fs.FileMode(mode)}
	if fields[1] == "lock" {
		if len(fields) != 3 || !strings.HasPrefix(fields[2], "sha256:") {
			return File{}, "", 0, bad
		}
		f.Lock, f.Digest = true, fields[2]
		return f, name, 0, nil
	}
	size, err := strconv.Atoi(fields[1])
	if err != nil || size < 0 || len(fields) != 2 {
		return File{}, "", 0, bad
	}
	return f, name, size, nil
}
