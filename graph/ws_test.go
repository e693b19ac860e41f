package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
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

// wsClient speaks graphql-transport-ws over a real websocket. A reader goroutine answers the
// server's pings and queues every other message, so waiting for a message with a timeout never
// closes the connection (a cancelled websocket read would).
type wsClient struct {
	t     *testing.T
	conn  *websocket.Conn
	msgs  chan wsMessage
	pings chan struct{}

	mu  sync.Mutex
	err error // why the reader stopped
}

// waitLong bounds waits that must succeed: far above anything a healthy run needs, so a slow
// machine does not fail them, while a broken server fails the test instead of hanging it.
const waitLong = 60 * time.Second

// eventWait is how long a test waits for an event before it triggers another one; maxAttempts
// bounds the retries. Subscriptions start asynchronously, so tests trigger events until one
// arrives instead of assuming the subscription is already live.
const (
	eventWait   = 2 * time.Second
	maxAttempts = 30
)

// dialWS opens a websocket to the instance with the given Origin and header (both optional).
func (in *instance) dialWS(origin string, header http.Header) (*wsClient, *http.Response, error) {
	conn, resp, err := in.dialRaw(origin, header)
	if err != nil {
		return nil, resp, err
	}
	c := &wsClient{t: in.t, conn: conn, msgs: make(chan wsMessage, 4096), pings: make(chan struct{}, 1)}
	go c.readLoop()
	return c, resp, nil
}

// dialRaw opens a websocket without a reader (for clients that stop reading).
func (in *instance) dialRaw(origin string, header http.Header) (*websocket.Conn, *http.Response, error) {
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
	conn.SetReadLimit(64 << 20)
	in.t.Cleanup(func() { conn.CloseNow() })
	return conn, resp, nil
}

func (c *wsClient) readLoop() {
	defer close(c.msgs)
	for {
		_, b, err := c.conn.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		var m wsMessage
		if err := json.Unmarshal(b, &m); err != nil {
			c.mu.Lock()
			c.err = fmt.Errorf("bad message %s: %w", b, err)
			c.mu.Unlock()
			return
		}
		switch m.Type {
		case "ping":
			select {
			case c.pings <- struct{}{}:
			default:
			}
			_ = writeMessage(c.conn, wsMessage{Type: "pong"})
			continue
		case "pong", "ka":
			continue
		}
		c.msgs <- m
	}
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

func writeMessage(conn *websocket.Conn, m wsMessage) error {
	ctx, cancel := context.WithTimeout(context.Background(), waitLong)
	defer cancel()
	b, _ := json.Marshal(m)
	return conn.Write(ctx, websocket.MessageText, b)
}

// init sends connection_init and waits for connection_ack.
func (c *wsClient) init(payload map[string]any) error {
	raw, _ := json.Marshal(payload)
	if err := writeMessage(c.conn, wsMessage{Type: "connection_init", Payload: raw}); err != nil {
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

// errTimeout is read's answer when nothing arrived in time (the connection stays open).
var errTimeout = errors.New("no message in time")

// read returns the next message other than ping and pong, errTimeout after wait, or the
// reader's error once the connection is closed.
func (c *wsClient) read(wait time.Duration) (wsMessage, error) {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.mu.Lock()
			defer c.mu.Unlock()
			return wsMessage{}, c.err
		}
		return m, nil
	case <-timer.C:
		return wsMessage{}, errTimeout
	}
}

// subscribe starts an operation with id.
func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err := writeMessage(c.conn, wsMessage{ID: id, Type: "subscribe", Payload: payload}); err != nil {
		c.t.Fatalf("subscribe: %v", err)
	}
}

// next decodes the data of the next "next" message of operation id into out. It returns
// errTimeout when none arrived within wait, and an error for error or complete messages.
func (c *wsClient) next(id string, wait time.Duration, out any) error {
	deadline := time.Now().Add(wait)
	for {
		m, err := c.read(time.Until(deadline))
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
			return errComplete
		}
	}
}

// errComplete is next's answer when the server completed the operation.
var errComplete = errors.New("subscription completed")

// wsOperationError is an "error" message for an operation.
type wsOperationError struct{ payload string }

func (e *wsOperationError) Error() string { return "operation error: " + e.payload }

// closeStatus returns the close code the server sent, -1 when the connection did not close
// with one.
func closeStatus(err error) websocket.StatusCode { return websocket.CloseStatus(err) }
