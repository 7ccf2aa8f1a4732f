package answers

import (
	"fmt"
	"strings"
)

// MissingError lists the answers that are needed but could not be resolved, because
// nothing gave them and there was no terminal to ask (and no --yes for defaults).
type MissingError struct {
	Questions []*Question
}

func (e *MissingError) Error() string {
	var b strings.Builder
	ids := make([]string, len(e.Questions))
	for i, q := range e.Questions {
		ids[i] = q.ID
	}
	fmt.Fprintf(&b, "missing answers: %s (no terminal to ask)\n", strings.Join(ids, ", "))
	for _, q := range e.Questions {
		example := q.DefaultValue(New())
		if q.Kind == Choice && len(q.Values) > 0 && example == "" {
			example = q.Values[0].ID
		}
		fmt.Fprintf(&b, "  %-14s %s; e.g. --set %s or %s\n", q.ID, q.describe(), shellWord(q.ID+"="+example), q.EnvName())
	}
	b.WriteString("pass them with --set key=value, an answers file (--answers FILE), STACKPICK_<KEY> variables, or use --yes to take the defaults")
	return b.String()
}

// shellWord quotes s for a POSIX shell when it needs it, so an example can be pasted.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// InvalidError is an answer whose value is not allowed, or a key that does not exist.
type InvalidError struct {
	Key     string
	Value   string
	Allowed []string // the allowed values (or keys, when UnknownKey)
	Nearest string   // the allowed value nearest to Value, for a typo
	Reason  string   // for text answers: the rule that failed
	List    bool     // Value is one item of a list answer
	// UnknownKey marks a key that is not in the schema; Value then holds the key.
	UnknownKey bool
	Where      string // where the key or value came from, e.g. "answers.yml" or "--set"
	// Suggested is a valid value near Value (a name made valid), when there is one.
	Suggested string
}

// Suggestion is a valid value to offer instead of the invalid one.
func (e *InvalidError) Suggestion() string { return e.Suggested }

// maxShownValue bounds how much of a value a message repeats: a 5,000-character
// description is not worth echoing whole.
const maxShownValue = 60

func shownValue(v string) string {
	r := []rune(v)
	if len(r) <= maxShownValue {
		return v
	}
	return string(r[:maxShownValue]) + fmt.Sprintf("… (%d characters)", len(r))
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	if e.Where != "" {
		b.WriteString(e.Where + ": ")
	}
	switch {
	case e.UnknownKey:
		fmt.Fprintf(&b, "unknown key %q", e.Value)
	case e.Reason != "":
		fmt.Fprintf(&b, "invalid %s %q: %s", e.Key, shownValue(e.Value), e.Reason)
	default:
		fmt.Fprintf(&b, "invalid %s value %q", e.Key, shownValue(e.Value))
	}
	if e.Nearest != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", e.Nearest)
	}
	if len(e.Allowed) > 0 {
		what := "allowed values"
		if e.UnknownKey {
			what = "known keys"
		}
		fmt.Fprintf(&b, "; %s: %s", what, strings.Join(e.Allowed, ", "))
	}
	return b.String()
}

// FileError is an answers file that cannot be read or parsed.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("answers file %s: %v", e.Path, e.Err) }

func (e *FileError) Unwrap() error { return e.Err }
