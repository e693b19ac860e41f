package recordings

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// idRecorder fails the test when a store call receives an id that is not clean text.
type idRecorder struct {
	t     *testing.T
	store *db.DB
	mu    sync.Mutex
	calls int
}

func (s *idRecorder) check(id string) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if !cleanText(id) {
		s.t.Errorf("store asked for %q", id)
	}
}

func (s *idRecorder) Recording(ctx context.Context, id string) (*scalelite.Recording, error) {
	s.check(id)
	return s.store.Recording(ctx, id)
}

func (s *idRecorder) Server(ctx context.Context, id string) (*scalelite.Server, error) {
	s.check(id)
	return s.store.Server(ctx, id)
}

func (s *idRecorder) Servers(ctx context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error) {
	for _, id := range f.IDs {
		s.check(id)
	}
	return s.store.Servers(ctx, f)
}

// Control characters and invalid UTF-8 in a recording route's path or query are refused at the
// edge with the "Recording Not Found" page; nothing reaches the store.
func TestPlaybackRefusesControlCharacters(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		spec := recSpec{ID: testRecordID("edge", 1), MeetingID: "edge", Published: true}
		p := newPlaybackEnv(t, store, PlaybackConfig{}, nil, spec)
		rec := &idRecorder{t: t, store: store}
		p.pb = NewPlayback(p.pb.cfg, rec, p.protector, nil, testLogger(t))
		if w := p.get("/presentation/" + p.id + "/shapes.svg"); w.Code != 200 {
			t.Fatalf("clean request: %d", w.Code)
		}
		for _, target := range []string{
			"/presentation/" + p.id + "%00/shapes.svg",
			"/presentation/" + p.id + "/shapes%00.svg",
			"/presentation/" + p.id + "/shapes.svg?x=%00",
			"/presentation/" + p.id + "/shapes.svg?x=%FF%FE",
			"/presentation/%C0%AF" + p.id + "/shapes.svg",
			"/presentation/" + p.id + "%0A/shapes.svg",
			"/recording/" + p.id + "/presentation?token=%00abc",
			"/recording/" + p.id + "%00/presentation",
			"/playback/presentation/2.0/playback.html?meetingId=" + p.id + "%0D%0A",
			"/playback/video/%0D%0ALocation:%20http://evil",
			"/podcast/" + p.id + "/audio%7F.ogg",
			"/presentation/" + p.id + "/shapes.svg?%00=1",
			"/presentation/" + p.id + "/shapes.svg?x=%zz",
		} {
			before := rec.calls
			w := p.get(target)
			if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "Recording Not Found") || w.Header().Get("Location") != "" {
				t.Errorf("GET %s: %d %q", target, w.Code, w.Header().Get("Location"))
			}
			if rec.calls != before {
				t.Errorf("GET %s reached the store", target)
			}
		}
	})
}

// An upload whose headers carry control characters or invalid UTF-8 gets 400 before any lookup.
func TestUploadRefusesControlCharacters(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		rec := &idRecorder{t: t, store: store}
		now := time.Unix(1800000000, 0)
		up := NewUpload(UploadConfig{SpoolDir: t.TempDir(), MaxBytes: 1 << 20}, rec, testLogger(t), func() time.Time { return now })
		for _, tc := range []struct{ header, value string }{
			{HeaderServer, "bbb1\x00"}, {HeaderServer, "bbb\xff1"}, {HeaderServer, "bbb1\t"},
			{HeaderRecordID, "rec-1\x00"}, {HeaderTimestamp, "1800000000\x01"}, {HeaderSignature, "ab\xc0\xaf"},
		} {
			r := httptest.NewRequest(http.MethodPost, UploadPath, bytes.NewReader([]byte("x")))
			r.Header.Set(HeaderServer, "bbb1")
			r.Header.Set(HeaderRecordID, "rec-1")
			r.Header.Set(HeaderTimestamp, "1800000000")
			r.Header.Set(HeaderSHA256, strings.Repeat("a", 64))
			r.Header.Set(HeaderSignature, "sig")
			r.Header.Set(tc.header, tc.value)
			w := httptest.NewRecorder()
			up.ServeHTTP(w, r)
			if w.Code != http.StatusBadRequest {
				t.Errorf("%s %q: %d, want 400", tc.header, tc.value, w.Code)
			}
		}
		if rec.calls != 0 {
			t.Errorf("%d store calls", rec.calls)
		}
	})
}
