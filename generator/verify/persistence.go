package verify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/stackpick/stackpick/generator/catalog"
	"github.com/stackpick/stackpick/generator/steps"
)

// bootTimeout bounds each start of the project in the database steps.
const bootTimeout = 60 * time.Second

// checkMigrations runs the migrate steps up, down and up against db (empty at the start
// when verify made it), and between them starts the project without MIGRATE_ON_START
// to see from outside what the schema is: after down /readyz must answer 503
// {"status":"unavailable"}, after up 200.
func checkMigrations(ctx context.Context, base *steps.Runner, o Options, db *Database, s *Step) error {
	r := *base
	r.Env = db.Env(false)
	run := func(step string) error {
		res := r.Run(ctx, step)
		s.Commands = append(s.Commands, res.Commands...)
		if res.Err != nil {
			s.Output = res.Output
			return fmt.Errorf("%s: %w", step, res.Err)
		}
		if len(res.Commands) == 0 {
			return fmt.Errorf("the template's manifest has no %s step, which a project with database=%s needs", step, o.Data.Database)
		}
		return nil
	}
	ready := func(after string, want int) error {
		code, body, out, err := readyzWithoutMigrating(ctx, o, db)
		if err != nil {
			s.Output = out
			return fmt.Errorf("after %s: %w", after, err)
		}
		if code != want {
			s.Output = out
			return fmt.Errorf("after %s, GET /readyz answered %d %s, want %d", after, code, oneLine(body), want)
		}
		if want == http.StatusServiceUnavailable {
			var got struct{ Status string }
			if json.Unmarshal(body, &got) != nil || got.Status != "unavailable" {
				return fmt.Errorf(`after %s, GET /readyz answered 503 %s, want {"status":"unavailable"}`, after, oneLine(body))
			}
		}
		return nil
	}
	for _, f := range []func() error{
		func() error { return run(steps.Migrate) },
		func() error { return run(steps.MigrateDown) },
		func() error { return ready(steps.MigrateDown, http.StatusServiceUnavailable) },
		func() error { return run(steps.Migrate) },
		func() error { return ready(steps.Migrate, http.StatusOK) },
	} {
		if err := f(); err != nil {
			return err
		}
	}
	s.Detail = "up, down, up: " + strings.Join(s.Commands, "; ") + `; without MIGRATE_ON_START /readyz answered 503 "unavailable" after down and 200 after up`
	return nil
}

// readyzWithoutMigrating starts the project on db without MIGRATE_ON_START, waits until
// it listens (/livez), asks /readyz once and stops it.
func readyzWithoutMigrating(ctx context.Context, o Options, db *Database) (int, []byte, string, error) {
	argv, err := catalog.Command(o.Template.Steps.Start, o.Data)
	if err != nil {
		return 0, nil, "", err
	}
	bootCtx, cancel := context.WithTimeout(ctx, bootTimeout)
	defer cancel()
	srv, _, err := BootLive(bootCtx, o.Dir, argv, append(db.Env(false), "MIGRATE_ON_START=0"))
	if err != nil {
		return 0, nil, "", err
	}
	defer srv.Kill()
	code, body, err := send(ctx, http.MethodGet, srv.URL+"/readyz", nil)
	return code, body, steps.Tail(srv.Output(), steps.TailBytes), err
}

// checkPersistence starts the project on db (MIGRATE_ON_START=1), creates an item, stops
// it with SIGTERM, starts it again and reads the item back: the body must be byte for
// byte the one the create answered.
func checkPersistence(ctx context.Context, o Options, db *Database, s *Step) error {
	argv, err := catalog.Command(o.Template.Steps.Start, o.Data)
	if err != nil {
		return err
	}
	start := func() (*Server, error) {
		bootCtx, cancel := context.WithTimeout(ctx, bootTimeout)
		defer cancel()
		srv, _, err := Boot(bootCtx, o.Dir, argv, db.Env(true))
		return srv, err
	}
	srv, err := start()
	if err != nil {
		return err
	}
	defer func() {
		if srv != nil {
			srv.Kill()
		}
	}()
	code, created, err := send(ctx, http.MethodPost, srv.URL+"/v1/items", []byte(`{"name":"kept across a restart","quantity":7,"tags":["persisted","verify"]}`))
	if err != nil {
		return err
	}
	var item struct{ ID string }
	if code != http.StatusCreated || json.Unmarshal(created, &item) != nil || item.ID == "" {
		s.Output = steps.Tail(srv.Output(), steps.TailBytes)
		return fmt.Errorf("POST /v1/items answered %d %s, want 201 with an item", code, oneLine(created))
	}
	if err := srv.Terminate(); errors.Is(err, steps.ErrNoTerminate) {
		srv.Kill()
	} else if err != nil {
		return err
	}
	if _, err := srv.Wait(shutdownTimeout + 5*time.Second); err != nil {
		return err
	}
	if srv, err = start(); err != nil {
		return fmt.Errorf("start again: %w", err)
	}
	code, got, err := send(ctx, http.MethodGet, srv.URL+"/v1/items/"+item.ID, nil)
	if err != nil {
		return err
	}
	if code != http.StatusOK || !bytes.Equal(got, created) {
		s.Output = steps.Tail(srv.Output(), steps.TailBytes)
		return fmt.Errorf("after a restart GET /v1/items/%s answered %d %s, want 200 with the created item byte for byte: %s", item.ID, code, oneLine(got), oneLine(created))
	}
	s.Detail = fmt.Sprintf("item %s read back byte for byte after a restart (SIGTERM)", item.ID)
	return nil
}

// send makes one request with a JSON body (when given) and reads the whole answer.
func send(ctx context.Context, method, url string, body []byte) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, b, err
}

// oneLine is a body folded to one line and cut at 200 bytes, for messages.
func oneLine(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
