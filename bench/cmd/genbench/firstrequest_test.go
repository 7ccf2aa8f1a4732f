package main

import "testing"

func TestVersionLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		less bool
	}{
		{"v20.20.2", "24.12.0", true},
		{"v24.12.0", "24.12.0", false},
		{"v26.0.0", "24.12.0", false},
		{"Python 3.11.7", "3.11", false},
		{"Python 3.10.14", "3.11", true},
		{"Python 3.9", "3.11", true},
		{"no version here", "1", true},
		{"v24.12", "24.12.0", false},
	} {
		if got := versionLess(c.a, c.b); got != c.less {
			t.Errorf("versionLess(%q, %q) = %v, want %v", c.a, c.b, got, c.less)
		}
	}
}
