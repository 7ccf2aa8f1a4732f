// Package iostreams gives commands their standard streams and tells whether they are
// terminals, so that prompts, colour and spinners appear only where a person is.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are a command's input and outputs.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY bool
	noPrompt      bool
	noColor       bool
	// width reports the terminal's columns, or 0 when unknown; asked at every call,
	// because a terminal can be resized between two outputs.
	width func() int
}

// DefaultWidth is the width output fits when standard output is not a terminal, or
// the terminal does not say.
const DefaultWidth = 80

// System returns the process's streams. Prompting is off when STACKPICK_NO_PROMPT is
// set to a non-empty value other than 0; colour is off when NO_COLOR is set.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	s.inTTY = term.IsTerminal(int(os.Stdin.Fd()))
	s.outTTY = term.IsTerminal(int(os.Stdout.Fd()))
	if v := os.Getenv("STACKPICK_NO_PROMPT"); v != "" && v != "0" {
		s.noPrompt = true
	}
	_, s.noColor = os.LookupEnv("NO_COLOR")
	if s.outTTY {
		s.width = func() int {
			w, _, err := term.GetSize(int(os.Stdout.Fd()))
			if err != nil {
				return 0
			}
			return w
		}
	}
	return s
}

// Test returns streams over buffers, never terminals.
func Test() (s *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetWidth fixes the width output fits (tests).
func (s *IOStreams) SetWidth(columns int) { s.width = func() int { return columns } }

// Width is the number of columns text output should fit: the terminal's width when
// standard output is a terminal, else DefaultWidth.
func (s *IOStreams) Width() int {
	if s.width != nil {
		if w := s.width(); w > 0 {
			return w
		}
	}
	return DefaultWidth
}

// SetNoPrompt turns prompting off (--no-prompt).
func (s *IOStreams) SetNoPrompt() { s.noPrompt = true }

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// CanPrompt reports whether questions may be asked: both ends are terminals and
// prompting is not switched off.
func (s *IOStreams) CanPrompt() bool { return s.inTTY && s.outTTY && !s.noPrompt }

// ColorEnabled reports whether output may use colour.
func (s *IOStreams) ColorEnabled() bool { return s.outTTY && !s.noColor }
