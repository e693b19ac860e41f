//go:build unix

package db_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
	"github.com/scalelite-go/scalelite/internal/testprocs"
)

// Statements that carry secrets send them as bound parameters: a PostgreSQL of the test's own
// logs the failed statements (STATEMENT: lines) with placeholders only, while the values are
// stored exactly.
func TestSecretsStayOutOfPostgresLog(t *testing.T) {
	pg := testprocs.StartPostgres(t)
	ctx := context.Background()
	store, err := db.Open(ctx, pg.URL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx, "up"); err != nil {
		t.Fatal(err)
	}
	secrets := append(failSecretStatements(t, store), failMeetingStatements(t, store)...)
	if !strings.Contains(pg.Log(), "STATEMENT:") || !strings.Contains(pg.Log(), "$1") {
		t.Fatalf("PostgreSQL logged no failed statement with placeholders; the test proves nothing:\n%s", pg.Log())
	}
	if hits := testprocs.GrepFile(t, pg.LogPath(), secrets...); len(hits) > 0 {
		t.Errorf("PostgreSQL's log carries secrets:\n%s", strings.Join(hits, "\n"))
	}
}

// The bound statements behave as bun's on both dialects, inside a transaction too.
func TestBoundStatements(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		failSecretStatements(t, store)
		failMeetingStatements(t, store)
		got, err := store.BoundInTx(context.Background(), "tx-1", "https://tx.example/bigbluebutton/api", "old-secret", "new-secret")
		if err != nil || got != "new-secret" {
			t.Fatalf("in a transaction: %q %v", got, err)
		}
	})
}

// failSecretStatements stores servers and tenants with secrets, then sends statements with new
// secrets that fail on a unique index, and checks what is stored. It returns every secret used.
func failSecretStatements(t *testing.T, store *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	const url1, url2 = "https://bbb1.example/bigbluebutton/api", "https://bbb2.example/bigbluebutton/api"
	used := []string{"srv-secret-a1f3", "srv-secret-b7c2", "srv-secret-c9d4", "srv-secret-d2e8",
		"tenant-secret-e5f1", "lrs-pw-f8a2", "kc-secret-a3b9", "kc-pw-b6c4", "tenant-secret-c1d7", "lrs-pw-d4e2"}
	s1 := &scalelite.Server{ID: "s1", URL: url1, Secret: used[0], State: scalelite.ServerEnabled}
	if err := store.CreateServer(ctx, s1); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateServer(ctx, &scalelite.Server{ID: "s2", URL: url2, Secret: used[1]}); err != nil {
		t.Fatal(err)
	}
	err := store.CreateServer(ctx, &scalelite.Server{ID: "s3", URL: url1, Secret: used[2]})
	if !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("duplicate URL: %v, want ECONFLICT", err)
	}
	u := url2
	sec := used[3]
	if _, err := store.UpdateServer(ctx, "s1", scalelite.ServerUpdate{URL: &u, Secret: &sec}); !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("update to a taken URL: %v, want ECONFLICT", err)
	}
	if _, err := store.UpdateServer(ctx, "nope", scalelite.ServerUpdate{Secret: &sec}); !scalelite.IsNotFound(err) {
		t.Fatalf("update of an unknown server: %v, want ENOTFOUND", err)
	}
	tag, newSecret := "!edu", "srv-secret-rotated"
	got, err := store.UpdateServer(ctx, "s1", scalelite.ServerUpdate{Secret: &newSecret, Tag: &tag})
	if err != nil || got.Secret != newSecret || got.Tag != tag || got.URL != url1 || got.State != scalelite.ServerEnabled {
		t.Fatalf("update: %+v %v", got, err)
	}
	if s, err := store.Server(ctx, "s2"); err != nil || s.Secret != used[1] || s.LoadMultiplier != 1 || !s.LastPolledAt.IsZero() {
		t.Fatalf("stored server: %+v %v", s, err)
	}

	t1 := &scalelite.Tenant{Name: "t1", Secrets: []string{used[4]}, LRSPassword: used[5], KCClientSecret: used[6], KCPassword: used[7]}
	if err := store.CreateTenant(ctx, t1); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateTenant(ctx, &scalelite.Tenant{Name: "t2"}); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateTenant(ctx, &scalelite.Tenant{Name: "t1", Secrets: []string{used[8]}, LRSPassword: used[9]}); !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("duplicate tenant: %v, want ECONFLICT", err)
	}
	name, pw := "t2", "lrs-pw-e7f5"
	used = append(used, pw)
	if _, err := store.UpdateTenant(ctx, t1.ID, scalelite.TenantUpdate{Name: &name, LRSPassword: &pw}); !(scalelite.ErrorCode(err) == scalelite.ECONFLICT) {
		t.Fatalf("rename to a taken name: %v, want ECONFLICT", err)
	}
	stored, err := store.Tenant(ctx, t1.ID)
	if err != nil || stored.Name != "t1" || strings.Join(stored.Secrets, ",") != used[4] || stored.LRSPassword != used[5] ||
		stored.KCClientSecret != used[6] || stored.KCPassword != used[7] {
		t.Fatalf("stored tenant: %+v %v", stored, err)
	}
	kc := "kc-pw-rotated"
	upd, err := store.UpdateTenant(ctx, t1.ID, scalelite.TenantUpdate{KCPassword: &kc, Secrets: []string{"a", "b"}})
	if err != nil || upd.KCPassword != kc || strings.Join(upd.Secrets, ",") != "a,b" || upd.LRSPassword != used[5] {
		t.Fatalf("update tenant: %+v %v", upd, err)
	}
	if _, err := store.UpdateTenant(ctx, "nope", scalelite.TenantUpdate{KCPassword: &kc}); !scalelite.IsNotFound(err) {
		t.Fatalf("update of an unknown tenant: %v, want ENOTFOUND", err)
	}
	return used
}

