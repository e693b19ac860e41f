package redisstore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// countingStore counts the cached lookups that reach the inner store and can run a hook after
// the inner read, before the result goes back to the cache (to stage races).
type countingStore struct {
	scalelite.Store
	reads     atomic.Int64
	afterRead atomic.Pointer[func()]
}

func (s *countingStore) read() {
	s.reads.Add(1)
	if f := s.afterRead.Swap(nil); f != nil {
		(*f)()
	}
}

func (s *countingStore) Server(ctx context.Context, id string) (*scalelite.Server, error) {
	srv, err := s.Store.Server(ctx, id)
	s.read()
	return srv, err
}

func (s *countingStore) Meeting(ctx context.Context, meetingID string) (*scalelite.Meeting, error) {
	m, err := s.Store.Meeting(ctx, meetingID)
	s.read()
	return m, err
}

func (s *countingStore) TenantByName(ctx context.Context, name string) (*scalelite.Tenant, error) {
	t, err := s.Store.TenantByName(ctx, name)
	s.read()
	return t, err
}

const (
	testTTL  = time.Minute
	tenantID = "6f1c1d36-5a7e-4c1b-9d1e-2a9f3c4b5d6e"
)

// cachedFixture is one SQL database (SQLite, fresh per test) shared by cached stores on
// separate Redis clients.
type cachedFixture struct {
	url, ns string
	inner   *countingStore
}

func newCachedFixture(t *testing.T) *cachedFixture {
	url := testRedisURL(t)
	return &cachedFixture{url: url, ns: testNamespace(t, url), inner: &countingStore{Store: dbtest.SQLite(t)}}
}

// store returns a cached store on a new client, as another process would have.
func (f *cachedFixture) store(t *testing.T) *CachedStore {
	return NewCachedStore(testClient(t, f.url, f.ns), f.inner, testTTL).(*CachedStore)
}

func mustServer(t *testing.T, s scalelite.Store, id string) *scalelite.Server {
	t.Helper()
	srv, err := s.Server(t.Context(), id)
	if err != nil {
		t.Fatalf("Server(%s): %v", id, err)
	}
	return srv
}

func addServer(t *testing.T, s scalelite.Store, id string) {
	t.Helper()
	err := s.CreateServer(t.Context(), &scalelite.Server{ID: id, URL: "https://" + id + "/bigbluebutton/api",
		Secret: "secret-" + id, State: scalelite.ServerEnabled, Online: true, LoadMultiplier: 1})
	if err != nil {
		t.Fatal(err)
	}
}

func TestCachedStoreServesRepeatedReadsFromCache(t *testing.T) {
	f := newCachedFixture(t)
	s := f.store(t)
	addServer(t, s, "bbb1")
	first := mustServer(t, s, "bbb1")
	for range 3 {
		got := mustServer(t, s, "bbb1")
		if got.Secret != "secret-bbb1" || got.URL != first.URL || !got.CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("cached server = %+v, want %+v", got, first)
		}
	}
	if n := f.inner.reads.Load(); n != 1 {
		t.Errorf("inner store read %d times for 4 lookups, want 1", n)
	}
	if st := s.Stats(); st.Hits != 3 || st.Misses != 1 || st.Failures != 0 {
		t.Errorf("Stats() = %+v, want 3 hits, 1 miss, no failures", st)
	}
	// Once this process's own write is older than recentWindow (reads re-check the version in
	// Redis until then), lookups come from process memory.
	eventually(t, recentWindow+5*time.Second, "a lookup served from process memory", func() bool {
		mustServer(t, s, "bbb1")
		return s.Stats().LocalHits > 0
	})
	if n := f.inner.reads.Load(); n != 1 {
		t.Errorf("inner store read %d times, want 1", n)
	}
}

func TestCachedStoreCachesNotFound(t *testing.T) {
	f := newCachedFixture(t)
	s := f.store(t)
	_, innerErr := f.inner.Store.Meeting(t.Context(), "no-such-meeting")
	for range 3 {
		_, err := s.Meeting(t.Context(), "no-such-meeting")
		if !scalelite.IsNotFound(err) {
			t.Fatalf("Meeting = %v, want ENOTFOUND", err)
		}
		if got, want := scalelite.ErrorMessage(err), scalelite.ErrorMessage(innerErr); got != want {
			t.Errorf("message = %q, want the store's %q", got, want)
		}
	}
	if n := f.inner.reads.Load(); n != 1 {
		t.Errorf("inner store read %d times, want 1", n)
	}
}

