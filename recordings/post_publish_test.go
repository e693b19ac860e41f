package recordings

import (
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// publishedTree writes a BBB published dir with two formats of one recording.
func publishedTree(t *testing.T, r recSpec) string {
	dir := t.TempDir()
	for _, e := range recordingEntries(r, "presentation", "video") {
		p := filepath.Join(dir, filepath.FromSlash(e.Name))
		if strings.HasSuffix(e.Name, "/") {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(e.Body), 0o644)
	}
	return dir
}

func runPostPublish(t *testing.T, env []string, recordID string) {
	t.Helper()
	for _, tool := range []string{"bash", "tar", "rsync", "curl", "openssl", "sha256sum"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	cmd := exec.Command("bash", "post_publish/scalelite_post_publish.sh", "-m", recordID, "-f", "presentation")
	cmd.Env = append(os.Environ(), append(env, "SCALELITE_POST_PUBLISH_CONFIG=/nonexistent")...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("post_publish: %v\n%s", err, out)
	}
}

// The script's archive (spool delivery and HTTPS upload) imports as both formats.
func TestPostPublishScript(t *testing.T) {
	store := dbtest.SQLite(t)
	if err := store.CreateServer(ctx(), &scalelite.Server{ID: "bbb1", URL: "https://bbb1.example.com/bigbluebutton/api",
		Secret: "bbb1-secret", State: scalelite.ServerEnabled, LoadMultiplier: 1}); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"spool", "upload"} {
		t.Run(mode, func(t *testing.T) {
			e := newEnv(t, store, nil)
			r := recSpec{ID: testRecordID("pp-"+mode, 1), MeetingID: "pp", Published: true}
			published := publishedTree(t, r)
			recDir := t.TempDir()
			env := []string{"PUBLISHED_DIR=" + published, "RECORDING_DIR=" + recDir, "WORK_DIR=" + t.TempDir()}
			if mode == "spool" {
				env = append(env, "SPOOL_DIR="+e.cfg.SpoolDir)
			} else {
				up := NewUpload(UploadConfig{SpoolDir: e.cfg.SpoolDir}, store, testLogger(t), time.Now)
				srv := httptest.NewServer(up)
				defer srv.Close()
				env = append(env, "UPLOAD_URL="+srv.URL+UploadPath, "SERVER_ID=bbb1", "SECRET=bbb1-secret")
			}
			runPostPublish(t, env, r.ID)
			mustExist(t, filepath.Join(recDir, "status", "published", r.ID+"-sender.done"))
			archive := filepath.Join(e.cfg.SpoolDir, r.ID+".tar")
			mustExist(t, archive)
			if err := e.im.ImportFile(ctx(), archive); err != nil {
				t.Fatal(err)
			}
			rec, err := store.Recording(ctx(), r.ID)
			if err != nil || len(rec.Formats) != 2 {
				t.Fatalf("imported: %+v %v", rec, err)
			}
		})
	}
}
