package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/coder/websocket"
)

func (p *prober) wsURL() string {
	return "ws" + strings.TrimPrefix(p.opts.BaseURL, "http") + "/v1/ws/echo"
}

func checkWebSocket(p *prober) error {
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, p.wsURL(), nil)
	if err != nil {
		return fmt.Errorf("dial %s: %w", p.wsURL(), err)
	}
	defer conn.CloseNow()
	if resp != nil && resp.Request != nil {
		p.judge(resp.Request, resp.StatusCode, resp.Header, nil)
	}
	for _, k := range []string{"X-Powered-By", "Server"} {
		if v, ok := resp.Header[k]; ok {
			return fmt.Errorf("the 101 answer has a %s header (%q)", k, v)
		}
	}
	conn.SetReadLimit(int64(p.opts.WSMaxMessage) * 2)
	for _, msg := range []struct {
		typ  websocket.MessageType
		data []byte
	}{
		{websocket.MessageText, []byte("hello, ünïcode 😀")},
		{websocket.MessageBinary, []byte{0, 1, 2, 255}},
		{websocket.MessageText, bytes.Repeat([]byte("m"), p.opts.WSMaxMessage)},
	} {
		if err := conn.Write(ctx, msg.typ, msg.data); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		typ, got, err := conn.Read(ctx)
		if err != nil {
			return fmt.Errorf("read the echo of %d bytes: %w", len(msg.data), err)
		}
		if typ != msg.typ || !bytes.Equal(got, msg.data) {
			return fmt.Errorf("sent %v of %d bytes, got %v of %d bytes back", msg.typ, len(msg.data), typ, len(got))
		}
	}
	// One byte over the limit: the server closes with 1009 (or drops the connection).
	if err := conn.Write(ctx, websocket.MessageText, bytes.Repeat([]byte("o"), p.opts.WSMaxMessage+1)); err == nil {
		_, _, err = conn.Read(ctx)
		if err == nil {
			return fmt.Errorf("an oversized message (%d bytes) was answered, want close 1009", p.opts.WSMaxMessage+1)
		}
		if status := websocket.CloseStatus(err); status != -1 && status != websocket.StatusMessageTooBig {
			return fmt.Errorf("an oversized message closed the connection with %d, want 1009", status)
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("an oversized message got no close before the deadline")
		}
	}
	// And the server keeps serving.
	conn2, _, err := websocket.Dial(ctx, p.wsURL(), nil)
	if err != nil {
		return fmt.Errorf("dial after the oversized message: %w", err)
	}
	defer conn2.CloseNow()
	if err := conn2.Write(ctx, websocket.MessageText, []byte("still here")); err != nil {
		return err
	}
	if _, got, err := conn2.Read(ctx); err != nil || string(got) != "still here" {
		return fmt.Errorf("echo after the oversized message: %q, %v", got, err)
	}
	conn2.Close(websocket.StatusNormalClosure, "")
	return nil
}
