package recordings

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 11, item 5: old and unknown player versions and formats below /playback/.
func TestPlayerVersionsAndFormats(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte("<html>player</html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	pb := NewPlayback(PlaybackConfig{Formats: []string{"presentation", "video", "podcast"}, PlayerDir: dir}, nil, nil, nil, nil)
	id := "0123456789abcdef0123456789abcdef01234567-1700000000000"
	for _, tc := range []struct {
		path string
		code int
		loc  string
	}{
		{"/playback/presentation/2.0/" + id, 301, "/playback/presentation/2.3/" + id},
		{"/playback/presentation/2.0/" + id + "?t=10", 301, "/playback/presentation/2.3/" + id + "?t=10"},
		{"/playback/presentation/0.9.0/" + id + "/slides", 301, "/playback/presentation/2.3/" + id},
		{"/playback/presentation/2.4/" + id, 301, "/playback/presentation/2.3/" + id},
		{"/playback/presentation/playback.html?meetingId=" + id, 301, "/playback/presentation/2.3/" + id},
		{"/playback/presentation/0.81/playback.html?meetingId=" + id, 301, "/playback/presentation/2.3/" + id},
		{"/playback/presentation/0.9.0/playback.html?meetingId=" + id, 301, "/playback/presentation/2.3/" + id},
		{"/playback/podcast/" + id + "/audio.ogg", 307, "/podcast/" + id + "/audio.ogg"},
		{"/playback/video/" + id + "/", 307, "/video/" + id + "/"},
		{"/playback/presentation/2.3/" + id, 200, ""},
		{"/playback/presentation/2.0/playback.html?meetingId=../x", 404, ""},
		{"/playback/presentation/2.0/not%20an%20id", 404, ""},
		{"/playback/presentation/latest/" + id, 404, ""},
		{"/playback/notes/" + id, 404, ""}, // not a configured format
		{"/playback/", 404, ""},
	} {
		w := httptest.NewRecorder()
		pb.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if w.Code != tc.code || w.Header().Get("Location") != tc.loc {
			t.Errorf("%s: %d %q, want %d %q", tc.path, w.Code, w.Header().Get("Location"), tc.code, tc.loc)
		}
		if tc.code == 404 && !strings.Contains(w.Body.String(), "Recording Not Found") {
			t.Errorf("%s: body %q", tc.path, w.Body.String())
		}
	}
	// Without the player files, /playback/presentation/2.3/ is nginx's (not found here).
	bare := NewPlayback(PlaybackConfig{Formats: []string{"presentation"}}, nil, nil, nil, nil)
	w := httptest.NewRecorder()
	bare.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/playback/presentation/2.3/"+id, nil))
	if w.Code != 404 {
		t.Errorf("2.3 without PlayerDir: %d", w.Code)
	}
}
