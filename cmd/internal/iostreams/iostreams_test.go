package iostreams

import "testing"

func TestWidth(t *testing.T) {
	s, _, _, _ := Test()
	if got := s.Width(); got != DefaultWidth {
		t.Errorf("not a terminal: width %d, want %d", got, DefaultWidth)
	}
	s.SetWidth(120)
	if got := s.Width(); got != 120 {
		t.Errorf("width set to 120: got %d", got)
	}
	// A terminal that reports no size (some pseudo-terminals) gets the default.
	s.SetWidth(0)
	if got := s.Width(); got != DefaultWidth {
		t.Errorf("terminal of unknown size: width %d, want %d", got, DefaultWidth)
	}
}
