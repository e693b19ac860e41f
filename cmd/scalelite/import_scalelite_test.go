package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/redis/rueidis"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// scaleliteDeployment is a running Scalelite's data: its PostgreSQL database and its Redis keys
// under a namespace of the test's own.
type scaleliteDeployment struct {
	dsn, redisURL, ns string
	redis             rueidis.Client
	pg                *sql.DB
}

const scaleliteRecordings = 1200

func newScaleliteDeployment(t *testing.T) *scaleliteDeployment {
	t.Helper()
	d := &scaleliteDeployment{dsn: dbtest.PostgresDSN(t), redisURL: testRedisURL(t), ns: redisNamespace()}
	dbtest.Exec(t, d.dsn, append(slices.Clone(scalelitetest.ScaleliteSchema), scalelitetest.ScaleliteRecordings(scaleliteRecordings)...)...)
	cfg, err := pgx.ParseConfig(d.dsn)
	if err != nil {
		t.Fatal(err)
	}
	d.pg = stdlib.OpenDB(*cfg)
	t.Cleanup(func() { d.pg.Close() })
	opt, err := rueidis.ParseURL(d.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	opt.DisableCache = true
	if d.redis, err = rueidis.NewClient(opt); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for k := range d.redisSnapshot(t) {
			d.redis.Do(context.Background(), d.redis.B().Del().Key(k).Build())
		}
		d.redis.Close()
	})
	for _, c := range scalelitetest.ScaleliteRedis(d.ns) {
		if err := d.redis.Do(context.Background(), d.redis.B().Arbitrary(c[0]).Keys(c[1]).Args(c[2:]...).Build()).Error(); err != nil {
			t.Fatalf("%v: %v", c, err)
		}
	}
	return d
}

// redisSnapshot returns DUMP of every key under the namespace.
func (d *scaleliteDeployment) redisSnapshot(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	cursor := uint64(0)
	for {
		e, err := d.redis.Do(ctx, d.redis.B().Scan().Cursor(cursor).Match(d.ns+":*").Count(1000).Build()).AsScanEntry()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range e.Elements {
			v, err := d.redis.Do(ctx, d.redis.B().Dump().Key(k).Build()).ToString()
			if err != nil {
				t.Fatal(err)
			}
			out[k] = v
		}
		if cursor = e.Cursor; cursor == 0 {
			return out
		}
	}
}

// pgSnapshot returns the text of every row of every table, the relations and the sequences.
func (d *scaleliteDeployment) pgSnapshot(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	rows, err := d.pg.Query(`SELECT relname, relkind FROM pg_class JOIN pg_namespace ON pg_namespace.oid = relnamespace
WHERE nspname = current_schema() ORDER BY relname`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name, kind string
		if err := rows.Scan(&name, &kind); err != nil {
			t.Fatal(err)
		}
		out["relation "+name] = kind
		if kind == "r" {
			tables = append(tables, name)
		}
	}
	rows.Close()
	for _, tbl := range tables {
		var text string
		if err := d.pg.QueryRow(fmt.Sprintf(`SELECT coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '') FROM %q AS t`, tbl)).Scan(&text); err != nil {
			t.Fatal(err)
		}
		out["table "+tbl] = text
	}
	for _, seq := range []string{"recordings_id_seq", "metadata_id_seq", "playback_formats_id_seq", "thumbnails_id_seq", "callback_data_id_seq"} {
		var v string
		if err := d.pg.QueryRow("SELECT last_value::text || is_called::text FROM " + seq).Scan(&v); err != nil {
			t.Fatal(err)
		}
		out["sequence "+seq] = v
	}
	return out
}

