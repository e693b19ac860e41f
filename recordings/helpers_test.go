package recordings

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// tarEntry is one member of a test archive.
type tarEntry struct {
	Name     string
	Body     string
	Type     byte // tar.TypeReg when 0
	Linkname string
	Size     int64 // header size override (truncation tests)
	Mode     int64
}

// buildTar returns a tar archive of the entries.
func buildTar(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ := e.Type
		if typ == 0 {
			typ = tar.TypeReg
		}
		hdr := &tar.Header{Name: e.Name, Typeflag: typ, Linkname: e.Linkname, Mode: 0o644, ModTime: time.Unix(1700000000, 0)}
		if e.Mode != 0 {
			hdr.Mode = e.Mode
		}
		if typ == tar.TypeReg {
			hdr.Size = int64(len(e.Body))
		}
		if typ == tar.TypeDir {
			hdr.Mode = 0o755
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.Body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// recSpec describes a recording for metadataXML.
type recSpec struct {
	ID, MeetingID, Name, State string
	Published                  bool
	Start                      int64 // ms
	Meta                       map[string]string
}

func testRecordID(meeting string, n int) string {
	return fmt.Sprintf("%040x-%d", len(meeting)*1000+n, 1700000000000+int64(n))
}

// metadataDoc renders a BBB metadata.xml for one format.
func metadataDoc(r recSpec, format string, thumbs int) string {
	var meta strings.Builder
	meta.WriteString("<isBreakout>false</isBreakout><meetingId>" + r.MeetingID + "</meetingId><meetingName>" + r.Name + "</meetingName>")
	for k, v := range r.Meta {
		meta.WriteString("<" + k + ">" + v + "</" + k + ">")
	}
	var images strings.Builder
	for i := 0; i < thumbs; i++ {
		fmt.Fprintf(&images, `<image width="176" height="136" alt="Slide %d">https://bbb1.example.com/%s/%s/presentation/slide-%d.png</image>`, i+1, format, r.ID, i+1)
	}
	link := "https://bbb1.example.com/playback/" + format + "/2.3/" + r.ID
	if format != "presentation" {
		link = "https://bbb1.example.com/" + format + "/" + r.ID + "/"
	}
	state := r.State
	if state == "" {
		state = "published"
	}
	start := r.Start
	if start == 0 {
		start = 1700000000000
	}
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<recording>
  <id>%s</id>
  <state>%s</state>
  <published>%t</published>
  <start_time>%d</start_time>
  <end_time>%d</end_time>
  <participants>3</participants>
  <meeting id="%s" externalId="%s" name="%s" breakout="false"/>
  <meta>%s</meta>
  <playback>
    <format>%s</format>
    <link>%s</link>
    <processing_time>1234</processing_time>
    <duration>1830000</duration>
    <extensions><preview><images>%s</images></preview></extensions>
  </playback>
</recording>
`, r.ID, state, r.Published, start, start+1830000, r.ID, r.MeetingID, r.Name, meta.String(), format, link, images.String())
}

// recordingEntries returns the tar entries of a recording in the given formats.
func recordingEntries(r recSpec, formats ...string) []tarEntry {
	var es []tarEntry
	for _, f := range formats {
		dir := f + "/" + r.ID + "/"
		thumbs := 0
		if f == "presentation" {
			thumbs = 2
		}
		es = append(es,
			tarEntry{Name: f + "/", Type: tar.TypeDir},
			tarEntry{Name: dir, Type: tar.TypeDir},
			tarEntry{Name: dir + "metadata.xml", Body: metadataDoc(r, f, thumbs)},
			tarEntry{Name: dir + "index.html", Body: "<html>" + f + "</html>"},
		)
		if f == "presentation" {
			es = append(es,
				tarEntry{Name: dir + "presentation/", Type: tar.TypeDir},
				tarEntry{Name: dir + "presentation/slide-1.png", Body: "PNG1"},
				tarEntry{Name: dir + "video/webcams.webm", Body: strings.Repeat("w", 4096)},
				tarEntry{Name: dir + "shapes.svg", Body: "<svg/>"},
			)
		} else {
			es = append(es, tarEntry{Name: dir + "video-0.m4v", Body: strings.Repeat("v", 2048)})
		}
	}
	return es
}

// env is an importer with its directories and a store.
type env struct {
	t     *testing.T
	store scalelite.Store
	cfg   Config
	im    *Importer
	files *Files
}

func newEnv(t *testing.T, store scalelite.Store, mutate func(*Config)) *env {
	t.Helper()
	base := t.TempDir()
	cfg := Config{
		SpoolDir:     filepath.Join(base, "spool"),
		WorkDir:      filepath.Join(base, "work"),
		PublishDir:   filepath.Join(base, "published"),
		UnpublishDir: filepath.Join(base, "unpublished"),
		PollInterval: time.Hour,
		NoSync:       true,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	for _, d := range []string{cfg.SpoolDir, cfg.WorkDir} {
		os.MkdirAll(d, 0o755)
	}
	files := NewFiles(cfg.PublishDir, cfg.UnpublishDir)
	files.NoSync = true
	im := NewImporter(cfg, ImporterDeps{Store: store, Files: files, Logger: testLogger(t)})
	return &env{t: t, store: store, cfg: im.Config(), im: im, files: files}
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// spool writes an archive into the spool dir with an old mtime (settled) and returns its path.
func (e *env) spool(name string, data []byte) string {
	e.t.Helper()
	p := filepath.Join(e.cfg.SpoolDir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		e.t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	os.Chtimes(p, old, old)
	return p
}

func mustExist(t testing.TB, p string) {
	t.Helper()
	if _, err := os.Lstat(p); err != nil {
		t.Fatalf("%s should exist: %v", p, err)
	}
}

func mustNotExist(t testing.TB, p string) {
	t.Helper()
	if _, err := os.Lstat(p); err == nil {
		t.Fatalf("%s should not exist", p)
	}
}

func ctx() context.Context { return context.Background() }

var _ = db.Open

// waitFor polls cond (no timing assertion: the test's own deadline bounds it).
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for !cond() {
		time.Sleep(10 * time.Millisecond)
	}
}
