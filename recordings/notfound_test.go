package recordings

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/locale"
)

// Issue 11, item 7: the not-found page (unknown recording, protected recording without its
// cookie, spent link) in the browser's language from the operator's locale files, else
// DEFAULT_LOCALE's, else English; over real HTTP on both stores.
func TestNotFoundPageLocales(t *testing.T) {
	dir := t.TempDir()
	de := "de:\n  errors:\n    recording_not_found:\n      title: Aufzeichnung nicht gefunden\n      info: Die Aufzeichnungs-URL ist <ungültig>\n"
	if err := os.WriteFile(filepath.Join(dir, "de.yml"), []byte(de), 0o644); err != nil {
		t.Fatal(err)
	}
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		spec := recSpec{ID: testRecordID("loc", 1), MeetingID: "loc", Published: true}
		for _, tc := range []struct {
			defaultLocale, accept, lang, title, info string
		}{
			{"en", "", "en", "Recording Not Found", "The recording you are looking for does not exist"},
			{"en", "de-AT,de;q=0.9,en;q=0.5", "de", "Aufzeichnung nicht gefunden", "Die Aufzeichnungs-URL ist &lt;ungültig&gt;"},
			{"de", "", "de", "Aufzeichnung nicht gefunden", "Die Aufzeichnungs-URL"},
			{"de", "ja", "de", "Aufzeichnung nicht gefunden", "Die Aufzeichnungs-URL"},
			{"de", "en-GB", "en", "Recording Not Found", "The recording you are looking for"},
		} {
			pages, err := locale.Load(dir, tc.defaultLocale)
			if err != nil {
				t.Fatal(err)
			}
			p := newPlaybackEnv(t, store, PlaybackConfig{Protected: true, Pages: pages}, nil, spec)
			yes := true
			if _, err := p.svc.Update(ctx(), "", []string{p.id}, nil, &yes); err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(p.pb)
			for _, path := range []string{"/presentation/" + testRecordID("loc", 2) + "/", "/presentation/" + p.id + "/shapes.svg",
				PlayURL(p.id, "presentation", strings.Repeat("a", 64)), "/playback/nothing"} {
				req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
				if tc.accept != "" {
					req.Header.Set("Accept-Language", tc.accept)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				body := string(b)
				if resp.StatusCode != 404 || resp.Header.Get("Content-Language") != tc.lang || resp.Header.Get("Vary") != "Accept-Language" ||
					!strings.Contains(body, `<html lang="`+tc.lang+`">`) || !strings.Contains(body, "<title>"+tc.title+"</title>") ||
					!strings.Contains(body, tc.info) {
					t.Errorf("%s default %s, Accept-Language %q: %d %q\n%s", path, tc.defaultLocale, tc.accept, resp.StatusCode,
						resp.Header.Get("Content-Language"), body)
				}
			}
			ts.Close()
		}
	})
}