// TestCachedStoreWritesInvalidate primes the cache, writes through the same store and reads
// again at once: each write must invalidate what it changed (read-your-writes in one process).
func TestCachedStoreWritesInvalidate(t *testing.T) {
	ctx := context.Background()
	// place places the meeting; a meeting whose server was disabled moves to another server.
	place := func(t *testing.T, s scalelite.Store, meetingID string) scalelite.PlaceResult {
		t.Helper()
		res, err := s.PlaceMeeting(ctx, scalelite.PlaceRequest{
			Meeting:      scalelite.Meeting{MeetingID: meetingID, Name: "Room"},
			VoiceBridges: scalelite.VoiceBridgeRequest{Keep: "70001"},
			Reservation:  1,
		})
		if err != nil {
			t.Fatalf("PlaceMeeting: %v", err)
		}
		return res
	}
	serverLoad := func(t *testing.T, s scalelite.Store, id string) float64 { return mustServer(t, s, id).Load }
	meetingServer := func(t *testing.T, s scalelite.Store, id string) string {
		t.Helper()
		m, err := s.Meeting(ctx, id)
		if scalelite.IsNotFound(err) {
			return "(not found)"
		}
		if err != nil {
			t.Fatal(err)
		}
		return m.ServerID
	}
	tenantSecrets := func(t *testing.T, s scalelite.Store, name string) string {
		t.Helper()
		tn, err := s.TenantByName(ctx, name)
		if scalelite.IsNotFound(err) {
			return "(not found)"
		}
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(tn.Secrets)
	}
	addTenant := func(t *testing.T, s scalelite.Store) {
		t.Helper()
		if err := s.CreateTenant(ctx, &scalelite.Tenant{ID: tenantID, Name: "school", Secrets: []string{"s1"}}); err != nil {
			t.Fatal(err)
		}
	}
	strp := func(s string) *string { return &s }

	tests := []struct {
		name  string
		setup func(t *testing.T, s scalelite.Store)
		read  func(t *testing.T, s scalelite.Store) string
		write func(t *testing.T, s scalelite.Store)
		want  string
	}{
		{
			name:  "CreateServer after a not-found read",
			read:  func(t *testing.T, s scalelite.Store) string { return meetingOrServer(t, s, "bbb9") },
			write: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb9") },
			want:  "https://bbb9/bigbluebutton/api",
		},
		{
			name:  "UpdateServer",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1") },
			read:  func(t *testing.T, s scalelite.Store) string { return mustServer(t, s, "bbb1").Secret },
			write: func(t *testing.T, s scalelite.Store) {
				if _, err := s.UpdateServer(ctx, "bbb1", scalelite.ServerUpdate{Secret: strp("rotated")}); err != nil {
					t.Fatal(err)
				}
			},
			want: "rotated",
		},
		{
			name:  "DeleteServer",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1") },
			read:  func(t *testing.T, s scalelite.Store) string { return meetingOrServer(t, s, "bbb1") },
			write: func(t *testing.T, s scalelite.Store) {
				if err := s.DeleteServer(ctx, "bbb1"); err != nil {
					t.Fatal(err)
				}
			},
			want: "(not found)",
		},
		{
			name:  "RecordPoll",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1") },
			read:  func(t *testing.T, s scalelite.Store) string { return fmt.Sprint(serverLoad(t, s, "bbb1")) },
			write: func(t *testing.T, s scalelite.Store) {
				if _, err := s.RecordPoll(ctx, "bbb1", scalelite.PollResult{Online: true, Load: 42}); err != nil {
					t.Fatal(err)
				}
			},
			want: "42",
		},
		{
			name:  "AddLoad",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1") },
			read:  func(t *testing.T, s scalelite.Store) string { return fmt.Sprint(serverLoad(t, s, "bbb1")) },
			write: func(t *testing.T, s scalelite.Store) {
				if err := s.AddLoad(ctx, map[string]float64{"bbb1": 2.5}); err != nil {
					t.Fatal(err)
				}
			},
			want: "2.5",
		},
		{
			name:  "PlaceMeeting creates the meeting",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1") },
			read:  func(t *testing.T, s scalelite.Store) string { return meetingServer(t, s, "m1") },
			write: func(t *testing.T, s scalelite.Store) { place(t, s, "m1") },
			want:  "bbb1",
		},
		{
			name:  "PlaceMeeting reserves load on the server",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1") },
			read:  func(t *testing.T, s scalelite.Store) string { return fmt.Sprint(serverLoad(t, s, "bbb1")) },
			write: func(t *testing.T, s scalelite.Store) { place(t, s, "m1") },
			want:  "1",
		},
		{
			name: "PlaceMeeting moves the meeting",
			setup: func(t *testing.T, s scalelite.Store) {
				addServer(t, s, "bbb1")
				place(t, s, "m1")
				addServer(t, s, "bbb2")
				disable(t, s, "bbb1")
			},
			read:  func(t *testing.T, s scalelite.Store) string { return meetingServer(t, s, "m1") },
			write: func(t *testing.T, s scalelite.Store) { place(t, s, "m1") },
			want:  "bbb2",
		},
		{
			name:  "UndoPlacement",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1") },
			read: func(t *testing.T, s scalelite.Store) string {
				return meetingServer(t, s, "m1") + fmt.Sprint(" load ", serverLoad(t, s, "bbb1"))
			},
			write: func(t *testing.T, s scalelite.Store) {
				res := place(t, s, "m1")
				_ = meetingServer(t, s, "m1") // cache the placed meeting
				if err := s.UndoPlacement(ctx, res); err != nil {
					t.Fatal(err)
				}
			},
			want: "(not found) load 0",
		},
		{
			name: "UpdateCreateParams",
			setup: func(t *testing.T, s scalelite.Store) {
				addServer(t, s, "bbb1")
				place(t, s, "m1")
			},
			read: func(t *testing.T, s scalelite.Store) string {
				m, err := s.Meeting(ctx, "m1")
				if err != nil {
					t.Fatal(err)
				}
				return m.CreateQuery
			},
			write: func(t *testing.T, s scalelite.Store) {
				m, err := s.Meeting(ctx, "m1")
				if err != nil {
					t.Fatal(err)
				}
				if err := s.UpdateCreateParams(ctx, m.ID, "meetingID=m1&record=true", nil); err != nil {
					t.Fatal(err)
				}
			},
			want: "meetingID=m1&record=true",
		},
		{
			name:  "EndMeetings",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1"); place(t, s, "m1") },
			read:  func(t *testing.T, s scalelite.Store) string { return meetingServer(t, s, "m1") },
			write: func(t *testing.T, s scalelite.Store) {
				if _, err := s.EndMeetings(ctx, []string{"m1"}, time.Now()); err != nil {
					t.Fatal(err)
				}
			},
			want: "(not found)",
		},
		{
			name: "PlaceMeeting moves the meeting with the create parameters of its create spec",
			setup: func(t *testing.T, s scalelite.Store) {
				addServer(t, s, "bbb1")
				place(t, s, "m1")
				addServer(t, s, "bbb2")
				disable(t, s, "bbb1")
			},
			read: func(t *testing.T, s scalelite.Store) string { return meetingCreateQuery(t, s, "m1") },
			write: func(t *testing.T, s scalelite.Store) {
				res := moveWithCreateSpec(t, s, "m1")
				if !res.Moved || res.Server == nil || res.Server.ID != "bbb2" {
					t.Fatalf("PlaceMeeting = %+v, server %+v", res, res.Server)
				}
			},
			want: "bbb2: meetingID=m1&voiceBridge=70001",
		},
		{
			name: "UndoPlacement of a move restores the create parameters",
			setup: func(t *testing.T, s scalelite.Store) {
				addServer(t, s, "bbb1")
				place(t, s, "m1")
				addServer(t, s, "bbb2")
				disable(t, s, "bbb1")
			},
			read: func(t *testing.T, s scalelite.Store) string { return meetingCreateQuery(t, s, "m1") },
			write: func(t *testing.T, s scalelite.Store) {
				res := moveWithCreateSpec(t, s, "m1")
				_ = meetingCreateQuery(t, s, "m1") // cache the moved meeting
				if err := s.UndoPlacement(ctx, res); err != nil {
					t.Fatal(err)
				}
			},
			want: "bbb1: ",
		},
		{
			name:  "EndServerMeetings",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1"); place(t, s, "m1") },
			read:  func(t *testing.T, s scalelite.Store) string { return meetingServer(t, s, "m1") },
			write: func(t *testing.T, s scalelite.Store) {
				if _, err := s.EndServerMeetings(ctx, "bbb1", time.Now()); err != nil {
					t.Fatal(err)
				}
			},
			want: "(not found)",
		},
		{
			name:  "Reconcile ends an unlisted meeting",
			setup: func(t *testing.T, s scalelite.Store) { addServer(t, s, "bbb1"); place(t, s, "m1") },
			read:  func(t *testing.T, s scalelite.Store) string { return meetingServer(t, s, "m1") },
			write: func(t *testing.T, s scalelite.Store) {
				ended, err := s.Reconcile(ctx, "bbb1", nil, 1, time.Now().Add(time.Hour), time.Now())
				if err != nil || len(ended) != 1 {
					t.Fatalf("Reconcile = %d ended, %v; want 1", len(ended), err)
				}
			},
			want: "(not found)",
		},
		{
			name:  "CreateTenant after a not-found read",
			read:  func(t *testing.T, s scalelite.Store) string { return tenantSecrets(t, s, "school") },
			write: addTenant,
			want:  "[s1]",
		},
		{
			name:  "UpdateTenant secrets",
			setup: addTenant,
			read:  func(t *testing.T, s scalelite.Store) string { return tenantSecrets(t, s, "school") },
			write: func(t *testing.T, s scalelite.Store) {
				if _, err := s.UpdateTenant(ctx, tenantID, scalelite.TenantUpdate{Secrets: []string{"s2", "s3"}}); err != nil {
					t.Fatal(err)
				}
			},
			want: "[s2 s3]",
		},
		{
			name:  "UpdateTenant rename",
			setup: addTenant,
			read: func(t *testing.T, s scalelite.Store) string {
				return tenantSecrets(t, s, "school") + " " + tenantSecrets(t, s, "college")
			},
			write: func(t *testing.T, s scalelite.Store) {
				if _, err := s.UpdateTenant(ctx, tenantID, scalelite.TenantUpdate{Name: strp("college")}); err != nil {
					t.Fatal(err)
				}
			},
			want: "(not found) [s1]",
		},
		{
			name:  "UpdateTenant secrets, read in another case",
			setup: addTenant,
			read: func(t *testing.T, s scalelite.Store) string {
				return tenantSecrets(t, s, "SCHOOL") + " " + tenantSecrets(t, s, "School")
			},
			write: func(t *testing.T, s scalelite.Store) {
				if _, err := s.UpdateTenant(ctx, tenantID, scalelite.TenantUpdate{Secrets: []string{"s4"}}); err != nil {
					t.Fatal(err)
				}
			},
			want: "[s4] [s4]",
		},
		{
			name:  "DeleteTenant",
			setup: addTenant,
			read:  func(t *testing.T, s scalelite.Store) string { return tenantSecrets(t, s, "school") },
			write: func(t *testing.T, s scalelite.Store) {
				if err := s.DeleteTenant(ctx, tenantID); err != nil {
					t.Fatal(err)
				}
			},
			want: "(not found)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newCachedFixture(t)
			s := f.store(t)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			before := tt.read(t, s)
			if again := tt.read(t, s); again != before {
				t.Fatalf("two reads before the write differ: %q, %q", before, again)
			}
			if st := s.Stats(); st.Hits == 0 {
				t.Fatalf("the second read was not a cache hit: %+v", st)
			}
			tt.write(t, s)
			if got := tt.read(t, s); got != tt.want {
				t.Errorf("after the write read %q (before: %q), want %q", got, before, tt.want)
			}
		})
	}
}

