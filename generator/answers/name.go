package answers

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// NameRule is the project-name rule in words, for messages and help.
const NameRule = "lower-case letters, digits and '-', starting with a letter and ending with a letter or digit, at most 64 characters"

const maxNameLen = 64

// namePattern is compiled on first use, not at start-up.
const namePattern = `^[a-z](?:[a-z0-9-]*[a-z0-9])?$`

var nameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(namePattern) })

// ValidateName checks that name works as an npm package name and as a Python
// distribution name, and that its import package neither is a Python keyword nor
// shadows a standard-library module.
func ValidateName(name string) error {
	return validateName(name, nil)
}

// nameError is a name that cannot be used, with a valid one to offer instead.
type nameError struct {
	msg, suggestion string
}

func (e *nameError) Error() string {
	if e.suggestion == "" {
		return e.msg
	}
	return fmt.Sprintf("%s; try %q", e.msg, e.suggestion)
}

// Suggestion is a valid name near the refused one.
func (e *nameError) Suggestion() string { return e.suggestion }

func validateName(name string, reserved []string) error {
	switch {
	case name == "":
		return &nameError{msg: "the name is empty; use " + NameRule}
	case len(name) > maxNameLen:
		return &nameError{fmt.Sprintf("the name has %d characters, more than %d", len(name), maxNameLen), SuggestName(name)}
	case !nameRE().MatchString(name):
		return &nameError{"use " + NameRule, SuggestName(name)}
	case pythonReserved[PackageName(name)]:
		return &nameError{fmt.Sprintf("the Python package %q would shadow a standard-library module or keyword", PackageName(name)), name + "-app"}
	case slices.Contains(reserved, name):
		return &nameError{fmt.Sprintf("the name %q is a dependency of the generated project", name), name + "-app"}
	}
	return nil
}

// PackageName derives the Python import package from a valid project name.
func PackageName(name string) string {
	return strings.ReplaceAll(name, "-", "_")
}

// SuggestName turns any text (a folder name, a typo) into a valid project name.
func SuggestName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	name := strings.Trim(b.String(), "-")
	if name != "" && (name[0] < 'a' || name[0] > 'z') {
		name = "app-" + name
	}
	if len(name) > maxNameLen {
		name = strings.TrimRight(name[:maxNameLen], "-")
	}
	if name == "" {
		return "my-backend"
	}
	if pythonReserved[PackageName(name)] {
		name += "-app"
	}
	return name
}

const maxDescriptionLen = 500

// ValidateDescription accepts any valid UTF-8 text without NUL of at most 500
// characters; the templates escape it for every file syntax.
func ValidateDescription(s string) error {
	switch {
	case !utf8.ValidString(s):
		return errors.New("the text is not valid UTF-8")
	case strings.ContainsRune(s, 0):
		return errors.New("the text contains a NUL character")
	case utf8.RuneCountInString(s) > maxDescriptionLen:
		return fmt.Errorf("the text has %d characters, more than %d", utf8.RuneCountInString(s), maxDescriptionLen)
	}
	return nil
}
