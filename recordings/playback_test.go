package recordings

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type playbackEnv struct {
	*env
	svc       *Service
	protector *Protector
	pb        *Playback
	id        string
}

func newPlaybackEnv(t *testing.T, store *db.DB, pcfg PlaybackConfig, tenant TenantFunc, spec recSpec) *playbackEnv {
	e := newEnv(t, store, nil)
	protector := NewProtector(events.NewLocalTokens(time.Now), "secret-key-base", time.Hour, 6*time.Hour, nil)
	svc := NewService(ServiceDeps{Store: store, Files: e.files, Protector: protector})
	if err := e.im.ImportFile(ctx(), e.spool("r.tar", buildTar(t, recordingEntries(spec, "presentation", "podcast")))); err != nil {
		t.Fatal(err)
	}
	pcfg.PublishDir = e.cfg.PublishDir
	if pcfg.Formats == nil {
		pcfg.Formats = []string{"presentation", "video", "podcast"}
	}
	return &playbackEnv{env: e, svc: svc, protector: protector, pb: NewPlayback(pcfg, store, protector, tenant, testLogger(t)), id: spec.ID}
}

func (p *playbackEnv) get(target string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	p.pb.ServeHTTP(w, req)
	return w
}

func TestPlaybackResources(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		spec := recSpec{ID: testRecordID("pb", 1), MeetingID: "pb", Published: true}
		t.Run("x-accel-redirect", func(t *testing.T) {
			p := newPlaybackEnv(t, store, PlaybackConfig{AccelRedirect: true}, nil, spec)
			w := p.get("/presentation/" + p.id + "/shapes.svg?x=1")
			if w.Code != 200 || w.Header().Get("X-Accel-Redirect") != "/static-resource/presentation/"+p.id+"/shapes.svg?x=1" || w.Body.Len() != 0 {
				t.Fatalf("got %d %q body %d", w.Code, w.Header().Get("X-Accel-Redirect"), w.Body.Len())
			}
			if w.Header().Get("Content-Disposition") != "" {
				t.Fatal("presentation must not be an attachment")
			}
			w = p.get("/podcast/" + p.id + "/video-0.m4v")
			if w.Header().Get("Content-Disposition") != "attachment" {
				t.Fatal("podcast files are attachments")
			}
		})
		t.Run("direct", func(t *testing.T) {
			spec := spec
			spec.ID = testRecordID("pb", 2)
			p := newPlaybackEnv(t, store, PlaybackConfig{}, nil, spec)
			w := p.get("/presentation/" + p.id + "/shapes.svg")
			if w.Code != 200 || w.Body.String() != "<svg/>" || w.Header().Get("Content-Type") != "image/svg+xml" {
				t.Fatalf("got %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Body.String())
			}
			req := httptest.NewRequest(http.MethodGet, "/presentation/"+p.id+"/video/webcams.webm", nil)
			req.Header.Set("Range", "bytes=10-19")
			rw := httptest.NewRecorder()
			p.pb.ServeHTTP(rw, req)
			if rw.Code != http.StatusPartialContent || rw.Body.Len() != 10 || rw.Header().Get("Content-Type") != "video/webm" {
				t.Fatalf("range: got %d len %d %q", rw.Code, rw.Body.Len(), rw.Header().Get("Content-Type"))
			}
			if w := p.get("/presentation/" + p.id + "/"); w.Code != 200 || !strings.Contains(w.Body.String(), "presentation") {
				t.Fatalf("directory index: %d %q", w.Code, w.Body.String())
			}
			for _, bad := range []string{"/presentation/" + p.id + "/../../../etc/passwd", "/presentation/" + p.id + "/missing.png",
				"/presentation/unknown-id/shapes.svg", "/video/" + p.id + "/index.html", "/recording/x/y"} {
				if w := p.get(bad); w.Code != 404 || !strings.Contains(w.Body.String(), "Recording Not Found") {
					t.Fatalf("%s: got %d", bad, w.Code)
				}
			}
		})
		t.Run("unpublished", func(t *testing.T) {
			spec := spec
			spec.ID = testRecordID("pb", 3)
			p := newPlaybackEnv(t, store, PlaybackConfig{AccelRedirect: true}, nil, spec)
			if err := p.svc.Publish(ctx(), "", []string{p.id}, false); err != nil {
				t.Fatal(err)
			}
			w := p.get("/presentation/" + p.id + "/shapes.svg")
			if w.Code != 404 || w.Header().Get("X-Accel-Redirect") != "" {
				t.Fatalf("unpublished served: %d", w.Code)
			}
		})
	})
}

