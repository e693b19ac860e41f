package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// recordingArchive is a one-format Scalelite archive of a recording.
func recordingArchive(t *testing.T, recordID, meetingID string) []byte {
	meta := fmt.Sprintf(`<recording><id>%s</id><state>published</state><published>true</published>
<start_time>1700000000000</start_time><end_time>1700000600000</end_time>
<meta><meetingId>%s</meetingId><meetingName>CLI</meetingName></meta>
<playback><format>video</format><link>https://bbb/video/%s/</link><duration>600000</duration></playback></recording>`, recordID, meetingID, recordID)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range map[string]string{"video/" + recordID + "/metadata.xml": meta, "video/" + recordID + "/video-0.m4v": "v"} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	return buf.Bytes()
}

func TestRecordingsCommands(t *testing.T) {
	bin := scaleliteBinary(t)
	dbtest.EachDB(t, func(t *testing.T, _ *db.DB) {
		dsn := "sqlite:" + filepath.Join(t.TempDir(), "s.db")
		if strings.HasSuffix(t.Name(), "postgres") {
			dsn = dbtest.PostgresDSN(t)
		}
		base := t.TempDir()
		env := []string{"DATABASE_URL=" + dsn, "HOME=" + base, "LOADBALANCER_SECRET=cli-secret",
			"RECORDING_SPOOL_DIR=" + filepath.Join(base, "spool"), "RECORDING_WORK_DIR=" + filepath.Join(base, "work"),
			"RECORDING_PUBLISH_DIR=" + filepath.Join(base, "published"), "RECORDING_UNPUBLISH_DIR=" + filepath.Join(base, "unpublished")}
		c := &cliEnv{t: t, bin: bin, env: env}
		c.ok("migrate", "up")
		os.MkdirAll(filepath.Join(base, "spool"), 0o755)
		a := filepath.Join(base, "spool", "a.tar")
		os.WriteFile(a, recordingArchive(t, "rec-a-1", "cli-1"), 0o644)
		b := filepath.Join(base, "b.tar")
		os.WriteFile(b, recordingArchive(t, "rec-b-1", "cli-2"), 0o644)
		bad := filepath.Join(base, "spool", "bad.tar")
		os.WriteFile(bad, []byte("not a tar"), 0o644)

		if out := c.ok("recordings", "import", a, b); !strings.Contains(out, "a.tar: imported") {
			t.Fatal(out)
		}
		if _, err := os.Stat(a); err == nil {
			t.Fatal("spool archive kept after import")
		}
		if _, err := os.Stat(b); err != nil {
			t.Fatal("an archive outside the spool must be left in place")
		}
		c.fails("1 of 1 archives failed", "recordings", "import", bad)
		if _, err := os.Stat(filepath.Join(base, "spool", "failed", "bad.tar.reason")); err != nil {
			t.Fatal("failed archive without reason file")
		}

		var list []recordingJSON
		if err := json.Unmarshal([]byte(c.ok("recordings", "list", "--json")), &list); err != nil || len(list) != 2 {
			t.Fatalf("list: %v %v", list, err)
		}
		if out := c.ok("recordings", "list", "--meeting", "cli-2"); !strings.HasPrefix(out, "rec-b-1\tcli-2\tCLI\tpublished") || strings.Count(out, "\n") != 1 {
			t.Fatalf("list --meeting: %q", out)
		}

		store, err := db.Open(context.Background(), dsn, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer store.Close()
		if err := store.CreateTenant(context.Background(), &scalelite.Tenant{ID: "00000000-0000-4000-8000-000000000001", Name: "bn", Secrets: []string{"s"}}); err != nil {
			t.Fatal(err)
		}
		if out := c.ok("recordings", "add-to-tenant", "bn"); !strings.Contains(out, "to 2 recordings") {
			t.Fatal(out)
		}
		c.fails("Couldn't find Tenant", "recordings", "add-to-tenant", "nope")
	})
}
