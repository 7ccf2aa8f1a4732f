package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/project"
	"github.com/stackpick/stackpick/generator/steps"
	"github.com/stackpick/stackpick/generator/verify"
	"github.com/stackpick/stackpick/templates"
)

// needPostgres skips a test, saying what to install, when no throwaway PostgreSQL server
// can be started; under CI (CI set) that is a failure instead: .ci/run promises one.
func needPostgres(t *testing.T) {
	t.Helper()
	if err := (&verify.Databases{}).CheckPostgres(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set, so a PostgreSQL server is required: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
}

// TestPostgresTwoProcessesAndOutage generates each template with database=postgres,
// installs it once, and starts two processes of it against one throwaway PostgreSQL
// server (the first migrates at start). Then: the two serve the same items; and with a
// loop of requests running, the server is killed: requests get the contract's 503
// problem, /readyz turns 503 unavailable, neither process exits, and once the server is
// restarted both are ready again and CRUD works. Slow: skipped by -short.
func TestPostgresTwoProcessesAndOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("installs from the registries; run without -short")
	}
	needPostgres(t)
	cat, err := templates.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, tmpl := range cat.Public() {
		t.Run(tmpl.ID, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			dir := filepath.Join(t.TempDir(), "pg-app")
			if code, _, stderr := runTest(t, "new", dir, "--yes", "--template", tmpl.ID, "--set", "features=", "--set", "database=postgres"); code != 0 {
				t.Fatalf("new: exit %d: %s", code, stderr)
			}
			p, err := project.FromRecord(cat, dir)
			if err != nil {
				t.Fatal(err)
			}
			if res := (&steps.Runner{Dir: dir, Template: p.Template, Data: p.Data}).Run(ctx, steps.Install); res.Err != nil {
				t.Fatalf("install: %v\n%s", res.Err, res.Output)
			}
			argv, err := catalog.Command(p.Template.Steps.Start, p.Data)
			if err != nil {
				t.Fatal(err)
			}
			dbs := &verify.Databases{}
			t.Cleanup(func() { dbs.Close() })
			db, err := dbs.New(ctx, verify.EnginePostgres, "e2e")
			if err != nil {
				t.Fatal(err)
			}
			// One after the other: the first applies the migrations, the second finds
			// the schema in place.
			a := bootApp(t, dir, argv, db.Env(true))
			b := bootApp(t, dir, argv, db.Env(false))
			t.Run("two processes share items", func(t *testing.T) { sharedItems(t, a, b) })
			t.Run("database outage under load", func(t *testing.T) { outage(t, ctx, dbs, a, b) })
		})
	}
}

func bootApp(t *testing.T, dir string, argv, env []string) *verify.Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, _, err := verify.Boot(ctx, dir, argv, env)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Kill)
	return srv
}

// answer is one HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

var e2eClient = &http.Client{Timeout: 15 * time.Second}

func call(method, url, body string) answer {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return answer{err: err}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e2eClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

func (a answer) String() string {
	if a.err != nil {
		return a.err.Error()
	}
	return fmt.Sprintf("%d %.300s", a.status, a.body)
}

// sharedItems creates an item through a, and reads, lists, updates and deletes it
// through b, checking each step through the other process.
func sharedItems(t *testing.T, a, b *verify.Server) {
	t.Helper()
	created := call("POST", a.URL+"/v1/items", `{"name":"shared","quantity":2,"tags":["one","two"]}`)
	var item struct {
		ID string `json:"id"`
	}
	if created.status != 201 || json.Unmarshal(created.body, &item) != nil || item.ID == "" {
		t.Fatalf("create through the first process: %v", created)
	}
	if got := call("GET", b.URL+"/v1/items/"+item.ID, ""); got.status != 200 || !bytes.Equal(got.body, created.body) {
		t.Errorf("read through the second process: %v, want 200 %s", got, created.body)
	}
	var list struct {
		Items []json.RawMessage `json:"items"`
		Total int               `json:"total"`
	}
	got := call("GET", b.URL+"/v1/items?limit=100", "")
	found := false
	if got.status == 200 && json.Unmarshal(got.body, &list) == nil {
		for _, it := range list.Items {
			found = found || bytes.Equal(it, created.body) || bytes.Contains(it, []byte(`"`+item.ID+`"`))
		}
	}
	if !found {
		t.Errorf("the second process's list lacks the item: %v", got)
	}
	if got := call("PUT", b.URL+"/v1/items/"+item.ID, `{"name":"renamed","quantity":3,"tags":[]}`); got.status != 200 {
		t.Errorf("update through the second process: %v", got)
	}
	if got := call("GET", a.URL+"/v1/items/"+item.ID, ""); got.status != 200 || !bytes.Contains(got.body, []byte(`"renamed"`)) {
		t.Errorf("the first process does not see the update: %v", got)
	}
	if got := call("DELETE", b.URL+"/v1/items/"+item.ID, ""); got.status != 204 {
		t.Errorf("delete through the second process: %v", got)
	}
	if got := call("GET", a.URL+"/v1/items/"+item.ID, ""); got.status != 404 {
		t.Errorf("the first process still has the deleted item: %v", got)
	}
}

// checkUnavailable wants the contract's 503 problem for the database outage, with the
// headers every response carries.
func checkUnavailable(got answer, path string) error {
	if got.err != nil || got.status != 503 {
		return fmt.Errorf("%s: %v, want 503", path, got)
	}
	if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		return fmt.Errorf("%s: 503 with Content-Type %q, want application/problem+json", path, ct)
	}
	var p struct {
		Type, Title, Detail, Instance string
		Status                        int
		RequestID                     string `json:"request_id"`
	}
	if err := json.Unmarshal(got.body, &p); err != nil {
		return fmt.Errorf("%s: 503 body is not JSON: %s", path, got.body)
	}
	if p.Type != "about:blank" || p.Title != "Service Unavailable" || p.Status != 503 ||
		p.Detail != "The database is unavailable; try again later." || p.Instance != path ||
		p.RequestID == "" || p.RequestID != got.header.Get("X-Request-Id") {
		return fmt.Errorf("%s: 503 problem %s, want about:blank, Service Unavailable, 503, the contract's detail, instance %s and the X-Request-Id", path, got.body, path)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"Cache-Control":           "no-store",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
	} {
		if got.header.Get(h) != want {
			return fmt.Errorf("%s: 503 with %s %q, want %q", path, h, got.header.Get(h), want)
		}
	}
	for _, h := range []string{"Server", "X-Powered-By"} {
		if got.header.Get(h) != "" {
			return fmt.Errorf("%s: 503 with a %s header", path, h)
		}
	}
	return nil
}

