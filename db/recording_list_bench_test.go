package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/sqliteshim"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// BenchmarkRecordingsSQLite times Recordings on SQLite over a seeded index shaped like the
// scalelite-bench recordings scenario (10 recordings per meeting, 2 metadata rows, 2 formats and 1
// thumbnail each): getRecordings' filters, with the facade's default states. The number of
// recordings is SCALELITE_BENCH_RECORDINGS (200000 by default). PostgreSQL is measured by
// `scalelite-bench recordings` (docs/benchmarks.md).
func BenchmarkRecordingsSQLite(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("SCALELITE_BENCH_RECORDINGS")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	store, err := db.Open(ctx, "sqlite:"+path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(ctx, "up"); err != nil {
		b.Fatal(err)
	}
	if err := seedSQLiteRecordings(path, n); err != nil {
		b.Fatal(err)
	}
	meetings := max(n/10, 1)
	visible := []string{scalelite.RecordingPublished, scalelite.RecordingUnpublished}
	kinds := []struct {
		name   string
		filter func() scalelite.RecordingFilter
	}{
		{"meetingID", func() scalelite.RecordingFilter {
			return scalelite.RecordingFilter{MeetingIDs: []string{fmt.Sprintf("meeting-%d", rand.IntN(meetings))}, States: visible}
		}},
		{"prefix", func() scalelite.RecordingFilter {
			return scalelite.RecordingFilter{RecordIDPrefixes: []string{benchRecordID(rand.IntN(n))[:40]}, States: visible}
		}},
		{"meta+meetingID", func() scalelite.RecordingFilter {
			return scalelite.RecordingFilter{MeetingIDs: []string{fmt.Sprintf("meeting-%d", rand.IntN(meetings))},
				Meta: map[string][]string{"course": {fmt.Sprintf("c%d", rand.IntN(100))}}, States: visible}
		}},
		{"meta page of 100", func() scalelite.RecordingFilter {
			return scalelite.RecordingFilter{Meta: map[string][]string{"course": {fmt.Sprintf("c%d", rand.IntN(100))}}, States: visible, Limit: 100}
		}},
		{"everything page of 100", func() scalelite.RecordingFilter {
			return scalelite.RecordingFilter{States: visible, Offset: rand.IntN(max(n/1000, 1)) * 100, Limit: 100}
		}},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := store.Recordings(ctx, k.filter()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchRecordID(i int) string {
	return fmt.Sprintf("%040x-%d", 0xbe0000000+i/10, 1600000000000+int64(i))
}

// seedSQLiteRecordings inserts n recordings with their children in one transaction, then
// ANALYZEs.
func seedSQLiteRecordings(path string, n int) error {
	conn, err := sql.Open(sqliteshim.ShimName, path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(30000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmts := map[string]string{
		"rec":   "INSERT INTO recordings (id, record_id, meeting_id, name, state, published, participants, starttime, endtime, created_at, updated_at) VALUES (?, ?, ?, 'Room', 'published', 1, 5, ?, ?, ?, ?)",
		"meta":  "INSERT INTO metadata (recording_id, key, value) VALUES (?, ?, ?)",
		"pf":    "INSERT INTO playback_formats (id, recording_id, format, url, length) VALUES (?, ?, ?, ?, 60)",
		"thumb": "INSERT INTO thumbnails (playback_format_id, width, height, alt, url, sequence) VALUES (?, 176, 136, 'Welcome', ?, 0)",
	}
	prep := map[string]*sql.Stmt{}
	for k, q := range stmts {
		if prep[k], err = tx.Prepare(q); err != nil {
			return err
		}
	}
	now := time.Now().UTC().Format("2006-01-02 15:04:05.999999-07:00")
	for i := range n {
		id := benchRecordID(i)
		st := time.UnixMilli(1600000000000 + int64(i)*60000).UTC()
		ts := func(t time.Time) string { return t.Format("2006-01-02 15:04:05.999999-07:00") }
		if _, err := prep["rec"].Exec(i+1, id, fmt.Sprintf("meeting-%d", i/10), ts(st), ts(st.Add(time.Hour)), now, now); err != nil {
			return err
		}
		if _, err := prep["meta"].Exec(i+1, "course", fmt.Sprintf("c%d", i%100)); err != nil {
			return err
		}
		if _, err := prep["meta"].Exec(i+1, "bbb-origin", "greenlight"); err != nil {
			return err
		}
		if _, err := prep["pf"].Exec(2*i+1, i+1, "presentation", "/playback/presentation/2.3/"+id); err != nil {
			return err
		}
		if _, err := prep["pf"].Exec(2*i+2, i+1, "podcast", "/podcast/"+id+"/audio.ogg"); err != nil {
			return err
		}
		if _, err := prep["thumb"].Exec(2*i+1, "/presentation/"+id+"/thumb-1.png"); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = conn.Exec("ANALYZE")
	return err
}
