package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestMeetingEventsFromEverySurface: one meetingEvents subscription (GraphQL over a websocket, on
// an api instance) sees every change of a meeting, whichever surface made it: created and placed
// for a BBB API create, ended for a BBB API end, for `scalelite meetings end` and for GraphQL's
// endMeeting, ended by the poller's reconciliation (`scalelite poll`), cleared by a panic
// (`scalelite servers panic`) and recovered by the next join. The CLI commands are other
// processes; their events reach the subscription through Redis. On SQLite and PostgreSQL.
func TestMeetingEventsFromEverySurface(t *testing.T) {
	bin := scaleliteBinary(t)
	redisURL := testRedisURL(t)
	for _, store := range []struct {
		name   string
		driver string
		dsn    func(t *testing.T, dir string) (env, sqlDSN string)
	}{
		{"sqlite", "sqlite", func(t *testing.T, dir string) (string, string) {
			f := filepath.Join(dir, "scalelite.db")
			return "sqlite:" + f, f
		}},
		{"postgres", "pgx", func(t *testing.T, _ string) (string, string) {
			dsn := dbtest.PostgresDSN(t)
			return dsn, dsn
		}},
	} {
		t.Run(store.name, func(t *testing.T) {
			ctx := context.Background()
			sim, err := bbbsim.Start(ctx, 2, bbbsim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(sim.Close)
			env := sqliteEnv(t)
			dsn, sqlDSN := store.dsn(t, t.TempDir())
			const adminKey = "events-test-admin-key-0123456789"
			env["DATABASE_URL"], env["REDIS_URL"], env["REDIS_NAMESPACE"] = dsn, redisURL, redisNamespace()
			env["ADMIN_API_KEY"], env["POLL_INTERVAL"] = adminKey, "3600"
			var list []string
			for k, v := range env {
				list = append(list, k+"="+v)
			}
			cli := &cliEnv{t: t, bin: bin, env: append(list, "HOME="+t.TempDir())}
			cli.ok("migrate", "up")
			ids := map[string]*bbbsim.Server{}
			for _, s := range sim.Servers() {
				var added serverJSON
				if err := json.Unmarshal([]byte(cli.ok("servers", "add", s.URL(), s.Secret(), "--load-multiplier", "1", "--json")), &added); err != nil {
					t.Fatal(err)
				}
				cli.ok("servers", "enable", added.ID)
				ids[added.ID] = s
			}
			cli.ok("poll")

			api := start(t, env, "serve", "--roles", "api")
			base := api.stdout.wait(t, listening, api.done)[1]
			e := &eventsEnv{t: t, base: base, secret: env["LOADBALANCER_SECRET"], key: adminKey}
			e.subscribe()
			// The subscription starts asynchronously: create meetings until one is announced.
			for i := 0; ; i++ {
				id := fmt.Sprintf("warm-up-%d", i)
				e.bbb("create", "meetingID="+id+"&name=Warm&moderatorPW=mp&attendeePW=ap")
				if _, ok := e.next(2 * time.Second); ok {
					e.drain()
					break
				}
				if i == 20 {
					t.Fatal("no meeting event reached the subscription")
				}
			}

			// BBB API create and end.
			srv := e.create("m1")
			e.bbb("end", "meetingID=m1&password=mp")
			e.expect("ENDED", "m1", srv)

			// The CLI's end, in another process.
			srv = e.create("m2")
			cli.ok("meetings", "end", "m2", "--yes")
			e.expect("ENDED", "m2", srv)

			// GraphQL's endMeeting.
			srv = e.create("m3")
			e.graphql(`mutation { endMeeting(meetingID: "m3") { meetingID } }`)
			e.expect("ENDED", "m3", srv)

			// The poller's reconciliation (`scalelite poll`, another process): the meeting ended
			// on its server; it is older than the reconciliation grace, and missed two polls.
			srv = e.create("m4")
			client := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts)
			s := ids[srv]
			if _, err := client.Do(ctx, bbb.Endpoint{URL: s.URL(), Secret: s.Secret()}, "end", scalelite.Params{{Key: "meetingID", Value: "m4"}, {Key: "password", Value: "mp"}}, nil, nil); err != nil {
				t.Fatal(err)
			}
			age(t, store.driver, sqlDSN, "m4", 10*time.Minute)
			cli.ok("poll")
			cli.ok("poll")
			e.expect("ENDED", "m4", srv)

			// A panic clears the meeting (ended on BBB, recoverable); the next join recovers it on
			// the other server.
			srv = e.create("m5")
			cli.ok("servers", "panic", srv)
			e.expect("CLEARED", "m5", srv)
			if code, location := e.join("m5"); code != http.StatusFound || strings.Contains(location, ids[srv].URL()) {
				t.Fatalf("join after the panic: %d %s", code, location)
			}
			ev := e.expect("RECOVERED", "m5", "")
			if ev.ServerID == srv || !strings.Contains(ev.Detail, "from "+srv) {
				t.Errorf("recovered = %+v, want another server than %s", ev, srv)
			}
		})
	}
}

// age moves a meeting's creation and last update back by d (older than the poller's grace).
func age(t *testing.T, driver, dsn, meetingID string, d time.Duration) {
	t.Helper()
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	old := time.Now().Add(-d).UTC()
	q := "UPDATE meetings SET created_at = $1, updated_at = $1 WHERE meeting_id = $2 AND ended_at IS NULL"
	if driver == "sqlite" {
		q = "UPDATE meetings SET created_at = ?1, updated_at = ?1 WHERE meeting_id = ?2 AND ended_at IS NULL"
	}
	if _, err := conn.Exec(q, old, meetingID); err != nil {
		t.Fatal(err)
	}
}

// eventsEnv talks to an api instance: the BBB API, GraphQL, and one meetingEvents subscription.
type eventsEnv struct {
	t           *testing.T
	base        string
	secret, key string
	events      chan meetingEvent
}

type meetingEvent struct {
	Type      string `json:"type"`
	MeetingID string `json:"meetingID"`
	ServerID  string `json:"serverId"`
	Detail    string `json:"detail"`
}

func (e *eventsEnv) subscribe() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.base, "http")+"/graphql",
		&websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { conn.CloseNow() })
	send := func(v any) {
		b, _ := json.Marshal(v)
		if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
			e.t.Fatal(err)
		}
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]string{"Authorization": "Bearer " + e.key}})
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]string{
		"query": "subscription { meetingEvents { type meetingID serverId detail } }"}})
	e.events = make(chan meetingEvent, 256)
	go func() {
		for {
			_, b, err := conn.Read(context.Background())
			if err != nil {
				return
			}
			var m struct {
				Type    string `json:"type"`
				Payload struct {
					Data struct {
						MeetingEvents meetingEvent `json:"meetingEvents"`
					} `json:"data"`
				} `json:"payload"`
			}
			if json.Unmarshal(b, &m) != nil {
				continue
			}
			switch m.Type {
			case "ping":
				_ = conn.Write(context.Background(), websocket.MessageText, []byte(`{"type":"pong"}`))
			case "next":
				e.events <- m.Payload.Data.MeetingEvents
			}
		}
	}()
}