func (d *scaleliteDeployment) count(t *testing.T, query string) int {
	t.Helper()
	var n int
	if err := d.pg.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func (d *scaleliteDeployment) args(extra ...string) []string {
	return append([]string{"import-scalelite", "--redis", d.redisURL, "--redis-namespace", d.ns, "--database", d.dsn}, extra...)
}

// importSummary is the --json output.
type importSummary struct {
	DryRun  bool `json:"dryRun"`
	Changed int  `json:"changed"`
	Kinds   []struct {
		Kind                                                        string
		Found, Imported, Unchanged, Overwritten, Conflicts, Skipped int
		Notes                                                       []struct{ ID, Reason string }
	} `json:"kinds"`
}

// counts returns kind -> [found, imported, unchanged, overwritten, conflicts, skipped].
func (s importSummary) counts() map[string][6]int {
	out := map[string][6]int{}
	for _, k := range s.Kinds {
		out[k.Kind] = [6]int{k.Found, k.Imported, k.Unchanged, k.Overwritten, k.Conflicts, k.Skipped}
	}
	return out
}

func runImport(t *testing.T, env map[string]string, args ...string) importSummary {
	t.Helper()
	out, stderr, err := runCmd(t, env, append(args, "--json")...)
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, stderr)
	}
	var s importSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	return s
}

// TestImportScalelite builds a Scalelite deployment's data, imports it into PostgreSQL and into
// SQLite and checks it through the BBB API, GraphQL and the CLI.
func TestImportScalelite(t *testing.T) {
	src := newScaleliteDeployment(t)
	redisBefore, pgBefore := src.redisSnapshot(t), src.pgSnapshot(t)
	if len(redisBefore) < 29 {
		t.Fatalf("fixture wrote %d Redis keys", len(redisBefore))
	}
	eachDatabaseEnv(t, func(t *testing.T, env map[string]string) {
		env["ADMIN_API_KEY"] = "import-test-admin-key-0123456789"
		testImportInto(t, src, env)
	})
	// Scalelite's stores are only read.
	if after := src.redisSnapshot(t); !maps.Equal(after, redisBefore) {
		t.Errorf("Scalelite's Redis changed: %d keys before, %d after", len(redisBefore), len(after))
	}
	if after := src.pgSnapshot(t); !maps.Equal(after, pgBefore) {
		for k, v := range after {
			if pgBefore[k] != v {
				t.Errorf("Scalelite's database changed: %s", k)
			}
		}
		t.Errorf("Scalelite's database changed")
	}
	// Our own database given as Scalelite's: refused.
	ours := sqliteEnv(t)
	ours["DATABASE_URL"] = dbtest.PostgresDSN(t)
	if _, stderr, err := runCmd(t, ours, "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, stderr)
	}
	mustFail(t, ours, []string{"import-scalelite", "--database", ours["DATABASE_URL"]}, "is a database of this balancer, not Scalelite's")
	// Scalelite's own database under DATABASE_URL: a clear message, nothing created in it.
	mustFail(t, map[string]string{"DATABASE_URL": src.dsn, "LOADBALANCER_SECRET": "x"}, []string{"status"}, "holds Scalelite's own schema", "scalelite import-scalelite")
	if after := src.pgSnapshot(t); !maps.Equal(after, pgBefore) {
		t.Errorf("a command on Scalelite's database changed it")
	}
}

