package main

import (
	"archive/tar"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/scalelite-go/scalelite/bbbfacade"
	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/recordings"
)

const recordingsUsage = `usage: scalelite-bench recordings --db postgres://... [flags]

Seeds recordings (metadata and two playback formats each, one thumbnail) into an empty
PostgreSQL database with COPY, then times getRecordings through the facade (in process, real
handler and store) by meetingID, by recordID prefix, by a meta filter and for a page of 100 of
everything, and the importer's throughput on small two-format archives.

  --db DSN          an empty PostgreSQL database (required; it is filled)
  --count N         recordings to seed (1000000)
  --seeded          the database was seeded by an earlier run with the same --count: skip
                    seeding (the import run's recordings from that run are imported again)
  --queries N       requests per query kind (300)
  --archives N      archives for the import run (300)
  --workers N       importer workers (4)
`

func recordingsBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("recordings", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), recordingsUsage) }
	dsn := fs.String("db", "", "")
	count := fs.Int("count", 1_000_000, "")
	queries := fs.Int("queries", 300, "")
	archives := fs.Int("archives", 300, "")
	workers := fs.Int("workers", 4, "")
	seeded := fs.Bool("seeded", false, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(*dsn, "postgres") {
		return fmt.Errorf("--db must be a PostgreSQL URL\n%s", recordingsUsage)
	}
	logger := slog.New(slog.DiscardHandler)
	store, err := db.Open(ctx, *dsn, logger)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Migrate(ctx, "up"); err != nil {
		return err
	}
	if *seeded {
		fmt.Fprintf(stdout, "reusing the %d seeded recordings\n", *count)
	} else {
		start := time.Now()
		if err := seedRecordings(ctx, *dsn, *count); err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		fmt.Fprintf(stdout, "seeded %d recordings (2 formats, 2 metadata, 1 thumbnail each) in %s (VACUUM ANALYZE included)\n",
			*count, time.Since(start).Round(time.Second))
	}

	base, err := os.MkdirTemp("", "scalelite-bench-rec")
	if err != nil {
		return err
	}
	defer os.RemoveAll(base)
	files := recordings.NewFiles(filepath.Join(base, "published"), filepath.Join(base, "unpublished"))
	svc := recordings.NewService(recordings.ServiceDeps{Store: store, Files: files})
	gin.SetMode(gin.ReleaseMode)
	meetingSvc, closeClient, err := newMeetingService(store, bbb.DefaultTimeouts)
	if err != nil {
		return err
	}
	defer closeClient()
	h, err := bbbfacade.New(bbbfacade.Config{Secrets: []string{benchSecret}}, bbbfacade.Deps{Store: store, Meetings: meetingSvc, Logger: logger, Recordings: svc})
	if err != nil {
		return err
	}
	engine := gin.New()
	h.Register(engine)

	meetings := max(*count/10, 1)
	kinds := []struct {
		name  string
		query func(i int) string
	}{
		{"by meetingID (10 recordings)", func(i int) string { return "meetingID=meeting-" + fmt.Sprint(rand.IntN(meetings)) }},
		{"by recordID prefix (40 chars, 10 recordings)", func(i int) string { return "recordID=" + benchRecordID(rand.IntN(*count))[:40] }},
		{"by meta filter + meetingID", func(i int) string {
			return "meetingID=meeting-" + fmt.Sprint(rand.IntN(meetings)) + "&meta_course=c" + fmt.Sprint(rand.IntN(100))
		}},
		{"meta filter alone, page of 100", func(i int) string { return "meta_course=c" + fmt.Sprint(rand.IntN(100)) + "&limit=100" }},
		{"page of 100 of everything", func(i int) string { return "offset=" + fmt.Sprint(rand.IntN(1000)*100) + "&limit=100" }},
	}
	fmt.Fprintf(stdout, "\ngetRecordings through the facade (%d requests each, sequential)\n", *queries)
	fmt.Fprintf(stdout, "%-46s %10s %10s %10s %8s\n", "query", "p50", "p99", "max", "results")
	for _, k := range kinds {
		var lat []time.Duration
		results := 0
		for i := 0; i < *queries && ctx.Err() == nil; i++ {
			q := k.query(i)
			u := bbbfacade.APIPath + "/getRecordings?" + q + "&checksum=" + bbb.Checksum(bbb.SHA256, "getRecordings", q, benchSecret)
			req := httptest.NewRequest(http.MethodGet, u, nil)
			w := httptest.NewRecorder()
			t0 := time.Now()
			engine.ServeHTTP(w, req)
			lat = append(lat, time.Since(t0))
			if !strings.Contains(w.Body.String(), "<returncode>SUCCESS</returncode>") {
				return fmt.Errorf("%s: %s", q, w.Body.String())
			}
			results += strings.Count(w.Body.String(), "<recordID>")
		}
		slices.Sort(lat)
		fmt.Fprintf(stdout, "%-46s %10s %10s %10s %8.1f\n", k.name, pct(lat, 50), pct(lat, 99), lat[len(lat)-1].Round(time.Microsecond), float64(results)/float64(len(lat)))
	}
	return importBench(ctx, store, base, *archives, *workers, stdout)
}

