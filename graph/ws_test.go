package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsMessage is one graphql-transport-ws message.
type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient speaks graphql-transport-ws over a real websocket. It answers the server's pings.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

// waitLong bounds every wait of the websocket tests: far above anything a healthy run needs, so
// a slow machine does not fail them, while a broken server fails instead of hanging.
const waitLong = 60 * time.Second

// dialWS opens a websocket to the instance with the given Origin and header (both optional).
func (in *instance) dialWS(origin string, header http.Header) (*wsClient, *http.Response, error) {
	if header == nil {
		header = http.Header{}
	}
	if origin != "" {
		header.Set("Origin", origin)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	url := "ws" + strings.TrimPrefix(in.http.URL, "http")
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header})
	if err != nil {
		return nil, resp, err
	}
	conn.SetReadLimit(16 << 20)
	c := &wsClient{t: in.t, conn: conn}
	in.t.Cleanup(func() { conn.CloseNow() })
	return c, resp, nil
}

// connect dials and initialises with payload; it fails the test unless the server acknowledges.
func (in *instance) connect(payload map[string]any) *wsClient {
	in.t.Helper()
	c, _, err := in.dialWS("", nil)
	if err != nil {
		in.t.Fatalf("dial websocket: %v", err)
	}
	if err := c.init(payload); err != nil {
		in.t.Fatalf("connection_init: %v", err)
	}
	return c
}

func (c *wsClient) send(m wsMessage) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	b, _ := json.Marshal(m)
	return c.conn.Write(ctx, websocket.MessageText, b)
}

// init sends connection_init and waits for connection_ack.
func (c *wsClient) init(payload map[string]any) error {
	raw, _ := json.Marshal(payload)
	if err := c.send(wsMessage{Type: "connection_init", Payload: raw}); err != nil {
		return err
	}
	m, err := c.read(waitLong)
	if err != nil {
		return err
	}
	if m.Type != "connection_ack" {
		return fmt.Errorf("got %s %s, want connection_ack", m.Type, m.Payload)
	}
	return nil
}

// read returns the next message other than ping and pong (pings are answered).
func (c *wsClient) read(wait time.Duration) (wsMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	for {
		_, b, err := c.conn.Read(ctx)
		if err != nil {
			return wsMessage{}, err
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return wsMessage{}, fmt.Errorf("bad message %s: %w", b, err)
		}
		switch m.Type {
		case "ping":
			if err := c.send(wsMessage{Type: "pong"}); err != nil {
				return wsMessage{}, err
			}
			continue
		case "pong", "ka":
			continue
		}
		return m, nil
	}
}

// subscribe starts an operation with id.
func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err := c.send(wsMessage{ID: id, Type: "subscribe", Payload: payload}); err != nil {
		c.t.Fatalf("subscribe: %v", err)
	}
}

// next returns the data of the next "next" message of operation id, decoded into out; it fails
// on error or complete messages.
func (c *wsClient) next(id string, wait time.Duration, out any) error {
	for {
		m, err := c.read(wait)
		if err != nil {
			return err
		}
		if m.ID != id {
			continue
		}
		switch m.Type {
		case "next":
			var res struct {
				Data   json.RawMessage `json:"data"`
				Errors []gqlError      `json:"errors"`
			}
			if err := json.Unmarshal(m.Payload, &res); err != nil {
				return err
			}
			if len(res.Errors) > 0 {
				return fmt.Errorf("errors: %+v", res.Errors)
			}
			return json.Unmarshal(res.Data, out)
		case "error":
			return &wsOperationError{payload: string(m.Payload)}
		case "complete":
			return errors.New("subscription completed")
		}
	}
}

// wsOperationError is an "error" message for an operation.
type wsOperationError struct{ payload string }

func (e *wsOperationError) Error() string { return "operation error: " + e.payload }

// closeStatus returns the close code the server sent, -1 when the connection did not close
// with one.
func closeStatus(err error) websocket.StatusCode { return websocket.CloseStatus(err) }