func testImportInto(t *testing.T, src *scaleliteDeployment, env map[string]string) {
	ctx := context.Background()
	// As the guide says: the balancer runs (or `migrate up` ran) before the import.
	if _, stderr, err := runCmd(t, env, "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, stderr)
	}
	// A dry run writes nothing and says what a run would do.
	dry := runImport(t, env, src.args("--dry-run")...)
	want := map[string][6]int{
		"servers":          {7, 7, 0, 0, 0, 0},
		"tenants":          {2, 2, 0, 0, 0, 0},
		"tenant settings":  {3, 3, 0, 0, 0, 0},
		"running meetings": {5, 4, 0, 0, 0, 1},
		"recordings":       {scaleliteRecordings, scaleliteRecordings, 0, 0, 0, 0},
		"callback data":    {301, 301, 0, 0, 0, 0},
	}
	if got := dry.counts(); !dry.DryRun || !maps.Equal(got, want) {
		t.Fatalf("dry run: %+v\nwant %v", got, want)
	}
	if n := targetRows(t, env); n != 0 {
		t.Fatalf("the dry run wrote %d rows", n)
	}

	// The import, with plain progress lines (stderr is not a terminal).
	out, stderr, err := runCmd(t, env, src.args()...)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("recordings: %d/%d (100%%)", scaleliteRecordings, scaleliteRecordings)) ||
		!strings.Contains(out, "running meetings") || !strings.Contains(out, "skipped running meetings expired-meeting: ended in Scalelite") {
		t.Errorf("import output:\n%s\nstderr:\n%s", out, stderr)
	}
	checkImported(t, src, env)

	// A second run changes nothing and says so.
	again := runImport(t, env, src.args()...)
	want = map[string][6]int{
		"servers":          {7, 0, 7, 0, 0, 0},
		"tenants":          {2, 0, 2, 0, 0, 0},
		"tenant settings":  {3, 0, 3, 0, 0, 0},
		"running meetings": {5, 0, 4, 0, 0, 1},
		"recordings":       {scaleliteRecordings, 0, scaleliteRecordings, 0, 0, 0},
		"callback data":    {301, 0, 301, 0, 0, 0},
	}
	if got := again.counts(); again.Changed != 0 || !maps.Equal(got, want) {
		t.Errorf("second run: changed %d, %v\nwant %v", again.Changed, got, want)
	}
	if out, _, _ := runCmd(t, env, src.args()...); !strings.Contains(out, "Nothing changed") {
		t.Errorf("third run does not say nothing changed:\n%s", out)
	}

	// Conflicts: ours changed since; reported and skipped, replaced with --overwrite.
	if _, stderr, err := runCmd(t, env, "servers", "update", "bbb-tagged", "--secret", "changed-here"); err != nil {
		t.Fatalf("servers update: %v\n%s", err, stderr)
	}
	rid := src.recordID(t, 6)
	withStore(t, env, func(store *db.DB) {
		if err := store.UpdateMetadata(ctx, []string{rid}, map[string]string{"gl-listed": "changed"}); err != nil {
			t.Fatal(err)
		}
	})
	conflicts := runImport(t, env, src.args()...)
	c := conflicts.counts()
	if c["servers"][4] != 1 || c["recordings"][4] != 1 || conflicts.Changed != 0 {
		t.Errorf("conflicts: %v", c)
	}
	var notes []string
	for _, k := range conflicts.Kinds {
		for _, n := range k.Notes {
			notes = append(notes, n.ID+": "+n.Reason)
		}
	}
	if !slices.Contains(notes, "bbb-tagged: differs from ours in secret") || !slices.Contains(notes, rid+": differs from ours in metadata") {
		t.Errorf("conflict notes: %q", notes)
	}
	if s := withStoreServer(t, env, "bbb-tagged"); s.Secret != "changed-here" {
		t.Errorf("a conflict was overwritten without --overwrite")
	}
	over := runImport(t, env, src.args("--overwrite")...)
	if c := over.counts(); c["servers"][3] != 1 || c["recordings"][3] != 1 || over.Changed != 2 {
		t.Errorf("--overwrite: %v", c)
	}
	if s := withStoreServer(t, env, "bbb-tagged"); s.Secret != scalelitetest.ScaleliteServerSecret("bbb-tagged") {
		t.Errorf("--overwrite left secret %q", s.Secret)
	}
	if again := runImport(t, env, src.args()...); again.Changed != 0 || again.counts()["recordings"][2] != scaleliteRecordings {
		t.Errorf("after --overwrite, a run still changes %d", again.Changed)
	}

	// One audit entry per run that could write (not for the dry run).
	withStore(t, env, func(store *db.DB) {
		entries, _, err := store.AuditEntries(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if e.Action == "importScalelite" {
				n++
				if strings.Contains(e.Arguments, "-secret") {
					t.Errorf("audit entry carries a secret: %s", e.Arguments)
				}
			}
		}
		if n != 6 {
			t.Errorf("%d import audit entries, want 6 (one per run)", n)
		}
	})

	checkThroughAPI(t, src, env)
}