// meetingCreateQuery returns the running meeting's server and stored create query.
func meetingCreateQuery(t *testing.T, s scalelite.Store, id string) string {
	t.Helper()
	m, err := s.Meeting(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m.ServerID + ": " + m.CreateQuery
}

// moveWithCreateSpec re-homes the running meeting (its server disabled) to another server,
// storing the create parameters its create spec builds for it there.
func moveWithCreateSpec(t *testing.T, s scalelite.Store, id string) scalelite.PlaceResult {
	t.Helper()
	res, err := s.PlaceMeeting(t.Context(), scalelite.PlaceRequest{
		Meeting:      scalelite.Meeting{MeetingID: id, Name: "Room"},
		VoiceBridges: scalelite.VoiceBridgeRequest{Keep: "70001"},
		Reservation:  1,
		Create:       &scalelite.CreateSpec{Client: scalelite.Params{{Key: "meetingID", Value: id}}},
	})
	if err != nil {
		t.Fatalf("PlaceMeeting: %v", err)
	}
	return res
}

// meetingOrServer returns the server's URL or "(not found)".
func meetingOrServer(t *testing.T, s scalelite.Store, id string) string {
	t.Helper()
	srv, err := s.Server(t.Context(), id)
	if scalelite.IsNotFound(err) {
		return "(not found)"
	}
	if err != nil {
		t.Fatal(err)
	}
	return srv.URL
}

// TestCachedStoreStaleFillDoesNotStick stages the race the version scheme exists for: a reader
// reads the old row from SQL, a writer commits and invalidates, then the reader stores what it
// read. The stale row must not be served afterwards.
func TestCachedStoreStaleFillDoesNotStick(t *testing.T) {
	f := newCachedFixture(t)
	reader, writer := f.store(t), f.store(t)
	addServer(t, writer, "bbb1")
	rotated := "rotated"
	hook := func() {
		if _, err := writer.UpdateServer(t.Context(), "bbb1", scalelite.ServerUpdate{Secret: &rotated}); err != nil {
			t.Error(err)
		}
	}
	f.inner.afterRead.Store(&hook)
	if got := mustServer(t, reader, "bbb1").Secret; got != "secret-bbb1" {
		t.Fatalf("staged read returned %q, want the old secret", got)
	}
	for _, s := range []*CachedStore{reader, writer} {
		eventually(t, time.Second, "the new secret is served", func() bool {
			return mustServer(t, s, "bbb1").Secret == rotated
		})
	}
	// And it stays that way once cached.
	for range 3 {
		if got := mustServer(t, reader, "bbb1").Secret; got != rotated {
			t.Fatalf("read %q after the update, want %q", got, rotated)
		}
	}
}

// TestCachedStoreInvalidationReachesSecondClient is the must-have: a write through one client
// is seen by another client (another process) that had the row in its local cache, within a
// second.
func TestCachedStoreInvalidationReachesSecondClient(t *testing.T) {
	f := newCachedFixture(t)
	s1, s2 := f.store(t), f.store(t)
	addServer(t, s1, "bbb1")
	for range 3 {
		mustServer(t, s2, "bbb1")
	}
	if _, err := s2.Meeting(t.Context(), "m1"); !scalelite.IsNotFound(err) {
		t.Fatalf("Meeting before placement = %v, want ENOTFOUND", err)
	}
	if _, err := s2.Meeting(t.Context(), "m1"); !scalelite.IsNotFound(err) {
		t.Fatalf("Meeting before placement = %v, want ENOTFOUND", err)
	}
	if st := s2.Stats(); st.Hits < 3 {
		t.Fatalf("second client's reads were not served from its cache: %+v", st)
	}
	// The second client holds the rows in process memory, so only Redis's invalidation push
	// can make it see the writes below.
	eventually(t, 5*time.Second, "second client serves the server from process memory", func() bool {
		before := s2.Stats().LocalHits
		mustServer(t, s2, "bbb1")
		return s2.Stats().LocalHits > before
	})
	eventually(t, 5*time.Second, "second client serves the missing meeting from process memory", func() bool {
		before := s2.Stats().LocalHits
		_, err := s2.Meeting(t.Context(), "m1")
		return scalelite.IsNotFound(err) && s2.Stats().LocalHits > before
	})

	secret := "rotated"
	if _, err := s1.UpdateServer(t.Context(), "bbb1", scalelite.ServerUpdate{Secret: &secret}); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "second client sees the updated server", func() bool {
		return mustServer(t, s2, "bbb1").Secret == secret
	})

	_, err := s1.PlaceMeeting(t.Context(), scalelite.PlaceRequest{
		Meeting:      scalelite.Meeting{MeetingID: "m1"},
		VoiceBridges: scalelite.VoiceBridgeRequest{Keep: "70001"},
	})
	if err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Second, "second client sees the placed meeting", func() bool {
		m, err := s2.Meeting(t.Context(), "m1")
		return err == nil && m.ServerID == "bbb1"
	})
}