func readyz(s *verify.Server) answer { return call("GET", s.URL+"/readyz", "") }

// waitFor polls cond every 100 ms until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// outage kills the PostgreSQL server while a loop of requests runs against both
// processes, checks the outage answers, restarts the server and checks the recovery.
func outage(t *testing.T, ctx context.Context, dbs *verify.Databases, a, b *verify.Server) {
	var mu sync.Mutex
	counts := map[int]int{}
	var odd []string
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			srv := []*verify.Server{a, b}[i%2]
			var got answer
			if i%4 < 2 {
				got = call("POST", srv.URL+"/v1/items", `{"name":"under load","quantity":1}`)
			} else {
				got = call("GET", srv.URL+"/v1/items", "")
			}
			mu.Lock()
			counts[got.status]++
			switch {
			case got.err != nil:
				odd = append(odd, "transport error: "+got.err.Error())
			case got.status == 503:
				if err := checkUnavailable(got, "/v1/items"); err != nil {
					odd = append(odd, err.Error())
				}
			case got.status != 200 && got.status != 201:
				odd = append(odd, "unexpected answer: "+got.String())
			}
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
		}
	}()
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		<-done
	}()
	time.Sleep(500 * time.Millisecond)
	if err := dbs.KillPostgres(); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*verify.Server{a, b} {
		var last answer
		if !waitFor(30*time.Second, func() bool {
			last = call("POST", s.URL+"/v1/items", `{"name":"x","quantity":1}`)
			return last.status == 503
		}) {
			t.Fatalf("%s: POST /v1/items while the database is down: %v, want 503", s.URL, last)
		}
		if err := checkUnavailable(last, "/v1/items"); err != nil {
			t.Error(err)
		}
		const missing = "/v1/items/00000000-0000-4000-8000-000000000000"
		if err := checkUnavailable(call("GET", s.URL+missing, ""), missing); err != nil {
			t.Errorf("a UUID's lookup while the database is down: %v", err)
		}
		if got := call("POST", s.URL+"/v1/items", `{"name":"","quantity":-1}`); got.status != 422 {
			t.Errorf("validation comes before the database: %v, want 422", got)
		}
		if got := readyz(s); got.status != 503 || !bytes.Contains(got.body, []byte(`"unavailable"`)) {
			t.Errorf("%s: /readyz while the database is down: %v, want 503 unavailable", s.URL, got)
		}
	}
	time.Sleep(time.Second) // the loop keeps meeting the outage
	if err := dbs.RestartPostgres(ctx); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*verify.Server{a, b} {
		var last answer
		if !waitFor(30*time.Second, func() bool { last = readyz(s); return last.status == 200 }) {
			t.Fatalf("%s: /readyz after the database came back: %v, want 200", s.URL, last)
		}
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	<-done
	sharedItems(t, a, b)
	for _, s := range []*verify.Server{a, b} {
		if st := s.State(); st != "" {
			t.Errorf("%s exited during the outage (%s):\n%s", s.URL, st, steps.Tail(s.Output(), 2000))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	t.Logf("answers to the request loop by status: %v", counts)
	if counts[503] == 0 || counts[201] == 0 || counts[200] == 0 {
		t.Errorf("the loop saw %v: want 201s and 200s around the outage and 503s during it", counts)
	}
	if len(odd) > 0 {
		t.Errorf("%d answers in the loop broke the outage contract; the first: %s", len(odd), strings.Join(odd[:min(5, len(odd))], "\n"))
	}
}
