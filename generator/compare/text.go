package compare

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Text layout. Every line a text writer prints fits the width it is given: tables
// whose cells do not fit wrap them inside their columns, and a table with more
// columns than the width can hold prints one block per row instead.
const (
	// DefaultWidth is the width to use when the output is not a terminal.
	DefaultWidth = 80
	// minWidth is the narrowest layout; smaller widths are taken as this one.
	minWidth = 40
	indent   = "  "
	gap      = "  "
	// maxWord is the longest word (a path) kept whole when columns shrink; a column
	// never gets narrower than its longest word up to that. Longer words break after
	// a '/' or where they must.
	maxWord = 30
)

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// fitWidth returns the width to lay out for: DefaultWidth for 0 or less, at least
// minWidth.
func fitWidth(width int) int {
	if width <= 0 {
		return DefaultWidth
	}
	return max(width, minWidth)
}

// wrap breaks s into lines of at most width runes, at spaces; a word longer than
// the width breaks after its last '/' that fits, else at the width.
func wrap(s string, width int) []string {
	width = max(width, 1)
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		for runeLen(word) > width {
			if line != "" {
				lines = append(lines, line)
				line = ""
			}
			head, tail := breakWord(word, width)
			lines = append(lines, head)
			word = tail
		}
		switch {
		case line == "":
			line = word
		case runeLen(line)+1+runeLen(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// breakWord splits a word longer than width: after the last '/' within the width
// (a path's folder stays whole), else at the width.
func breakWord(word string, width int) (string, string) {
	r := []rune(word)
	cut := width
	for i := width - 1; i > 0; i-- {
		if r[i] == '/' {
			cut = i + 1
			break
		}
	}
	return string(r[:cut]), string(r[cut:])
}

// longestWord is the longest run of non-space runes in s.
func longestWord(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		n = max(n, runeLen(w))
	}
	return n
}

// writeWrapped writes s wrapped to width, the first line after first, the others
// after rest (both count in the width).
func writeWrapped(w io.Writer, s string, width int, first, rest string) {
	// Wrap to the narrower of the two room widths, so hanging lines fit too.
	for i, l := range wrap(s, width-max(runeLen(first), runeLen(rest))) {
		if i == 0 {
			fmt.Fprintln(w, first+l)
		} else {
			fmt.Fprintln(w, rest+l)
		}
	}
}

// noteIndent is the continuation indent of a note: list items hang under their text.
func noteIndent(n string) string {
	if strings.HasPrefix(n, "- ") {
		return indent + "  "
	}
	return indent
}

// text writes the table fitted to width.
func (t *table) text(w io.Writer, width int) error {
	width = fitWidth(width)
	writeWrapped(w, t.title, width, "", "")
	cols := t.columns(width)
	if cols == nil {
		t.blocks(w, width)
	} else {
		t.grid(w, width, cols)
	}
	for _, n := range t.notes {
		writeWrapped(w, n, width, indent, noteIndent(n))
	}
	_, err := fmt.Fprintln(w)
	return err
}

// columns chooses each column's width: its widest cell when everything fits, else
// the widest columns give up room first, down to their narrowest. nil when even the
// narrowest columns do not fit.
func (t *table) columns(width int) []int {
	n := len(t.header)
	cols := make([]int, n)
	narrow := make([]int, n)
	for i, h := range t.header {
		cols[i], narrow[i] = runeLen(h), longestWord(h)
	}
	for _, r := range t.rows {
		if len(r) == 1 {
			continue
		}
		for i, c := range r {
			cols[i] = max(cols[i], runeLen(c))
			narrow[i] = max(narrow[i], longestWord(c))
		}
	}
	room := width - runeLen(t.rowIndent()) - runeLen(gap)*(n-1)
	total, least := 0, 0
	for i := range cols {
		narrow[i] = min(narrow[i], maxWord)
		total += cols[i]
		least += narrow[i]
	}
	if least > room {
		return nil
	}
	for ; total > room; total-- {
		widest := -1
		for i := range cols {
			if cols[i] > narrow[i] && (widest < 0 || cols[i] > cols[widest]) {
				widest = i
			}
		}
		cols[widest]--
	}
	return cols
}

// rowIndent is the indent of a row: deeper under section headings.
func (t *table) rowIndent() string {
	for _, r := range t.rows {
		if len(r) == 1 {
			return indent + "  "
		}
	}
	return indent
}

// grid writes the header and rows as aligned columns, wrapping cells in place.
func (t *table) grid(w io.Writer, width int, cols []int) {
	row := func(lead string, cells []string) {
		wrapped := make([][]string, len(cols))
		height := 1
		for i := range cols {
			c := ""
			if i < len(cells) {
				c = cells[i]
			}
			wrapped[i] = wrap(c, cols[i])
			height = max(height, len(wrapped[i]))
		}
		for l := 0; l < height; l++ {
			var b strings.Builder
			b.WriteString(lead)
			for i := range cols {
				c := ""
				if l < len(wrapped[i]) {
					c = wrapped[i][l]
				}
				if i > 0 {
					b.WriteString(gap)
				}
				b.WriteString(c)
				if i < len(cols)-1 {
					b.WriteString(strings.Repeat(" ", cols[i]-runeLen(c)))
				}
			}
			fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
		}
	}
	lead := t.rowIndent()
	row(lead, t.header)
	for _, r := range t.rows {
		if len(r) == 1 {
			writeWrapped(w, r[0], width, indent, indent)
			continue
		}
		row(lead, r)
	}
}

// blocks writes each row as a heading (its first cell) and its other cells as
// "header value" pairs, for tables too wide for columns.
func (t *table) blocks(w io.Writer, width int) {
	for _, r := range t.rows {
		if len(r) == 0 {
			continue
		}
		writeWrapped(w, r[0], width, indent, indent)
		if len(r) == 1 {
			continue
		}
		var pairs []string
		for i := 1; i < len(r) && i < len(t.header); i++ {
			if r[i] == "" {
				continue
			}
			pairs = append(pairs, strings.TrimSpace(t.header[i]+" "+r[i]))
		}
		writeWrapped(w, strings.Join(pairs, "; "), width, indent+"  ", indent+"  ")
	}
}
