package update

import (
	"bytes"
	"slices"
)

// The conflict markers, git's style, so editors and merge tools recognise them.
const (
	markerOurs   = "<<<<<<< yours\n"
	markerSep    = "=======\n"
	markerTheirs = ">>>>>>> template\n"
)

// Merge3 merges the changes from base to ours and from base to theirs, line by line
// (diff3's rule): a region changed on one side only takes that side; a region changed
// the same way on both sides is taken once; a region changed differently on both
// sides, or two changes that touch (no unchanged line between them), is a conflict,
// written with both sides between markers. It returns the merged text and the number
// of conflicts. Nothing either side changed is ever dropped.
func Merge3(baseText, oursText, theirsText []byte) ([]byte, int) {
	o, a, b := splitLines(baseText), splitLines(oursText), splitLines(theirsText)
	ma, mb := match(o, a), match(o, b)
	var out bytes.Buffer
	conflicts := 0
	io, ia, ib := 0, 0, 0
	for io < len(o) || ia < len(a) || ib < len(b) {
		// A stable line: unchanged on both sides, where both sides are now.
		if io < len(o) && ma[io] == ia && mb[io] == ib {
			out.WriteString(o[io])
			io, ia, ib = io+1, ia+1, ib+1
			continue
		}
		// An unstable region: up to the next base line both sides kept.
		eo := io
		for eo < len(o) && (ma[eo] < 0 || mb[eo] < 0) {
			eo++
		}
		ea, eb := len(a), len(b)
		if eo < len(o) {
			ea, eb = ma[eo], mb[eo]
		}
		oc, ac, bc := o[io:eo], a[ia:ea], b[ib:eb]
		switch {
		case slices.Equal(ac, oc):
			writeLines(&out, bc)
		case slices.Equal(bc, oc), slices.Equal(ac, bc):
			writeLines(&out, ac)
		default:
			conflicts++
			out.WriteString(markerOurs)
			writeLines(&out, ac)
			endLine(&out)
			out.WriteString(markerSep)
			writeLines(&out, bc)
			endLine(&out)
			out.WriteString(markerTheirs)
		}
		io, ia, ib = eo, ea, eb
	}
	return out.Bytes(), conflicts
}

// HasMarkers reports whether text still holds a conflict written by Merge3.
func HasMarkers(text []byte) bool {
	for _, l := range splitLines(text) {
		if l == markerOurs || l == markerTheirs {
			return true
		}
	}
	return false
}

// splitLines splits text after each newline; the last line may lack one, so joining
// the lines gives text back byte for byte.
func splitLines(text []byte) []string {
	var lines []string
	for len(text) > 0 {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			lines = append(lines, string(text))
			break
		}
		lines = append(lines, string(text[:i+1]))
		text = text[i+1:]
	}
	return lines
}

func writeLines(b *bytes.Buffer, lines []string) {
	for _, l := range lines {
		b.WriteString(l)
	}
}

// endLine ends the output's last line before a marker, when a side ended the file
// without a newline.
func endLine(b *bytes.Buffer) {
	if b.Len() > 0 && b.Bytes()[b.Len()-1] != '\n' {
		b.WriteByte('\n')
	}
}

// maxEdits bounds the diff's work: two files further apart than this are treated as
// sharing no line (a whole-file conflict when both sides changed), which is correct,
// only coarse.
const maxEdits = 4000

// match returns, for each line of a, the index of the line of b it is kept as in a
// shortest edit script from a to b (Myers' algorithm), or -1 when it is not kept.
func match(a, b []string) []int {
	m := make([]int, len(a))
	for i := range m {
		m[i] = -1
	}
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		m[pre] = pre
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		m[len(a)-1-suf] = len(b) - 1 - suf
		suf++
	}
	for _, p := range myers(a[pre:len(a)-suf], b[pre:len(b)-suf]) {
		m[pre+p[0]] = pre + p[1]
	}
	return m
}

// myers returns the pairs of equal lines (i in a, j in b) of a shortest edit script.
func myers(a, b []string) [][2]int {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return nil
	}
	max := n + m
	off := max + 1
	v := make([]int, 2*max+3)
	// trace[d] holds v[-(d-1)..d-1] as it was before step d, for the way back.
	var trace [][]int
	end := -1
	for d := 0; d <= max && d <= maxEdits && end < 0; d++ {
		lo, hi := off-(d-1), off+(d-1)+1
		if lo > hi {
			lo = hi
		}
		trace = append(trace, append([]int(nil), v[lo:hi]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				end = d
				break
			}
		}
	}
	if end < 0 {
		return nil
	}
	var pairs [][2]int
	x, y := n, m
	for d := end; d > 0; d-- {
		prev := func(k int) int { return trace[d][k+(d-1)] }
		k := x - y
		var pk int
		if k == -d || (k != d && prev(k-1) < prev(k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := prev(pk)
		py := px - pk
		// The diagonal after the edit of step d.
		sx := px
		if pk == k-1 {
			sx = px + 1 // a deletion from a moves x by one
		}
		for x > sx && y > sx-k {
			x, y = x-1, y-1
			pairs = append(pairs, [2]int{x, y})
		}
		x, y = px, py
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		pairs = append(pairs, [2]int{x, y})
	}
	slices.Reverse(pairs)
	return pairs
}
