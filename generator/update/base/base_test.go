package base

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stackpick/stackpick/generator/render"
)

func TestRoundTrip(t *testing.T) {
	files := []render.File{
		{Path: "z/no-newline.txt", Data: []byte("last line without newline"), Mode: 0o644},
		{Path: "bin/run.sh", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		{Path: "tricky.md", Data: []byte("-- \"a\" 0644 3 --\nabc\n\n"), Mode: 0o644},
		{Path: "empty", Data: nil, Mode: 0o600},
		{Path: "package-lock.json", Data: []byte(`{"lockfileVersion": 3}`), Mode: 0o644},
		{Path: "name with space/uv.lock", Data: []byte("version = 1\n"), Mode: 0o644},
	}
	enc := Encode(files)
	if bytes.Contains(enc, []byte("lockfileVersion")) {
		t.Fatal("a lockfile's content was kept")
	}
	b, err := Decode(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != len(files) {
		t.Fatalf("%d files, want %d", len(b), len(files))
	}
	for _, f := range files {
		got := b[f.Path]
		if got.Mode != f.Mode {
			t.Errorf("%s: mode %v", f.Path, got.Mode)
		}
		if IsLockfile(f.Path) {
			if !got.Lock || got.Digest != Digest(f.Data) || got.Data != nil {
				t.Errorf("%s: %+v", f.Path, got)
			}
			continue
		}
		if !bytes.Equal(got.Data, f.Data) {
			t.Errorf("%s: %q, want %q", f.Path, got.Data, f.Data)
		}
	}
	if !bytes.Equal(Encode(files), enc) {
		t.Error("encoding is not deterministic")
	}
}

func TestDecodeRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"no header":    "hello\n",
		"cut short":    "stackpick base 1\n-- \"a\" 0644 10 --\nabc\n",
		"size off":     "stackpick base 1\n-- \"a\" 0644 2 --\nabc\n",
		"escaping":     "stackpick base 1\n-- \"../x\" 0644 1 --\na\n",
		"absolute":     "stackpick base 1\n-- \"/etc/x\" 0644 1 --\na\n",
		"bad mode":     "stackpick base 1\n-- \"a\" 9999 1 --\na\n",
		"twice":        "stackpick base 1\n-- \"a\" 0644 1 --\na\n-- \"a\" 0644 1 --\na\n",
		"bad lock":     "stackpick base 1\n-- \"uv.lock\" 0644 lock md5:x --\n",
		"not a header": "stackpick base 1\nstray line\n",
	} {
		if _, err := Decode([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if !strings.HasPrefix(err.Error(), Path+": ") {
			t.Errorf("%s: %v does not name the file", name, err)
		}
	}
}

// FuzzDecode: Decode never panics, and what it accepts encodes back to itself.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(Encode([]render.File{{Path: "a", Data: []byte("x\n"), Mode: 0o644}, {Path: "uv.lock", Data: []byte("l"), Mode: 0o644}})))
	f.Add([]byte("stackpick base 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Decode(data)
		if err != nil {
			return
		}
		var files []render.File
		for p, file := range b {
			if file.Lock {
				return // a digest cannot be encoded back without the content
			}
			files = append(files, render.File{Path: p, Data: file.Data, Mode: file.Mode})
		}
		again, err := Decode(Encode(files))
		if err != nil || len(again) != len(b) {
			t.Fatalf("re-encoded base: %v", err)
		}
	})
}