func (d *scaleliteDeployment) recordID(t *testing.T, id int) string {
	t.Helper()
	var rid string
	if err := d.pg.QueryRow("SELECT record_id FROM recordings WHERE id = $1", id).Scan(&rid); err != nil {
		t.Fatal(err)
	}
	return rid
}

func withStore(t *testing.T, env map[string]string, fn func(store *db.DB)) {
	t.Helper()
	store, err := db.Open(context.Background(), env["DATABASE_URL"], slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	fn(store)
}

func withStoreServer(t *testing.T, env map[string]string, id string) *scalelite.Server {
	t.Helper()
	var s *scalelite.Server
	withStore(t, env, func(store *db.DB) {
		var err error
		if s, err = store.Server(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	})
	return s
}

// targetRows counts the servers, tenants, meetings, recordings, callback data and audit entries.
func targetRows(t *testing.T, env map[string]string) int {
	t.Helper()
	n := 0
	withStore(t, env, func(store *db.DB) {
		ctx := context.Background()
		servers, _ := store.Servers(ctx, scalelite.ServerFilter{})
		tenants, _ := store.Tenants(ctx)
		meetings, _ := store.Meetings(ctx, scalelite.MeetingFilter{IncludeEnded: true})
		recs, _, _ := store.Recordings(ctx, scalelite.RecordingFilter{States: scalelite.AllRecordingStates()})
		cbs, _ := store.ImportedCallbacks(ctx, []string{"running-plain", "meeting-1"})
		_, audit, _ := store.AuditEntries(ctx, 0, 1)
		n = len(servers) + len(tenants) + len(meetings) + len(recs) + len(cbs) + audit
	})
	return n
}

// checkImported compares what is ours with Scalelite's data.
func checkImported(t *testing.T, src *scaleliteDeployment, env map[string]string) {
	t.Helper()
	ctx := context.Background()
	withStore(t, env, func(store *db.DB) {
		servers, err := store.Servers(ctx, scalelite.ServerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, s := range servers {
			got[s.ID] = fmt.Sprintf("%s online=%v tag=%q x%v %s", s.State, s.Online, s.Tag, s.LoadMultiplier, s.URL)
		}
		wantServers := map[string]string{
			"bbb-enabled": "enabled online=true tag=\"\" x1", "bbb-tagged": "enabled online=true tag=\"eu\" x2.5",
			"bbb-cordoned": "cordoned online=true tag=\"\" x1", "bbb-disabled": "disabled online=false tag=\"\" x1",
			"bbb-offline": "enabled online=false tag=\"\" x1.5", "bbb-legacy": "enabled online=true tag=\"\" x1",
			"bbb-legacy-off": "disabled online=false tag=\"\" x1",
		}
		for id, w := range wantServers {
			if g := got[id]; g != w+" "+scalelitetest.ScaleliteServerURL(id) {
				t.Errorf("server %s: %q, want %q", id, g, w)
			}
		}
		if s, _ := store.Server(ctx, "bbb-enabled"); s.Load != 21 || s.Users != 31 || s.BBBVersion != "3.0.4" || s.Secret != "bbb-enabled-secret" {
			t.Errorf("bbb-enabled: %+v", s)
		}

		acme, err := store.Tenant(ctx, scalelitetest.ScaleliteTenantA)
		if err != nil || acme.Name != "acme" || !slices.Equal(acme.Secrets, []string{"acme-secret-1", "acme-secret-2", "acme-secret-3"}) ||
			acme.LRSEndpoint != "https://lrs.acme.example/xapi" || acme.LRSPassword != "lrs-pass" {
			t.Errorf("tenant acme: %+v %v", acme, err)
		}
		uni, err := store.Tenant(ctx, scalelitetest.ScaleliteTenantB)
		if err != nil || uni.KCTokenURL != "https://kc.uni.example/token" || uni.KCClientSecret != "kc-secret" {
			t.Errorf("tenant uni: %+v %v", uni, err)
		}
		settings, _ := store.TenantSettings(ctx, "")
		var list []string
		for _, s := range settings {
			list = append(list, fmt.Sprintf("%s %s=%s %v", s.ID[len(s.ID)-1:], s.Param, s.Value, s.Override))
		}
		if !slices.Equal(list, []string{"3 meta_server-tag=eu false", "2 record=false true", "1 welcome=Welcome to Acme false"}) {
			t.Errorf("settings %q", list)
		}

		meetings, _ := store.Meetings(ctx, scalelite.MeetingFilter{})
		list = nil
		for _, m := range meetings {
			list = append(list, fmt.Sprintf("%s@%s vb=%s pw=%s tenant=%s", m.MeetingID, m.ServerID, m.VoiceBridge, m.ModeratorPW, m.TenantID))
		}
		slices.Sort(list)
		if want := []string{
			"running-acme@bbb-tagged vb=722222222 pw=mp-running-acme tenant=" + scalelitetest.ScaleliteTenantA,
			"running-cordoned@bbb-cordoned vb=733333333 pw=mp-running-cordoned tenant=",
			"running-plain@bbb-enabled vb=711111111 pw=mp-running-plain tenant=",
			"running-uni@bbb-enabled vb=744444444 pw=mp-running-uni tenant=" + scalelitetest.ScaleliteTenantB,
		}; !slices.Equal(list, want) {
			t.Errorf("meetings %q\nwant %q", list, want)
		}

		// Recordings: every kind counted as Scalelite has it, every field of a sample as stored.
		recs, _, err := store.Recordings(ctx, scalelite.RecordingFilter{States: scalelite.AllRecordingStates()})
		if err != nil {
			t.Fatal(err)
		}
		byState := map[string]int{}
		var meta, formats, thumbs, protected, updated, noParticipants, noStart int
		for _, r := range recs {
			byState[r.State]++
			meta += len(r.Metadata)
			formats += len(r.Formats)
			for _, f := range r.Formats {
				thumbs += len(f.Thumbnails)
			}
			if r.Protected {
				protected++
			}
			if r.PublishUpdated {
				updated++
			}
			if r.Participants == nil {
				noParticipants++
			}
			if r.StartTime == nil {
				noStart++
			}
		}
		for state, q := range map[string]string{
			"": "state IS NULL", "processed": "state = 'processed'", "published": "state = 'published'",
			"unpublished": "state = 'unpublished'", "deleted": "state = 'deleted'",
		} {
			if w := src.count(t, "SELECT count(*) FROM recordings WHERE "+q); byState[state] != w || w == 0 {
				t.Errorf("%d recordings in state %q, Scalelite has %d", byState[state], state, w)
			}
		}
		for name, c := range map[string][2]any{
			"metadata":          {meta, "SELECT count(*) FROM metadata"},
			"formats":           {formats, "SELECT count(*) FROM playback_formats"},
			"thumbnails":        {thumbs, "SELECT count(*) FROM thumbnails"},
			"protected":         {protected, "SELECT count(*) FROM recordings WHERE protected"},
			"publish_updated":   {updated, "SELECT count(*) FROM recordings WHERE publish_updated"},
			"null participants": {noParticipants, "SELECT count(*) FROM recordings WHERE participants IS NULL"},
			"null start time":   {noStart, "SELECT count(*) FROM recordings WHERE starttime IS NULL"},
		} {
			if w := src.count(t, c[1].(string)); c[0].(int) != w {
				t.Errorf("%s: %d, Scalelite has %d", name, c[0], w)
			}
		}
		rid := src.recordID(t, 50)
		r, err := store.Recording(ctx, rid)
		if err != nil {
			t.Fatal(err)
		}
		var name, start string
		var participants int
		if err := src.pg.QueryRow("SELECT name, participants, to_char(starttime, 'YYYY-MM-DD HH24:MI:SS.US') FROM recordings WHERE id = 50").Scan(&name, &participants, &start); err != nil {
			t.Fatal(err)
		}
		if r.Name != name || *r.Participants != participants || r.StartTime.Format("2006-01-02 15:04:05.000000") != start ||
			r.State != "" || r.Published || r.Metadata["empty"] != "" || len(r.Formats) != 1 || len(r.Formats[0].Thumbnails) != 3 ||
			r.Formats[0].Thumbnails[0].Alt != `Welcome to "50"` {
			t.Errorf("recording 50: %+v, Scalelite: %q %d %s", r, name, participants, start)
		}

		// Callback data, from both serialisations, linked to the meeting's last recording.
		cbs, err := store.ImportedCallbacks(ctx, []string{"meeting-3", "meeting-4", "running-plain"})
		if err != nil {
			t.Fatal(err)
		}
		if cb := cbs["meeting-3"]; cb.RecordingReadyURL != "https://gl.example.com/recording_ready" || cb.AnalyticsCallbackURL != "https://lms.example.com/analytics/meeting-3" ||
			cb.RecordID != src.recordID(t, 1203-300) {
			t.Errorf("callback of meeting-3: %+v", cb)
		}
		if cb := cbs["meeting-4"]; cb.RecordingReadyURL != "https://gl.example.com/recording_ready?room=meeting-4" || cb.TenantID != scalelitetest.ScaleliteTenantA {
			t.Errorf("callback of meeting-4: %+v", cb)
		}
		if cb := cbs["running-plain"]; cb.RecordingReadyURL != "https://gl.example.com/recording_ready" || cb.RecordID != "" {
			t.Errorf("callback of running-plain: %+v", cb)
		}
	})
}

// checkThroughAPI serves the imported data and uses it as a front-end, an operator (CLI) and
// the console (GraphQL) would.
func checkThroughAPI(t *testing.T, src *scaleliteDeployment, env map[string]string) {
	t.Helper()
	ctx := context.Background()
	published := filepath.Join(env["SCALELITE_DATA_DIR"], "published")
	env["RECORDING_PUBLISH_DIR"] = published
	pubID, processedID, nullID := src.recordID(t, 6), src.recordID(t, 13), src.recordID(t, 30)
	if err := os.MkdirAll(filepath.Join(published, "presentation", pubID), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(published, "presentation", pubID, "metadata.xml"), []byte("<recording/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A native recording with the same content as an imported one, for comparison.
	const nativeID = "0000000000000000000000000000000000000000-1"
	withStore(t, env, func(store *db.DB) {
		r, err := store.Recording(ctx, pubID)
		if err != nil {
			t.Fatal(err)
		}
		r.ID, r.RecordID, r.MeetingID = 0, nativeID, "native-meeting"
		for i := range r.Formats {
			r.Formats[i].URL = strings.ReplaceAll(r.Formats[i].URL, pubID, nativeID)
			for j := range r.Formats[i].Thumbnails {
				r.Formats[i].Thumbnails[j].URL = strings.ReplaceAll(r.Formats[i].Thumbnails[j].URL, pubID, nativeID)
			}
		}
		if _, err := store.UpsertRecording(ctx, r); err != nil {
			t.Fatal(err)
		}
	})
	s := start(t, env, "serve", "--roles", "api")
	base := s.stdout.wait(t, listening, s.done)[1]
	api := func(action, query, secret string) string {
		return base + "/bigbluebutton/api/" + action + "?" + query + "&checksum=" + bbb.Checksum(bbb.SHA256, action, query, secret)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	// A join on a migrated meeting goes to its server, signed with that server's secret.
	for meeting, server := range map[string]string{"running-plain": "bbb-enabled", "running-cordoned": "bbb-cordoned"} {
		resp, err := noRedirect.Get(api("join", "fullName=Ann&meetingID="+meeting+"&password=mp-"+meeting, "test-secret"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusFound || !signedFor(loc, scalelitetest.ScaleliteServerURL(server)+"/join?", scalelitetest.ScaleliteServerSecret(server)) {
			t.Errorf("join %s: %d to %q, want a URL of %s signed with its secret", meeting, resp.StatusCode, loc, server)
		}
	}

	// getRecordings answers for an imported recording exactly as for a native one.
	_, imported := httpGet(t, api("getRecordings", "recordID="+pubID, "test-secret"))
	_, native := httpGet(t, api("getRecordings", "recordID="+nativeID, "test-secret"))
	native = strings.ReplaceAll(strings.ReplaceAll(native, nativeID, pubID), "native-meeting", "meeting-6")
	if imported != native || !strings.Contains(imported, "<state>published</state>") {
		t.Errorf("imported:\n%s\nnative:\n%s", imported, native)
	}
	countRecs := func(query string) int {
		_, body := httpGet(t, api("getRecordings", query, "test-secret"))
		return strings.Count(body, "<recording>")
	}
	if got, want := countRecs("state=any"), scaleliteRecordings+1; got != want {
		t.Errorf("state=any: %d, want %d", got, want)
	}
	if got, want := countRecs(""), src.count(t, "SELECT count(*) FROM recordings WHERE state IS NULL OR state IN ('published', 'unpublished')")+1; got != want {
		t.Errorf("no state filter: %d, want %d (with the null-state ones)", got, want)
	}
	if got, want := countRecs("meta_bbb-context-name=course-3&state=processed"), src.count(t,
		"SELECT count(*) FROM recordings r JOIN metadata m ON m.recording_id = r.id AND m.key = 'bbb-context-name' AND m.value = 'course-3' WHERE r.state = 'processed'"); got != want || want == 0 {
		t.Errorf("meta and state filter: %d, want %d", got, want)
	}
	if got := countRecs("recordID=" + pubID[:40]); got != src.count(t, "SELECT count(*) FROM recordings WHERE meeting_id = 'meeting-6' AND (state IS NULL OR state IN ('published', 'unpublished'))") {
		t.Errorf("recordID prefix: %d", got)
	}

	// Playback of an imported published recording; publish, update and delete as Scalelite.
	if status, body := httpGet(t, base+"/presentation/"+pubID+"/metadata.xml"); status != 200 || body != "<recording/>" {
		t.Errorf("playback: %d %q", status, body)
	}
	if _, body := httpGet(t, api("publishRecordings", "recordID="+processedID+"&publish=true", "test-secret")); !strings.Contains(body, "notFound") {
		t.Errorf("publish a processed recording: %s", body)
	}
	if _, body := httpGet(t, api("updateRecordings", "recordID="+nullID+","+processedID+"&meta_gl-listed=false", "test-secret")); !strings.Contains(body, "<updated>true</updated>") {
		t.Errorf("update null-state and processed: %s", body)
	}
	if _, body := httpGet(t, api("deleteRecordings", "recordID="+nullID, "test-secret")); !strings.Contains(body, "<deleted>true</deleted>") {
		t.Errorf("delete a null-state recording: %s", body)
	}

	// The console's view (GraphQL) and the CLI.
	gql := graphQL(t, base, env["ADMIN_API_KEY"], `{ servers { id state } tenants { name } meetings { totalCount } recordings(filter: {states: ["published"]}) { totalCount } }`)
	for _, want := range []string{`"id":"bbb-legacy","state":"ENABLED"`, `"name":"acme"`, `"name":"uni"`, `"meetings":{"totalCount":4}`,
		fmt.Sprintf(`"recordings":{"totalCount":%d}`, src.count(t, "SELECT count(*) FROM recordings WHERE state = 'published'")+1)} {
		if !strings.Contains(gql, want) {
			t.Errorf("GraphQL answer lacks %s:\n%s", want, gql)
		}
	}
	if err := s.stop(t); err != nil {
		t.Errorf("serve: %v", err)
	}
	if out, _, err := runCmd(t, env, "servers", "--json"); err != nil || strings.Count(out, `"id"`) != 7 || !strings.Contains(out, `"state": "cordoned"`) {
		t.Errorf("servers --json: %v\n%s", err, out)
	}
	if out, _, err := runCmd(t, env, "meetings"); err != nil || !strings.Contains(out, "MeetingID: running-acme\n\tServer ID: bbb-tagged") {
		t.Errorf("meetings: %v\n%s", err, out)
	}

	// Multitenancy: each tenant's secrets work on its host, for its meetings and recordings.
	mt := maps.Clone(env)
	mt["MULTITENANCY_ENABLED"] = "true"
	s = start(t, mt, "serve", "--roles", "api")
	base = s.stdout.wait(t, listening, s.done)[1]
	tenantGet := func(host, action, query, secret string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, base+"/bigbluebutton/api/"+action+"?"+query+"&checksum="+bbb.Checksum(bbb.SHA256, action, query, secret), nil)
		req.Host = host
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	_, body := tenantGet("acme.example.com", "getRecordings", "state=any", "acme-secret-2")
	if got, want := strings.Count(body, "<recording>"), src.count(t, "SELECT count(*) FROM metadata WHERE key = 'tenant-id' AND value = '"+scalelitetest.ScaleliteTenantA+"'"); got != want || want == 0 {
		t.Errorf("acme's recordings on its host: %d, want %d", got, want)
	}
	if _, body := tenantGet("acme.example.com", "getRecordings", "", "uni-secret-1"); !strings.Contains(body, "checksumError") {
		t.Errorf("uni's secret on acme's host: %s", body)
	}
	resp, _ := tenantGet("uni.example.com", "join", "fullName=Bo&meetingID=running-uni&password=mp-running-uni", "uni-secret-2")
	if !signedFor(resp.Header.Get("Location"), scalelitetest.ScaleliteServerURL("bbb-enabled")+"/join?", scalelitetest.ScaleliteServerSecret("bbb-enabled")) {
		t.Errorf("join running-uni on uni's host: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, body := tenantGet("acme.example.com", "join", "fullName=Bo&meetingID=running-uni&password=x", "acme-secret-1"); !strings.Contains(body, "notFound") {
		t.Errorf("uni's meeting from acme's host: %s", body)
	}
	if out, _, err := runCmd(t, mt, "tenants", "--json"); err != nil || !strings.Contains(out, `"acme-secret-3"`) {
		t.Errorf("tenants --json: %v\n%s", err, out)
	}
}

// signedFor reports whether loc starts with prefix and carries a checksum of its query made
// with secret (any algorithm).
func signedFor(loc, prefix, secret string) bool {
	if !strings.HasPrefix(loc, prefix) {
		return false
	}
	u, err := url.Parse(loc)
	if err != nil {
		return false
	}
	rest, sum := bbb.StripChecksum(u.RawQuery)
	action := u.Path[strings.LastIndex(u.Path, "/")+1:]
	for _, alg := range []bbb.Algorithm{bbb.SHA1, bbb.SHA256, bbb.SHA384, bbb.SHA512} {
		if bbb.Checksum(alg, action, rest, secret) == sum {
			return true
		}
	}
	return false
}

func graphQL(t *testing.T, base, key, query string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"query": query})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || strings.Contains(string(out), `"errors"`) {
		t.Fatalf("GraphQL %d: %s", resp.StatusCode, out)
	}
	return string(out)
}
