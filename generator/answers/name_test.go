package answers

import (
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	for _, tt := range []struct {
		name    string
		ok      bool
		suggest string
	}{
		{"demo", true, ""},
		{"orders-api2", true, ""},
		{"a", true, ""},
		{strings.Repeat("a", 64), true, ""},
		{strings.Repeat("a", 65), false, strings.Repeat("a", 64)},
		{"", false, ""},
		{"My App", false, "my-app"},
		{"2fast", false, "app-2fast"},
		{"trailing-", false, "trailing"},
		{"under_score", false, "under-score"},
		{"json", false, "json-app"},
		{"class", false, "class-app"},
		{"café", false, "caf"},
	} {
		err := ValidateName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("%q: got %v, want ok=%v", tt.name, err, tt.ok)
			continue
		}
		if err != nil && tt.suggest != "" && !strings.Contains(err.Error(), `"`+tt.suggest+`"`) {
			t.Errorf("%q: error %q does not suggest %q", tt.name, err, tt.suggest)
		}
		if err != nil && tt.suggest != "" && ValidateName(tt.suggest) != nil {
			t.Errorf("%q: the suggestion %q is itself invalid", tt.name, tt.suggest)
		}
	}
	if err := validateName("express", []string{"express"}); err == nil || !strings.Contains(err.Error(), "express-app") {
		t.Errorf("reserved name: got %v", err)
	}
}

func TestSuggestNameIsAlwaysValid(t *testing.T) {
	for _, in := range []string{"", "---", "Ünïcödé", "123", "a b c", "JSON", strings.Repeat("x-", 50), "日本語"} {
		if s := SuggestName(in); ValidateName(s) != nil {
			t.Errorf("SuggestName(%q) = %q, invalid: %v", in, s, ValidateName(s))
		}
	}
	if PackageName("orders-api") != "orders_api" {
		t.Error("PackageName")
	}
}