func pct(d []time.Duration, p int) time.Duration {
	return d[min(len(d)-1, len(d)*p/100)].Round(time.Microsecond)
}

func benchRecordID(i int) string {
	return fmt.Sprintf("%040x-%d", 0xbe0000000+i/10, 1600000000000+int64(i))
}

// seedRecordings fills the recording tables of a fresh database with COPY; row ids are assigned
// in order (1..n for recordings, 2i+1 and 2i+2 for formats). It ends with VACUUM ANALYZE, as
// autovacuum would some time later: the statistics, and the visibility map that lets the page and
// count queries read indexes alone (index-only scans).
func seedRecordings(ctx context.Context, dsn string, n int) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var existing int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM recordings").Scan(&existing); err != nil {
		return err
	}
	if existing != 0 {
		return fmt.Errorf("the database already has %d recordings; use an empty one", existing)
	}
	now := time.Now()
	const batch = 100_000
	for lo := 0; lo < n; lo += batch {
		hi := min(lo+batch, n)
		rows := func(fn func(i int) []any) pgx.CopyFromSource {
			i := lo - 1
			return pgx.CopyFromFunc(func() ([]any, error) {
				i++
				if i >= hi {
					return nil, nil
				}
				return fn(i), nil
			})
		}
		_, err := conn.CopyFrom(ctx, pgx.Identifier{"recordings"},
			[]string{"id", "record_id", "meeting_id", "name", "state", "published", "participants", "starttime", "endtime", "created_at", "updated_at"},
			rows(func(i int) []any {
				st := time.UnixMilli(1600000000000 + int64(i)*60000)
				return []any{int64(i + 1), benchRecordID(i), fmt.Sprintf("meeting-%d", i/10), "Room", "published", true, int32(5), st, st.Add(time.Hour), now, now}
			}))
		if err != nil {
			return fmt.Errorf("recordings: %w", err)
		}
		for k := 0; k < 2; k++ {
			_, err = conn.CopyFrom(ctx, pgx.Identifier{"metadata"}, []string{"recording_id", "key", "value"},
				rows(func(i int) []any {
					if k == 0 {
						return []any{int64(i + 1), "course", fmt.Sprintf("c%d", i%100)}
					}
					return []any{int64(i + 1), "bbb-origin", "greenlight"}
				}))
			if err != nil {
				return fmt.Errorf("metadata: %w", err)
			}
			_, err = conn.CopyFrom(ctx, pgx.Identifier{"playback_formats"}, []string{"id", "recording_id", "format", "url", "length"},
				rows(func(i int) []any {
					if k == 0 {
						return []any{int64(2*i + 1), int64(i + 1), "presentation", "/playback/presentation/2.3/" + benchRecordID(i), int32(60)}
					}
					return []any{int64(2*i + 2), int64(i + 1), "podcast", "/podcast/" + benchRecordID(i) + "/audio.ogg", int32(60)}
				}))
			if err != nil {
				return fmt.Errorf("formats: %w", err)
			}
		}
		_, err = conn.CopyFrom(ctx, pgx.Identifier{"thumbnails"}, []string{"playback_format_id", "width", "height", "alt", "url", "sequence"},
			rows(func(i int) []any {
				return []any{int64(2*i + 1), int32(176), int32(136), "Welcome", "/presentation/" + benchRecordID(i) + "/thumb-1.png", int32(0)}
			}))
		if err != nil {
			return fmt.Errorf("thumbnails: %w", err)
		}
	}
	for _, stmt := range []string{
		"SELECT setval(pg_get_serial_sequence('recordings', 'id'), (SELECT max(id) FROM recordings))",
		"SELECT setval(pg_get_serial_sequence('playback_formats', 'id'), (SELECT max(id) FROM playback_formats))",
		"VACUUM ANALYZE recordings", "VACUUM ANALYZE metadata", "VACUUM ANALYZE playback_formats", "VACUUM ANALYZE thumbnails",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, err)
		}
	}
	return nil
}