func TestPlaybackProtected(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		spec := recSpec{ID: testRecordID("prot", 1), MeetingID: "prot", Published: true}
		p := newPlaybackEnv(t, store, PlaybackConfig{Protected: true, AccelRedirect: true}, nil, spec)
		yes := true
		if _, err := p.svc.Update(ctx(), "", []string{p.id}, nil, &yes); err != nil {
			t.Fatal(err)
		}
		res := "/presentation/" + p.id + "/shapes.svg"
		if w := p.get(res); w.Code != 404 {
			t.Fatalf("protected without cookie: %d", w.Code)
		}
		token, err := p.svc.MintToken(ctx(), p.id, "presentation")
		if err != nil || len(token) != 64 {
			t.Fatal(token, err)
		}
		if w := p.get(PlayURL(p.id, "podcast", token)); w.Code != 404 {
			t.Fatalf("token for another format accepted: %d", w.Code)
		}
		token, _ = p.svc.MintToken(ctx(), p.id, "presentation")
		w := p.get(PlayURL(p.id, "presentation", token))
		if w.Code != http.StatusTemporaryRedirect || w.Header().Get("Location") != "/playback/presentation/2.3/"+p.id {
			t.Fatalf("play: %d %q", w.Code, w.Header().Get("Location"))
		}
		cookies := w.Result().Cookies()
		if len(cookies) != 1 || cookies[0].Path != "/presentation/"+p.id || !cookies[0].HttpOnly {
			t.Fatalf("cookie: %+v", cookies)
		}
		if w := p.get(PlayURL(p.id, "presentation", token)); w.Code != 404 {
			t.Fatalf("token used twice: %d", w.Code)
		}
		if w := p.get(res, cookies[0]); w.Code != 200 || w.Header().Get("X-Accel-Redirect") == "" {
			t.Fatalf("with cookie: %d", w.Code)
		}
		// a cookie minted for another recording does not open this one
		other, _ := p.protector.cookie("presentation", testRecordID("prot", 99), false)
		other.Name = cookieName("presentation", p.id)
		if w := p.get(res, other); w.Code != 404 {
			t.Fatalf("foreign cookie accepted: %d", w.Code)
		}
		forged := *cookies[0]
		forged.Value = cookies[0].Value[:len(cookies[0].Value)-2] + "xx"
		if w := p.get(res, &forged); w.Code != 404 {
			t.Fatalf("forged cookie accepted: %d", w.Code)
		}
		// with the feature off, protected recordings are served without a cookie
		off := NewPlayback(PlaybackConfig{PublishDir: p.cfg.PublishDir, Formats: []string{"presentation"}, AccelRedirect: true}, store, p.protector, nil, nil)
		rw := httptest.NewRecorder()
		off.ServeHTTP(rw, httptest.NewRequest(http.MethodGet, res, nil))
		if rw.Code != 200 {
			t.Fatalf("feature off: %d", rw.Code)
		}
	})
}

func TestPlaybackTenants(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		for _, name := range []string{"bn", "other"} {
			if err := store.CreateTenant(ctx(), &scalelite.Tenant{ID: name + "-id", Name: name, Secrets: []string{"s"}}); err != nil {
				t.Fatal(err)
			}
		}
		spec := recSpec{ID: testRecordID("ten", 1), MeetingID: "ten", Published: true, Meta: map[string]string{"tenant-id": "bn-id"}}
		p := newPlaybackEnv(t, store, PlaybackConfig{AccelRedirect: true}, HostTenant(store, nil), spec)
		req := func(host string) int {
			r := httptest.NewRequest(http.MethodGet, "/presentation/"+p.id+"/shapes.svg", nil)
			r.Host = host
			w := httptest.NewRecorder()
			p.pb.ServeHTTP(w, r)
			return w.Code
		}
		if got := req("bn.api.example.com"); got != 200 {
			t.Fatalf("own tenant: %d", got)
		}
		if got := req("other.api.example.com:8443"); got != 404 {
			t.Fatalf("other tenant: %d", got)
		}
		if got := req("unknown.api.example.com"); got != 404 {
			t.Fatalf("unknown tenant: %d", got)
		}
	})
}

func TestPlayerRoutes(t *testing.T) {
	pb := NewPlayback(PlaybackConfig{Formats: []string{"presentation"}, PlayerDir: t.TempDir()}, nil, nil, nil, nil)
	tests := []struct{ path, loc string }{
		{"/playback/video/abc/", "/video/abc/"},
		{"/recording/screenshare/abc/", "/screenshare/abc/"},
		{"/playback/presentation/2.0/playback.html?meetingId=abc-1", "/playback/presentation/2.3/abc-1"},
	}
	for _, tc := range tests {
		w := httptest.NewRecorder()
		pb.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tc.path, nil))
		if w.Header().Get("Location") != tc.loc {
			t.Errorf("%s: got %d %q, want %q", tc.path, w.Code, w.Header().Get("Location"), tc.loc)
		}
	}
	w := httptest.NewRecorder()
	pb.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/presentation/x/y", io.NopCloser(strings.NewReader(""))))
	if w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", w.Code)
	}
	_ = filepath.Join
}
