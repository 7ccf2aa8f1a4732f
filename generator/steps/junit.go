package steps

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Failure is one failed test as its runner reported it.
type Failure struct {
	Name    string `json:"name"`           // "tests.test_items::test_create", "items > rejects a bad body"
	Message string `json:"message"`        // the assertion's message, a few lines at most
	File    string `json:"file,omitempty"` // relative to the project when known
	Line    int    `json:"line,omitempty"` // where the failure was raised, when known
}

// The runners' JUnit XML, as far as failures go. node:test nests <testsuite> for
// describe blocks and puts file= on each case; pytest uses classname.
type junitSuite struct {
	Name   string       `xml:"name,attr"`
	Suites []junitSuite `xml:"testsuite"`
	Cases  []junitCase  `xml:"testcase"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	File      string         `xml:"file,attr"`
	Failures  []junitProblem `xml:"failure"`
	Errors    []junitProblem `xml:"error"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// The report files reportEnv asks for; the name says which runner wrote it.
const (
	nodeReport   = "node.xml"
	pytestReport = "pytest.xml"
)

// maxMessageLines bounds a failure's message: the assertion, not the whole trace.
const maxMessageLines = 6

// parseJUnit reads the failures of one JUnit XML report; dir makes file paths
// relative to the project.
func parseJUnit(data []byte, dir string, node bool) ([]Failure, error) {
	var root struct {
		XMLName xml.Name
		junitSuite
	}
	if err := xml.Unmarshal(data, &root); err != nil {
		return nil, err
	}
	absDir, _ := filepath.Abs(dir)
	var out []Failure
	var walk func(s junitSuite, path []string)
	walk = func(s junitSuite, path []string) {
		for _, c := range s.Cases {
			for _, p := range append(c.Failures, c.Errors...) {
				f := Failure{Message: firstLines(message(p), maxMessageLines)}
				if node {
					f.Message = firstLines(nodeMessage(p), maxMessageLines)
					f.Name = strings.Join(append(path[:len(path):len(path)], c.Name), " > ")
					f.File, f.Line = nodeWhere(c.File, p.Text, absDir)
				} else {
					f.Name = c.Name
					if c.Classname != "" {
						f.Name = c.Classname + "::" + c.Name
					}
					f.File, f.Line = pytestWhere(p.Text)
				}
				out = append(out, f)
			}
		}
		for _, sub := range s.Suites {
			walk(sub, append(path[:len(path):len(path)], sub.Name))
		}
	}
	if root.XMLName.Local == "testsuite" {
		root.junitSuite = junitSuite{Suites: []junitSuite{root.junitSuite}}
	}
	if node {
		walk(root.junitSuite, nil)
	} else {
		// pytest wraps every case in one <testsuite name="pytest">: not a name part.
		for _, s := range root.Suites {
			walk(s, nil)
		}
		walk(junitSuite{Cases: root.Cases}, nil)
	}
	return out, nil
}

func message(p junitProblem) string {
	if m := strings.TrimSpace(p.Message); m != "" {
		return m
	}
	return strings.TrimSpace(p.Text)
}

// nodeMessage takes the message from the trace text when it is the attribute's
// message with its line breaks (Node 20's reporter drops them from the attribute:
// "not three2 !== 3").
func nodeMessage(p junitProblem) string {
	attr := message(p)
	text := strings.TrimSpace(p.Text)
	for _, prefix := range []string{"[Error [ERR_TEST_FAILURE]: ", "Error [ERR_TEST_FAILURE]: "} {
		rest, ok := strings.CutPrefix(text, prefix)
		if !ok {
			continue
		}
		end := len(rest)
		for _, stop := range []string{"\n] {", "\n    at ", " {\n  code:"} {
			if i := strings.Index(rest, stop); i >= 0 && i < end {
				end = i
			}
		}
		if msg := strings.TrimSpace(rest[:end]); squeeze(msg) == squeeze(attr) {
			return msg
		}
	}
	return attr
}

// squeeze drops every blank, to compare texts that differ only in line breaks.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

// fileLineRE finds "path/to/file.ext:LINE" in a trace.
var fileLineRE = regexp.MustCompile(`([\w./\\-]+\.\w+):(\d+)`)

// nodeWhere finds the test file and line: Node 22+ gives file=; the line (and on
// Node 20 the file) comes from the first frame of the trace inside the project.
func nodeWhere(file, trace, absDir string) (string, int) {
	for _, m := range fileLineRE.FindAllStringSubmatch(trace, -1) {
		p := m[1]
		if strings.HasPrefix(p, "//") { // an ES module's frame: file:///abs/path
			p = filepath.Clean(p)
		}
		if file != "" && p != file {
			continue
		}
		if file == "" && (!filepath.IsAbs(p) || !strings.HasPrefix(p, absDir+string(filepath.Separator)) || strings.Contains(p, "node_modules")) {
			continue
		}
		line, _ := strconv.Atoi(m[2])
		return relative(p, absDir), line
	}
	return relative(file, absDir), 0
}

// pytestWhere reads the last line of pytest's failure text, "tests/test_x.py:12: AssertionError".
var pytestWhereRE = regexp.MustCompile(`(?m)^([^\s:]+\.\w+):(\d+): \S*\s*\z`)

func pytestWhere(text string) (string, int) {
	m := pytestWhereRE.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return "", 0
	}
	line, _ := strconv.Atoi(m[2])
	return m[1], line
}

// relative makes an absolute path inside the project relative to it.
func relative(p, absDir string) string {
	if p == "" || !filepath.IsAbs(p) || absDir == "" {
		return p
	}
	if rel, err := filepath.Rel(absDir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return p
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, "\n")
}

// readReports parses every *.xml report in dir; unreadable reports are skipped (the
// output's tail still shows what happened).
func readReports(reports, project string) []Failure {
	paths, _ := filepath.Glob(filepath.Join(reports, "*.xml"))
	var out []Failure
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		fs, err := parseJUnit(data, project, filepath.Base(p) == nodeReport)
		if err != nil {
			continue
		}
		out = append(out, fs...)
	}
	return out
}

// reportEnv makes pytest and node:test write JUnit XML into dir without changing what
// they print: pytest -q prints nothing about --junitxml, and node:test keeps its spec
// reporter on stdout (its default from Node 23 on) next to the junit one. Existing
// values of the variables are kept.
func reportEnv(dir string) []string {
	d := filepath.ToSlash(dir)
	node := "--test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=" + quoteOpt(d+"/"+nodeReport)
	py := "--junitxml=" + quoteOpt(d+"/"+pytestReport)
	if v := os.Getenv("NODE_OPTIONS"); v != "" {
		node = v + " " + node
	}
	if v := os.Getenv("PYTEST_ADDOPTS"); v != "" {
		py = v + " " + py
	}
	return []string{"NODE_OPTIONS=" + node, "PYTEST_ADDOPTS=" + py}
}

// quoteOpt quotes a value with blanks for NODE_OPTIONS and PYTEST_ADDOPTS, which both
// split on blanks and honour double quotes.
func quoteOpt(s string) string {
	if strings.ContainsAny(s, " \t") {
		return `"` + s + `"`
	}
	return s
}
