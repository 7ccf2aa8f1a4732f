package answers

import (
	"strings"
	"testing"
)

func TestLoadFile(t *testing.T) {
	s := testSchema()
	good := "workload: realtime\njs_frontend: true\nfeatures: [docker, ci]\nname: chat\n"
	got, err := LoadFile("a.yml", strings.NewReader(good), s)
	if err != nil {
		t.Fatal(err)
	}
	if got["workload"] != "realtime" || got["js_frontend"] != "yes" || got["features"] != "docker,ci" || got["name"] != "chat" {
		t.Errorf("got %v", got)
	}
	if j, err := LoadFile("a.json", strings.NewReader(`{"workload":"api","features":[]}`), s); err != nil || j["features"] != "" || j["workload"] != "api" {
		t.Errorf("JSON: %v %v", j, err)
	}
	for _, tt := range []struct{ body, want string }{
		{"wrokload: api\n", `unknown key "wrokload" (did you mean "workload"?)`},
		{"workload: api\nworkload: ml\n", `key "workload" appears twice`},
		{"name: 42\n", "want a string, got a number (42)"},
		{"features: docker\n", "want a list"},
		{"- a\n- b\n", "the top level must be a mapping"},
		{"a: &x [1]\nname: *x\n", "unknown key"},
		{"name: &x demo\ndescription: *x\n", "anchors and aliases are not supported"},
		{"name: \xff\xfe\n", "not valid UTF-8"},
		{"name: [unclosed\n", "not valid YAML or JSON"},
		{"name: a\n---\nname: b\n", "more than one YAML document"},
		{strings.Repeat("#", MaxFileSize+1), "larger than"},
	} {
		_, err := LoadFile("a.yml", strings.NewReader(tt.body), s)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%.40q: got %v, want %q", tt.body, err, tt.want)
		}
	}
}

func TestRecordRoundTrip(t *testing.T) {
	s := testSchema()
	a := New()
	a.Set("stack", "node", FromFlag)
	a.Set("name", "demo", FromFlag)
	a.Set("description", "Quotes \" and \\ and\nnew lines: {{ .Name }} ${HOME}", FromFlag)
	a.Set("features", "docker,websocket", FromFlag)
	a.Set("workload", "realtime", FromFlag)
	rec, err := Record(s, a, "stackpick 0.0.0", "sha256:00")
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadFile(RecordName, strings.NewReader(string(rec)), s)
	if err != nil {
		t.Fatalf("%v\n%s", err, rec)
	}
	for _, id := range []string{"stack", "name", "description", "features", "workload"} {
		if back[id] != a.Get(id) {
			t.Errorf("%s: wrote %q, read %q", id, a.Get(id), back[id])
		}
	}
	if back[KeyGeneratedBy] != "stackpick 0.0.0" || back[KeyTemplateDigest] != "sha256:00" {
		t.Errorf("metadata: %v", back)
	}
}
