package answers

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addSeeds adds every file of the shared seed corpus folder testdata/fuzz/<name>.
func addSeeds(f *testing.F, name string) {
	dir := filepath.Join("..", "..", "testdata", "fuzz", name)
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		f.Fatalf("no seed corpus in %s: %v", dir, err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzLoadFile feeds arbitrary bytes to the answers file reader: it never panics,
// fails only with its typed errors, and whatever it accepts the schema's resolver
// either takes or rejects with a typed error.
func FuzzLoadFile(f *testing.F) {
	addSeeds(f, "FuzzLoadFile")
	s := testSchema()
	f.Fuzz(func(t *testing.T, data []byte) {
		values, err := LoadFile("fuzz.yml", strings.NewReader(string(data)), s)
		if err != nil {
			var fe *FileError
			var ie *InvalidError
			if !errors.As(err, &fe) && !errors.As(err, &ie) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		delete(values, KeyGeneratedBy)
		delete(values, KeyTemplateDigest)
		r := &Resolver{Schema: s, File: values, FileName: "fuzz.yml"}
		a := New()
		var ids []string
		for k := range values {
			ids = append(ids, k)
		}
		if err := r.Resolve(a, ids...); err != nil {
			var ie *InvalidError
			if !errors.As(err, &ie) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
	})
}

// FuzzSuggestName: whatever the text, the suggestion is a valid name, and a valid
// name is its own suggestion.
func FuzzSuggestName(f *testing.F) {
	addSeeds(f, "FuzzSuggestName")
	f.Fuzz(func(t *testing.T, data []byte) {
		s := string(data)
		got := SuggestName(s)
		if err := ValidateName(got); err != nil {
			t.Fatalf("SuggestName(%q) = %q: %v", s, got, err)
		}
		if ValidateName(s) == nil && SuggestName(s) != s {
			t.Fatalf("valid name %q suggested as %q", s, SuggestName(s))
		}
	})
}