// TestCachedStoreConverges runs readers and writers on two clients at once; when the writers
// stop, every client must serve the final SQL state.
func TestCachedStoreConverges(t *testing.T) {
	f := newCachedFixture(t)
	stores := []*CachedStore{f.store(t), f.store(t)}
	addServer(t, stores[0], "bbb1")
	ctx, cancel := context.WithCancel(t.Context())
	var readers, writers sync.WaitGroup
	for i := range 4 {
		s := stores[i%2]
		readers.Go(func() {
			for ctx.Err() == nil {
				if _, err := s.Server(ctx, "bbb1"); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 2 {
		s := stores[i]
		writers.Go(func() {
			for j := range 50 {
				tag := fmt.Sprintf("w%d-%d", i, j)
				if _, err := s.UpdateServer(ctx, "bbb1", scalelite.ServerUpdate{Tag: &tag}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	writers.Wait()
	cancel()
	readers.Wait()
	want, err := f.inner.Store.Server(t.Context(), "bbb1")
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range stores {
		eventually(t, time.Second, fmt.Sprintf("client %d serves the final tag %s", i, want.Tag), func() bool {
			return mustServer(t, s, "bbb1").Tag == want.Tag
		})
	}
}

// TestCachedStoreFallsBackToSQL closes the Redis client: reads and writes keep working.
func TestCachedStoreFallsBackToSQL(t *testing.T) {
	f := newCachedFixture(t)
	s := f.store(t)
	addServer(t, s, "bbb1")
	mustServer(t, s, "bbb1")
	s.c.Close()
	secret := "rotated"
	if _, err := s.UpdateServer(t.Context(), "bbb1", scalelite.ServerUpdate{Secret: &secret}); err != nil {
		t.Fatalf("UpdateServer with Redis gone: %v", err)
	}
	if got := mustServer(t, s, "bbb1").Secret; got != secret {
		t.Errorf("read %q with Redis gone, want %q from SQL", got, secret)
	}
	if st := s.Stats(); st.Failures == 0 {
		t.Errorf("Stats() = %+v, want failures counted", st)
	}
}

func TestCachedStoreSkipsLargeRows(t *testing.T) {
	f := newCachedFixture(t)
	s := f.store(t)
	addServer(t, s, "bbb1")
	body := []byte("<modules>" + strings.Repeat("x", maxEntryBytes) + "</modules>")
	_, err := s.PlaceMeeting(t.Context(), scalelite.PlaceRequest{
		Meeting:      scalelite.Meeting{MeetingID: "slides", CreateBody: body},
		VoiceBridges: scalelite.VoiceBridgeRequest{Keep: "70001"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		m, err := s.Meeting(t.Context(), "slides")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.CreateBody, body) {
			t.Fatalf("create body of %d bytes, want %d", len(m.CreateBody), len(body))
		}
	}
	if n := f.inner.reads.Load(); n != 2 {
		t.Errorf("inner store read %d times, want 2 (large rows are not cached)", n)
	}
}

// BenchmarkCachedServer compares a cached Server lookup (process memory) with the SQLite read.
func BenchmarkCachedServer(b *testing.B) {
	url := testRedisURL(b)
	inner := dbtest.SQLite(b)
	c := testClient(b, url, testNamespace(b, url))
	s := NewCachedStore(c, inner, time.Minute).(*CachedStore)
	ctx := context.Background()
	if err := s.CreateServer(ctx, &scalelite.Server{ID: "bbb1", URL: "https://bbb1/bigbluebutton/api", Secret: "s"}); err != nil {
		b.Fatal(err)
	}
	time.Sleep(recentWindow) // let this process's own write age out of read-your-writes checks
	for name, store := range map[string]scalelite.Store{"cached": s, "sqlite": inner} {
		b.Run(name, func(b *testing.B) {
			before := s.Stats().LocalHits
			for b.Loop() {
				if _, err := store.Server(ctx, "bbb1"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.Stats().LocalHits-before)/float64(b.N), "local-hits/op")
		})
	}
}

// disable disables the server (its meetings then move on their next placement).
func disable(t *testing.T, s scalelite.Store, id string) {
	t.Helper()
	st := scalelite.ServerDisabled
	if _, err := s.UpdateServer(t.Context(), id, scalelite.ServerUpdate{State: &st}); err != nil {
		t.Fatal(err)
	}
}
