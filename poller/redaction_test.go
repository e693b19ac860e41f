package poller_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/poller"
)

// syncBuffer is a log sink safe for the poller's concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Poll failures are logged and stored with the call, the server and the error class, never the
// getMeetings checksum (a constant that lists the server's meetings to whoever replays it).
func TestPollFailuresCarryNoChecksum(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		h := newHarness(t, store, 3, poller.Config{})
		h.simServer("s0").SetDown(true)
		h.simServer("s1").SetBlackhole(true)
		h.simServer("s2").SetMalformed(true)
		var logs syncBuffer
		p, err := poller.New(poller.Config{Timeouts: testTimeouts}, poller.Deps{
			Store: store, BBB: h.client, Publisher: h.broker,
			Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.Round(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(logs.String(), "poll failed") {
			t.Fatalf("no poll failure logged:\n%s", logs.String())
		}
		texts := []string{logs.String()}
		for _, id := range h.ids {
			texts = append(texts, h.server(id).LastPollError)
		}
		for i, text := range texts {
			if i > 0 && text == "" {
				t.Errorf("server %s: no last poll error", h.ids[i-1])
			}
			for _, s := range h.sim.Servers() {
				if strings.Contains(text, s.Secret()) {
					t.Errorf("secret of %s in %q", s.URL(), text)
				}
			}
			if strings.Contains(text, "checksum") || strings.Contains(text, "getMeetings?") {
				t.Errorf("checksum in %q", text)
			}
		}
	})
}
