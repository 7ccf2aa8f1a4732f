package update

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func TestMerge3Cases(t *testing.T) {
	base := "a\nb\nc\nd\ne\n"
	cases := []struct {
		name, ours, theirs, want string
		conflicts                int
	}{
		{"unchanged", base, base, base, 0},
		{"ours only", "a\nB\nc\nd\ne\n", base, "a\nB\nc\nd\ne\n", 0},
		{"theirs only", base, "a\nb\nc\nD\ne\n", "a\nb\nc\nD\ne\n", 0},
		{"apart", "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n", "A\nb\nc\nd\nE\n", 0},
		{"same change", "a\nX\nc\nd\ne\n", "a\nX\nc\nd\ne\n", "a\nX\nc\nd\ne\n", 0},
		{"insert both ends", "0\n" + base, base + "f\n", "0\n" + base + "f\n", 0},
		{"overlap", "a\nb\nYOURS\nd\ne\n", "a\nb\nTHEIRS\nd\ne\n", "a\nb\n<<<<<<< yours\nYOURS\n=======\nTHEIRS\n>>>>>>> template\nd\ne\n", 1},
		{"delete vs edit", "a\nb\nd\ne\n", "a\nb\nC\nd\ne\n", "a\nb\n<<<<<<< yours\n=======\nC\n>>>>>>> template\nd\ne\n", 1},
		{"no final newline", "a\nb\nc\nd\ne", base, "a\nb\nc\nd\ne", 0},
		{"both add at end", base + "x", base + "y\n", base + "<<<<<<< yours\nx\n=======\ny\n>>>>>>> template\n", 1},
		{"empty base", "x\n", "x\n", "x\n", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := base
			if c.name == "empty base" {
				b = ""
			}
			got, n := Merge3([]byte(b), []byte(c.ours), []byte(c.theirs))
			if string(got) != c.want || n != c.conflicts {
				t.Errorf("got %d conflicts:\n%s\nwant %d:\n%s", n, got, c.conflicts, c.want)
			}
		})
	}
}

func TestMatchIsAnEditScript(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		a, b := randomLines(r, r.Intn(30)), randomLines(r, r.Intn(30))
		m := match(a, b)
		last, kept := -1, 0
		for i, j := range m {
			if j < 0 {
				continue
			}
			if j <= last || a[i] != b[j] {
				t.Fatalf("bad match %v for %q / %q", m, a, b)
			}
			last = j
			kept++
		}
		if want := lcs(a, b); kept != want {
			t.Fatalf("kept %d lines, the longest common subsequence has %d: %q / %q", kept, want, a, b)
		}
	}
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

func randomLines(r *rand.Rand, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%c\n", 'a'+r.Intn(4))
	}
	return out
}

// TestMerge3Properties: one-sided changes are taken whole, and edits of the two sides
// that are apart (an unchanged line between them) all survive.
func TestMerge3Properties(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for i := 0; i < 500; i++ {
		base := make([]string, 5+r.Intn(40))
		for j := range base {
			base[j] = fmt.Sprintf("line %d\n", j)
		}
		ours, theirs := slices.Clone(base), slices.Clone(base)
		// Each side edits every line of its own residue class mod 4 with some
		// probability, so edits of the two sides are never adjacent.
		for j := range base {
			if j%4 == 0 && r.Intn(2) == 0 {
				ours[j] = "ours " + base[j]
			}
			if j%4 == 2 && r.Intn(2) == 0 {
				theirs[j] = "theirs " + base[j]
			}
		}
		want := slices.Clone(base)
		for j := range base {
			if ours[j] != base[j] {
				want[j] = ours[j]
			}
			if theirs[j] != base[j] {
				want[j] = theirs[j]
			}
		}
		join := func(l []string) []byte { return []byte(strings.Join(l, "")) }
		got, n := Merge3(join(base), join(ours), join(theirs))
		if n != 0 || string(got) != string(join(want)) {
			t.Fatalf("%d conflicts, got\n%s\nwant\n%s", n, got, join(want))
		}
		if got, _ := Merge3(join(base), join(ours), join(base)); string(got) != string(join(ours)) {
			t.Fatal("ours alone not taken")
		}
		if got, _ := Merge3(join(base), join(base), join(theirs)); string(got) != string(join(theirs)) {
			t.Fatal("theirs alone not taken")
		}
	}
}