// failMeetingStatements places meetings whose passwords and create parameters are secrets, then
// makes the placement's INSERT (a check constraint), a re-home's UPDATE and an import's INSERT
// (a voice bridge in use) fail with other secrets, and checks what is stored. It returns every
// secret used.
func failMeetingStatements(t *testing.T, store *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	used := []string{"mtg-mod-pw-a8c1", "mtg-att-pw-b2d9", "mtg-mod-pw-c4e6", "mtg-mod-pw-d7f3", "mtg-mod-pw-e1a5"}
	scalelitetest.CreateServers(t, store, "m-a", "m-b")
	req := scalelitetest.WithCreateSpec(scalelitetest.PlaceRequest("room", ""), nil)
	req.Meeting.ModeratorPW, req.Meeting.AttendeePW = used[0], used[1]
	res, err := store.PlaceMeeting(ctx, req)
	if err != nil || res.Meeting.ModeratorPW != used[0] || !strings.Contains(res.Meeting.CreateQuery, "moderatorPW="+used[0]) {
		t.Fatalf("place: %+v %v", res.Meeting, err)
	}
	// A trigger refuses it (a CHECK constraint would not do: PostgreSQL's DETAIL line of a check
	// or not-null violation prints the failing row whatever the statement; see security.md).
	poison := []string{"CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN IF NEW.meeting_id = 'poison' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END$$",
		"CREATE TRIGGER poison BEFORE INSERT ON meetings FOR EACH ROW EXECUTE FUNCTION poison()"}
	if store.Dialect() == db.SQLite {
		poison = []string{"CREATE TRIGGER poison BEFORE INSERT ON meetings WHEN NEW.meeting_id = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned'); END"}
	}
	for _, stmt := range poison {
		if err := store.ExecSQL(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	bad := scalelitetest.WithCreateSpec(scalelitetest.PlaceRequest("poison", ""), nil)
	bad.Meeting.ModeratorPW = used[2]
	if _, err := store.PlaceMeeting(ctx, bad); err == nil {
		t.Fatal("placement of the poisoned meeting succeeded")
	}
	// An import on a voice bridge in use fails on its unique index.
	err = store.ImportMeeting(ctx, &scalelite.Meeting{MeetingID: "imported", ServerID: "m-a", ModeratorPW: used[3],
		VoiceBridge: res.Meeting.VoiceBridge}, false)
	if scalelite.ErrorCode(err) != scalelite.ECONFLICT {
		t.Fatalf("import on a voice bridge in use: %v, want ECONFLICT", err)
	}
	if err := store.UpdateCreateParams(ctx, res.Meeting.ID, "meetingID=room&moderatorPW="+used[4], nil); err != nil {
		t.Fatal(err)
	}
	if m, err := store.Meeting(ctx, "room"); err != nil || m.CreateQuery != "meetingID=room&moderatorPW="+used[4] || m.AttendeePW != used[1] {
		t.Fatalf("stored meeting: %+v %v", m, err)
	}
	return used
}