// importBench spools small two-format archives and times the importer (with fsync) until all
// are indexed.
func importBench(ctx context.Context, store *db.DB, base string, n, workers int, stdout io.Writer) error {
	cfg := recordings.Config{SpoolDir: filepath.Join(base, "spool"), WorkDir: filepath.Join(base, "work"),
		PublishDir: filepath.Join(base, "published"), UnpublishDir: filepath.Join(base, "unpublished"),
		PollInterval: time.Hour, Workers: workers}
	os.MkdirAll(cfg.SpoolDir, 0o755)
	old := time.Now().Add(-time.Minute)
	for i := range n {
		id := fmt.Sprintf("%040x-%d", 0xaa0000000+i, 1750000000000+int64(i))
		p := filepath.Join(cfg.SpoolDir, id+".tar")
		if err := os.WriteFile(p, smallArchive(id), 0o644); err != nil {
			return err
		}
		os.Chtimes(p, old, old)
	}
	im := recordings.NewImporter(cfg, recordings.ImporterDeps{Store: store})
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	t0 := time.Now()
	done := make(chan error, 1)
	go func() { done <- im.Run(runCtx) }()
	for ctx.Err() == nil {
		left, _ := filepath.Glob(filepath.Join(cfg.SpoolDir, "*.tar"))
		claimed, _ := filepath.Glob(filepath.Join(cfg.SpoolDir, ".importing", "*.tar"))
		if len(left) == 0 && len(claimed) == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(t0)
	cancel()
	<-done
	_, total, err := store.Recordings(ctx, scalelite.RecordingFilter{MeetingIDs: []string{"import-bench"}})
	if err != nil {
		return err
	}
	failed, _ := filepath.Glob(filepath.Join(cfg.SpoolDir, "failed", "*.reason"))
	fmt.Fprintf(stdout, "\nimport: %d archives (2 formats, 5 files each) with %d workers in %s: %.1f archives/s (%d indexed, %d failed)\n",
		n, workers, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), total, len(failed))
	return nil
}

func smallArchive(id string) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range []string{"presentation", "podcast"} {
		meta := fmt.Sprintf(`<recording><id>%s</id><state>published</state><published>true</published><start_time>1750000000000</start_time>
<end_time>1750003600000</end_time><participants>4</participants><meta><meetingId>import-bench</meetingId><meetingName>Bench</meetingName><course>c1</course></meta>
<playback><format>%s</format><link>https://bbb/playback/%s/2.3/%s</link><duration>3600000</duration>
<extensions><preview><images><image width="176" height="136" alt="a">https://bbb/%s/%s/thumb-1.png</image></images></preview></extensions></playback></recording>`, id, f, f, id, f, id)
		files := map[string]string{"metadata.xml": meta, "index.html": "<html/>", "data.json": "{}"}
		if f == "presentation" {
			files["shapes.svg"] = "<svg/>"
			files["video/webcams.webm"] = strings.Repeat("w", 16<<10)
		}
		for name, body := range files {
			tw.WriteHeader(&tar.Header{Name: f + "/" + id + "/" + name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	return buf.Bytes()
}
