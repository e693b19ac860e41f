package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// stateFilters are the filters whose paged totals come from recording_state_counts.
var stateFilters = []scalelite.RecordingFilter{
	{},
	{States: []string{scalelite.RecordingPublished}},
	{States: []string{scalelite.RecordingPublished, scalelite.RecordingUnpublished}},
	{States: []string{scalelite.RecordingDeleted}},
	{States: []string{scalelite.RecordingProcessing, scalelite.RecordingProcessing}},
	{States: []string{"no-such-state"}},
}

// checkStateTotals compares the paged total of every state filter with the length of the
// unpaged list (which is not counted).
func checkStateTotals(t *testing.T, store *db.DB, step string) {
	t.Helper()
	ctx := context.Background()
	for _, f := range stateFilters {
		all, _, err := store.Recordings(ctx, f)
		if err != nil {
			t.Fatalf("%s: Recordings(%v): %v", step, f.States, err)
		}
		f.Limit = 1
		_, total, err := store.Recordings(ctx, f)
		if err != nil {
			t.Fatalf("%s: Recordings(%v, limit 1): %v", step, f.States, err)
		}
		if total != len(all) {
			t.Errorf("%s: states %v: paged total = %d, want %d", step, f.States, total, len(all))
		}
	}
}

func TestRecordingTotalsFollowStateChanges(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		for i := range 12 {
			r := scalelitetest.NewRecording(fmt.Sprintf("rec-%02d", i), "m", ptr(start.Add(time.Duration(i)*time.Minute)))
			if i%3 == 0 {
				r.State, r.Published = scalelite.RecordingProcessing, false
			}
			if _, err := store.UpsertRecording(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		checkStateTotals(t, store, "inserted")

		// Re-imports: same state (no change), then processing -> published.
		for i := 0; i < 12; i += 3 {
			r := scalelitetest.NewRecording(fmt.Sprintf("rec-%02d", i), "m", ptr(start.Add(time.Duration(i)*time.Minute)))
			r.State, r.Published = scalelite.RecordingProcessing, false
			if _, err := store.UpsertRecording(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		checkStateTotals(t, store, "re-imported unchanged")
		for i := 0; i < 6; i += 3 {
			r := scalelitetest.NewRecording(fmt.Sprintf("rec-%02d", i), "m", ptr(start.Add(time.Duration(i)*time.Minute)))
			if _, err := store.UpsertRecording(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		checkStateTotals(t, store, "re-imported processed")

		if err := store.SetPublished(ctx, "rec-01", false); err != nil {
			t.Fatal(err)
		}
		if err := store.SetPublished(ctx, "rec-02", true); err != nil { // unchanged state
			t.Fatal(err)
		}
		checkStateTotals(t, store, "unpublished")
		for _, id := range []string{"rec-04", "rec-09"} {
			if err := store.MarkDeleted(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		checkStateTotals(t, store, "deleted")
		if err := store.UpdateMetadata(ctx, []string{"rec-05", "rec-06"}, map[string]string{"course": "x"}); err != nil {
			t.Fatal(err)
		}
		checkStateTotals(t, store, "metadata updated")

		_, total, err := store.Recordings(ctx, scalelite.RecordingFilter{Offset: 10})
		if err != nil || total != 10 {
			t.Errorf("offset 10: total = %d, %v; want 10", total, err)
		}
	})
}

// TestRecordingTotalsConcurrentWriters writes from several connections while paged reads fold
// the PostgreSQL change log, then checks the totals and that the log was folded.
func TestRecordingTotalsConcurrentWriters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := dbtest.PostgresDSN(t)
	store, err := db.Open(ctx, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx, "up"); err != nil {
		t.Fatal(err)
	}
	const writers, each = 6, 30
	var wg sync.WaitGroup
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, _, err := store.Recordings(ctx, scalelite.RecordingFilter{Limit: 1}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("w%d-%02d", w, i)
				if _, err := store.UpsertRecording(ctx, scalelitetest.NewRecording(id, "m", nil)); err != nil {
					t.Error(err)
					return
				}
				if i%2 == 0 {
					if err := store.SetPublished(ctx, id, false); err != nil {
						t.Error(err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	<-readerDone
	checkStateTotals(t, store, "after concurrent writers")

	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	raw := stdlib.OpenDB(*cfg)
	defer raw.Close()
	var rows int
	if err := raw.QueryRowContext(ctx, "SELECT count(*) FROM recording_state_counts").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	// Each writer added 30 inserts and 15 state changes (two rows each): 360 change rows
	// without folding.
	if rows > 200 {
		t.Errorf("recording_state_counts has %d rows; the log was not folded", rows)
	}
	var published, unpublished sql.NullInt64
	err = raw.QueryRowContext(ctx, `SELECT sum(n) FILTER (WHERE state = 'published'), sum(n) FILTER (WHERE state = 'unpublished')
FROM recording_state_counts`).Scan(&published, &unpublished)
	if err != nil {
		t.Fatal(err)
	}
	if published.Int64 != writers*each/2 || unpublished.Int64 != writers*each/2 {
		t.Errorf("counts published %d, unpublished %d; want %d each", published.Int64, unpublished.Int64, writers*each/2)
	}
}

// TestRecordingChildrenBothDialects checks the children of a listed page (JSON on PostgreSQL,
// batched queries on SQLite): formats by name, thumbnails by sequence, empty collections.
func TestRecordingChildrenBothDialects(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		r := scalelitetest.NewRecording("kids", "m", nil)
		r.Metadata["quote"] = `a "b" <c> & é`
		r.Formats = append([]scalelite.PlaybackFormat{{Format: "video", URL: "/v?x=1&y=2", Length: 7, ProcessingTime: ptr(42)}}, r.Formats...)
		r.Formats[1].Thumbnails[0].Sequence, r.Formats[1].Thumbnails[1].Sequence = 5, 2
		if _, err := store.UpsertRecording(ctx, r); err != nil {
			t.Fatal(err)
		}
		bare := scalelitetest.NewRecording("bare", "m", nil)
		bare.Metadata, bare.Formats = nil, nil
		if _, err := store.UpsertRecording(ctx, bare); err != nil {
			t.Fatal(err)
		}
		list, total, err := store.Recordings(ctx, scalelite.RecordingFilter{MeetingIDs: []string{"m"}, Limit: 10})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("Recordings = %d recordings, total %d, %v", len(list), total, err)
		}
		got := list[1]
		if list[0].RecordID == "kids" {
			got = list[0]
		}
		if got.Metadata["quote"] != r.Metadata["quote"] || got.Metadata["bbb-origin"] != "greenlight" || len(got.Metadata) != 2 {
			t.Errorf("metadata = %v", got.Metadata)
		}
		if len(got.Formats) != 2 || got.Formats[0].Format != "presentation" || got.Formats[1].Format != "video" {
			t.Fatalf("formats = %+v", got.Formats)
		}
		if th := got.Formats[0].Thumbnails; len(th) != 2 || th[0].Sequence != 2 || th[0].Alt != "slide 2" || th[1].URL != "/presentation/kids/1.png" {
			t.Errorf("thumbnails = %+v", th)
		}
		if v := got.Formats[1]; v.URL != "/v?x=1&y=2" || v.Length != 7 || v.ProcessingTime == nil || *v.ProcessingTime != 42 || v.Thumbnails != nil {
			t.Errorf("video format = %+v", v)
		}
		if got.Formats[0].ProcessingTime != nil {
			t.Errorf("presentation processing time = %v, want nil", *got.Formats[0].ProcessingTime)
		}
		for _, rec := range list {
			if rec.RecordID == "bare" && (rec.Metadata == nil || len(rec.Metadata) != 0 || rec.Formats == nil || len(rec.Formats) != 0) {
				t.Errorf("bare recording: metadata %#v, formats %#v; want empty, not nil", rec.Metadata, rec.Formats)
			}
		}
	})
}

func ptr[T any](v T) *T { return &v }