// next returns the next event within d.
func (e *eventsEnv) next(d time.Duration) (meetingEvent, bool) {
	select {
	case ev := <-e.events:
		return ev, true
	case <-time.After(d):
		return meetingEvent{}, false
	}
}

// drain drops the events of the warm-up.
func (e *eventsEnv) drain() {
	for {
		if _, ok := e.next(time.Second); !ok {
			return
		}
	}
}

// expect waits for the next event and checks it (serverID "" matches any).
func (e *eventsEnv) expect(typ, meetingID, serverID string) meetingEvent {
	e.t.Helper()
	ev, ok := e.next(30 * time.Second)
	if !ok {
		e.t.Fatalf("no event; want %s %s", typ, meetingID)
	}
	if ev.Type != typ || ev.MeetingID != meetingID || serverID != "" && ev.ServerID != serverID {
		e.t.Fatalf("event %+v, want %s %s on %q", ev, typ, meetingID, serverID)
	}
	return ev
}

// create creates the meeting through the BBB API, checks CREATED then PLACED (with the placement
// explained) and returns its server.
func (e *eventsEnv) create(meetingID string) string {
	e.t.Helper()
	if body := e.bbb("create", "meetingID="+meetingID+"&name=Room&moderatorPW=mp&attendeePW=ap"); !strings.Contains(body, "SUCCESS") {
		e.t.Fatalf("create %s: %s", meetingID, body)
	}
	created := e.expect("CREATED", meetingID, "")
	placed := e.expect("PLACED", meetingID, created.ServerID)
	if !strings.Contains(placed.Detail, `"chosen":"`+created.ServerID+`"`) {
		e.t.Errorf("placed detail %q does not explain the choice", placed.Detail)
	}
	return created.ServerID
}

func (e *eventsEnv) signed(action, query string) string {
	return e.base + "/bigbluebutton/api/" + action + "?" + query + "&checksum=" + bbb.Checksum(bbb.SHA256, action, query, e.secret)
}

func (e *eventsEnv) bbb(action, query string) string {
	e.t.Helper()
	resp, err := http.Get(e.signed(action, query))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (e *eventsEnv) join(meetingID string) (int, string) {
	e.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(e.signed("join", "fullName=A&meetingID="+url.QueryEscape(meetingID)+"&password=ap"))
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

func (e *eventsEnv) graphql(query string) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, e.base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		e.t.Fatalf("graphql %s: %d %s", query, resp.StatusCode, b)
	}
}
