package recordings

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
)

// zerosArchive is a gzipped tar whose one recording holds n bytes of zeros (about n/1000 bytes
// on disk).
func zerosArchive(t *testing.T, r recSpec, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	for _, e := range recordingEntries(r, "presentation") {
		tw.WriteHeader(&tar.Header{Name: e.Name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(e.Body))})
		tw.Write([]byte(e.Body))
	}
	tw.WriteHeader(&tar.Header{Name: "presentation/" + r.ID + "/zeros.webm", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(n)})
	zero := make([]byte, 1<<20)
	for left := n; left > 0; left -= len(zero) {
		tw.Write(zero[:min(left, len(zero))])
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

// The default limits refuse archives that expand far beyond their size (compression, hard
// links), while a plain archive may extract to its own size.
func TestExtractionBombsRefusedByDefault(t *testing.T) {
	lim := Limits{MaxBytes: DefaultMaxExtractedBytes, MaxRatio: DefaultMaxExpansion, MaxEntries: 1000}
	r := recSpec{ID: "bomb-1", MeetingID: "m", Published: true}
	gz := zerosArchive(t, r, 96<<20)
	if _, _, err := extractTo(t, gz, lim); err == nil || !isRejected(err) || !strings.Contains(err.Error(), "expands beyond") {
		t.Errorf("96 MiB of zeros in a %d-byte gzip: %v, want refused", len(gz), err)
	}
	// A 1 MiB file hard-linked 80 times: 81 MiB from a 1 MiB archive.
	es := append(recordingEntries(r, "presentation"), tarEntry{Name: "presentation/bomb-1/big.webm", Body: strings.Repeat("v", 1<<20)})
	for i := range 80 {
		es = append(es, tarEntry{Name: "presentation/bomb-1/copy-" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + ".webm",
			Type: tar.TypeLink, Linkname: "presentation/bomb-1/big.webm"})
	}
	if _, _, err := extractTo(t, buildTar(t, es), lim); err == nil || !isRejected(err) {
		t.Errorf("hard-link bomb: %v, want refused", err)
	}
	// Small archives may always expand to the floor; large ones to the ratio; the absolute cap wins.
	for _, tc := range []struct {
		lim  Limits
		size int64
		want int64
	}{
		{lim, 1 << 10, ratioFloor},
		{lim, 1 << 30, 20 << 30},
		{lim, 4 << 30, DefaultMaxExtractedBytes},
		{Limits{MaxBytes: 1 << 40, MaxRatio: -1}, 1, 1 << 40},
	} {
		if got := tc.lim.maxBytesFor(tc.size); got != tc.want {
			t.Errorf("limit for %d bytes with %+v: %d, want %d", tc.size, tc.lim, got, tc.want)
		}
	}
}

// The importer files a bomb as failed with its reason; nothing is published.
func TestImporterRefusesBomb(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		r := recSpec{ID: testRecordID("bomb", 1), MeetingID: "bomb", Published: true}
		path := e.spool(r.ID+".tar.gz", zerosArchive(t, r, 80<<20))
		if err := e.im.ImportFile(ctx(), path); err == nil {
			t.Fatal("bomb imported")
		}
		reason, err := os.ReadFile(filepath.Join(e.cfg.FailedDir, r.ID+".tar.gz.reason"))
		if err != nil || !strings.Contains(string(reason), "expands beyond") {
			t.Errorf("reason %q %v", reason, err)
		}
		mustNotExist(t, filepath.Join(e.cfg.PublishDir, "presentation", r.ID))
		if _, err := store.Recording(ctx(), r.ID); err == nil {
			t.Error("bomb indexed")
		}
		if left, _ := filepath.Glob(filepath.Join(e.cfg.WorkDir, "*")); len(left) > 0 {
			t.Errorf("work dir left: %v", left)
		}
	})
}
