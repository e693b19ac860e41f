package recordings

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestUploadAuth(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		srv := &scalelite.Server{ID: "bbb1", URL: "https://bbb1.example.com/bigbluebutton/api", Secret: "s3cret",
			State: scalelite.ServerEnabled, LoadMultiplier: 1}
		if err := store.CreateServer(ctx(), srv); err != nil {
			t.Fatal(err)
		}
		spool := t.TempDir()
		now := time.Unix(1800000000, 0)
		up := NewUpload(UploadConfig{SpoolDir: spool, MaxBytes: 1 << 20}, store, testLogger(t), func() time.Time { return now })
		body := buildTar(t, recordingEntries(recSpec{ID: "rec-1", MeetingID: "m"}, "video"))
		sum := sha256.Sum256(body)
		hexSum := hex.EncodeToString(sum[:])
		ts := strconv.FormatInt(now.Unix(), 10)

		type req struct {
			name, server, secret, ts, sum string
			body                          []byte
			want                          int
		}
		tests := []req{
			{"by id", "bbb1", "s3cret", ts, hexSum, body, 201},
			{"by host", "bbb1.example.com", "s3cret", ts, hexSum, body, 201},
			{"wrong secret", "bbb1", "nope", ts, hexSum, body, 401},
			{"unknown server", "bbb9", "s3cret", ts, hexSum, body, 401},
			{"stale", "bbb1", "s3cret", strconv.FormatInt(now.Add(-time.Hour).Unix(), 10), hexSum, body, 401},
			{"body differs from signed hash", "bbb1", "s3cret", ts, hexSum, append(body, 'x'), 400},
			{"too large", "bbb1", "s3cret", ts, hexSum, make([]byte, 2<<20), 413},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				os.Remove(filepath.Join(spool, "rec-1.tar"))
				r := httptest.NewRequest(http.MethodPost, UploadPath, bytes.NewReader(tc.body))
				r.Header.Set(HeaderServer, tc.server)
				r.Header.Set(HeaderRecordID, "rec-1")
				r.Header.Set(HeaderTimestamp, tc.ts)
				r.Header.Set(HeaderSHA256, tc.sum)
				r.Header.Set(HeaderSignature, UploadSignature(tc.secret, tc.server, "rec-1", tc.ts, tc.sum))
				w := httptest.NewRecorder()
				up.ServeHTTP(w, r)
				if w.Code != tc.want {
					t.Fatalf("got %d %s, want %d", w.Code, w.Body.String(), tc.want)
				}
				got, err := os.ReadFile(filepath.Join(spool, "rec-1.tar"))
				if tc.want == 201 && (err != nil || !bytes.Equal(got, body)) {
					t.Fatalf("archive not in spool: %v", err)
				}
				if tc.want != 201 && err == nil {
					t.Fatal("refused upload left an archive")
				}
				if tmp, _ := filepath.Glob(filepath.Join(spool, ".upload-*")); len(tmp) != 0 {
					t.Fatalf("temp files left: %v", tmp)
				}
			})
		}
	})
}
