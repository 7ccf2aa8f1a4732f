package update

import (
	"bytes"
	"sort"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/update/base"
)

// Change is one template file the user changed since it was generated.
type Change struct {
	Path   string `json:"path"`
	Status string `json:"status"` // "changed", "deleted" or "mode"
	// Base and Ours are the contents (nil for a lockfile, kept as a digest, or a
	// deleted file).
	Base []byte `json:"-"`
	Ours []byte `json:"-"`
}

// UserChanges lists how the project in dir differs from what its record produced:
// the user's changes to the template's files, by path. Files the template never had
// (the user's own, node_modules) are not the template's and are not listed.
func UserChanges(cat *catalog.Catalog, dir string) ([]Change, error) {
	old, err := project.FromRecord(cat, dir)
	if err != nil {
		return nil, err
	}
	digest, err := old.Template.Digest()
	if err != nil {
		return nil, err
	}
	b, err := loadBase(old, digest)
	if err != nil {
		return nil, err
	}
	var paths []string
	for p := range b {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []Change
	for _, p := range paths {
		f := b[p]
		o, err := readOurs(dir, p)
		if err != nil {
			return nil, err
		}
		c := Change{Path: p, Base: f.Data, Ours: o.data}
		switch {
		case !o.present:
			c.Status, c.Ours = "deleted", nil
		case f.Lock:
			if base.Digest(o.data) == f.Digest {
				continue
			}
			c.Status, c.Ours = "changed", nil
		case !bytes.Equal(o.data, f.Data):
			c.Status = "changed"
		case o.mode != f.Mode:
			c.Status = "mode"
		default:
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
