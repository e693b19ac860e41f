package bbbfacade

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/recordings"
)

// recEnv is a balancer with the recording calls over a real store and file trees.
type recEnv struct {
	*env
	svc                     *recordings.Service
	publishDir, unpublished string
}

func newRecEnv(t *testing.T, store *db.DB, opts ...envOption) *recEnv {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	e := &env{t: t, store: store, now: time.Now()}
	e.cfg = envConfig{Config: Config{Secrets: []string{testSecret}}, Timeouts: bbb.Timeouts{Connect: time.Second, Response: time.Second}}
	for _, o := range opts {
		o(&e.cfg)
	}
	base := t.TempDir()
	files := recordings.NewFiles(filepath.Join(base, "published"), filepath.Join(base, "unpublished"))
	files.NoSync = true
	protector := recordings.NewProtector(events.NewLocalTokens(time.Now), "key-base", time.Hour, time.Hour, nil)
	svc := recordings.NewService(recordings.ServiceDeps{Store: store, Files: files, Protector: protector})
	e.recordings = svc
	e.start()
	e.client = &http.Client{}
	return &recEnv{env: e, svc: svc, publishDir: files.PublishDir, unpublished: files.UnpublishDir}
}

func recordingsDisabled(c *envConfig)  { c.Recordings.Disabled = true }
func recordingsFiltered(c *envConfig)  { c.Recordings.APIFiltered = true }
func recordingsProtected(c *envConfig) { c.Recordings.Protected = true }

// seed stores a recording (two formats, presentation with a thumbnail) and creates its files.
func (e *recEnv) seed(recordID, meetingID, state string, start int64, meta map[string]string) {
	e.t.Helper()
	st := time.UnixMilli(start).UTC()
	end := st.Add(33 * time.Minute)
	n, pt := 3, 7177
	if meta == nil {
		meta = map[string]string{}
	}
	rec := &scalelite.Recording{RecordID: recordID, MeetingID: meetingID, Name: "Room " + meetingID, State: state,
		Published: state == "published", Participants: &n, StartTime: &st, EndTime: &end, Metadata: meta,
		Formats: []scalelite.PlaybackFormat{
			{Format: "podcast", URL: "/podcast/" + recordID + "/audio.ogg", Length: 33},
			{Format: "presentation", URL: "/playback/presentation/2.3/" + recordID, Length: 33, ProcessingTime: &pt,
				Thumbnails: []scalelite.Thumbnail{{Width: 176, Height: 136, Alt: `Welcome "all"`, URL: "/presentation/" + recordID + "/thumb-1.png"}}},
		}}
	if _, err := e.store.UpsertRecording(context.Background(), rec); err != nil {
		e.t.Fatal(err)
	}
	dir := e.publishDir
	if state != "published" {
		dir = e.unpublished
	}
	for _, f := range []string{"podcast", "presentation"} {
		os.MkdirAll(filepath.Join(dir, f, recordID), 0o755)
		os.WriteFile(filepath.Join(dir, f, recordID, "metadata.xml"), []byte("<recording/>"), 0o644)
	}
}

func rid(meeting string, n int) string {
	return fmt.Sprintf("%040x-%d", len(meeting)*0xabcdef, 1700000000000+int64(n))
}

var recordIDRE = regexp.MustCompile(`<recordID>([^<]+)</recordID>`)

// listed returns the record ids of a getRecordings answer in order.
func listed(body string) []string {
	var ids []string
	for _, m := range recordIDRE.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestGetRecordingsChecksum(t *testing.T) { // item 48
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		for _, u := range []string{e.ts.URL + APIPath + "/getRecordings", e.ts.URL + APIPath + "/getRecordings?checksum=" + strings.Repeat("x", 40)} {
			code, body, _ := e.do(http.MethodGet, u, "", "")
			if code != 200 {
				t.Fatalf("HTTP %d", code)
			}
			checkError(t, body, keyChecksumError, msgChecksumError)
		}
	})
}

func TestGetRecordingsFilters(t *testing.T) { // items 49, 50, 52-57
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		// meeting "m1": 20 recordings sharing their 40-character prefix; others differ
		for i := range 20 {
			state := "published"
			if i%5 == 4 {
				state = "unpublished"
			}
			e.seed(rid("m1", i), "m1", state, 1700000000000+int64(i)*1000, map[string]string{"course": fmt.Sprintf("c%d", i%3), "gl-listed": "true"})
		}
		e.seed(rid("meeting-2", 1), "meeting-2", "published", 1600000000000, map[string]string{"course": "c1", "gl-listed": "false"})
		e.seed(rid("meeting-three", 1), "meeting-three", "processing", 1600000001000, nil)
		e.seed(rid("meeting-four", 1), "meeting-four", "deleted", 1600000002000, nil)

		count := func(q string) int {
			t.Helper()
			body := e.get("getRecordings", q)
			if !strings.Contains(body, "<returncode>SUCCESS</returncode>") {
				t.Fatalf("%s: %s", q, body)
			}
			return len(listed(body))
		}
		tests := []struct {
			name, query string
			want        int
		}{
			{"checksum alone: published and unpublished", "", 21},
			{"meetingID", "meetingID=m1", 20},
			{"meetingID list", "meetingID=m1,meeting-2", 21},
			{"recordID list", "recordID=" + rid("m1", 1) + "," + rid("meeting-2", 1), 2},
			{"recordID prefix of 40 characters", "recordID=" + rid("m1", 0)[:40], 20},
			{"recordID case-sensitive", "recordID=" + strings.ToUpper(rid("m1", 1)), 0},
			{"explicit state", "state=unpublished", 4},
			{"state list", "state=processing,published", 18},
			{"state any", "state=any", 23},
			{"meta values OR-ed", "meta_course=c1,c2", 14},
			{"meta keys AND-ed", "meta_course=c1&meta_gl-listed=false", 1},
			{"meta key is case-sensitive", "meta_Course=c1", 0},
			{"meta and state matching nothing", "meta_course=c1&state=processing", 0},
			{"meta with nothing", "meta_course=none", 0},
		}
		for _, tc := range tests {
			if got := count(tc.query); got != tc.want {
				t.Errorf("%s: got %d recordings, want %d", tc.name, got, tc.want)
			}
		}
		// POST form gives the same answer as GET
		q := "meetingID=m1"
		code, body, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/getRecordings", "application/x-www-form-urlencoded", q+"&checksum="+checksumOf("getRecordings", q))
		if code != 200 || len(listed(body)) != 20 {
			t.Fatalf("POST: %d %d", code, len(listed(body)))
		}
		// newest first
		if ids := listed(e.get("getRecordings", "meetingID=m1")); ids[0] != rid("m1", 19) {
			t.Fatalf("order: first %s", ids[0])
		}
		golden(t, "get_recordings_none", e.get("getRecordings", "meetingID=nothing"))

		f := newRecEnv(t, store, recordingsFiltered)
		checkError(t, f.get("getRecordings", ""), keyMissingParameters, msgMissingParameters)
		if n := len(listed(f.get("getRecordings", "meetingID=m1"))); n != 20 {
			t.Fatalf("filtered with meetingID: %d", n)
		}
	})
}

func TestGetRecordingsDocument(t *testing.T) { // item 51
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		e.seed(rid("golden", 1), "golden", "published", 1700000000000, map[string]string{"bbb-origin": "greenlight", "empty": "", "amp": "a&b"})
		body := e.get("getRecordings", "meetingID=golden")
		golden(t, "get_recordings", body)
		if !strings.Contains(body, "<url>"+e.ts.URL+"/playback/presentation/2.3/"+rid("golden", 1)+"</url>") {
			t.Fatalf("playback url not on our host:\n%s", body)
		}
	})
}

func TestGetRecordingsPagination(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		for i := range 7 {
			e.seed(rid("page", i), "page", "published", 1700000000000+int64(i)*1000, nil)
		}
		body := e.get("getRecordings", "meetingID=page&offset=2&limit=3")
		if ids := listed(body); len(ids) != 3 || ids[0] != rid("page", 4) {
			t.Fatalf("page: %v", ids)
		}
		want := "  <pagination>\n    <pageable>\n      <offset>2</offset>\n      <limit>3</limit>\n      <paged>true</paged>\n      <unpaged>false</unpaged>\n    </pageable>\n    <totalElements>7</totalElements>\n    <empty>false</empty>\n  </pagination>\n</response>\n"
		if !strings.HasSuffix(body, want) {
			t.Fatalf("pagination block:\n%s", body)
		}
		if ids := listed(e.get("getRecordings", "meetingID=page&limit=500")); len(ids) != 7 {
			t.Fatalf("limit clamps to 100: %d", len(ids))
		}
		body = e.get("getRecordings", "meetingID=page&offset=10")
		if len(listed(body)) != 0 || !strings.Contains(body, "<empty>true</empty>") || !strings.Contains(body, "<totalElements>7</totalElements>") {
			t.Fatalf("past the end:\n%s", body)
		}
		if strings.Contains(e.get("getRecordings", "meetingID=page"), "pagination") {
			t.Fatal("pagination block without offset/limit")
		}
	})
}

func TestGetRecordingsProtected(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store, recordingsProtected)
		e.seed(rid("prot", 1), "prot", "published", 1700000000000, nil)
		if err := store.SetProtected(context.Background(), []string{rid("prot", 1)}, true); err != nil {
			t.Fatal(err)
		}
		body := e.get("getRecordings", "meetingID=prot")
		re := regexp.MustCompile(`<url>` + regexp.QuoteMeta(e.ts.URL) + `/recording/` + rid("prot", 1) + `/(podcast|presentation)\?token=[0-9a-f]{64}</url>`)
		if len(re.FindAllString(body, -1)) != 2 || !strings.Contains(body, "<protected>true</protected>") || strings.Contains(body, "<preview>") {
			t.Fatalf("protected answer:\n%s", body)
		}
	})
}

func TestGetRecordingsMultitenant(t *testing.T) { // item 58
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store, multitenant)
		bn := e.addTenant("bn", "bn-secret")
		other := e.addTenant("other", "other-secret")
		e.seed(rid("t", 1), "t1", "published", 1700000000000, map[string]string{"tenant-id": bn.ID, "course": "c1"})
		e.seed(rid("t", 2), "t2", "published", 1700000001000, map[string]string{"tenant-id": bn.ID, "course": "c2"})
		e.seed(rid("t", 3), "t3", "published", 1700000002000, map[string]string{"tenant-id": other.ID, "course": "c1"})
		body := e.tenantGet("bn", "bn-secret", "getRecordings", "")
		if ids := listed(body); len(ids) != 2 || !strings.Contains(body, "<tenant-id>"+bn.ID+"</tenant-id>") {
			t.Fatalf("tenant list:\n%s", body)
		}
		if ids := listed(e.tenantGet("bn", "bn-secret", "getRecordings", "meta_course=c1")); len(ids) != 1 || ids[0] != rid("t", 1) {
			t.Fatalf("tenant with meta filter: %v", ids)
		}
		if ids := listed(e.tenantGet("other", "other-secret", "getRecordings", "recordID="+rid("t", 1))); len(ids) != 0 {
			t.Fatalf("other tenant sees: %v", ids)
		}
		checkError(t, e.tenantGet("bn", testSecret, "getRecordings", ""), keyChecksumError, msgChecksumError)
	})
}

func TestPublishRecordings(t *testing.T) { // items 59-64
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		id := rid("pub", 1)
		e.seed(id, "pub", "published", 1700000000000, nil)
		code, body, _ := e.do(http.MethodGet, e.ts.URL+APIPath+"/publishRecordings?recordID="+id+"&publish=false", "", "")
		if code != 200 {
			t.Fatal(code)
		}
		checkError(t, body, keyChecksumError, msgChecksumError)
		checkError(t, e.get("publishRecordings", "publish=true"), keyMissingRecordID, msgMissingRecordID)
		checkError(t, e.get("publishRecordings", "recordID="+id), keyMissingPublish, msgMissingPublish)
		checkError(t, e.get("publishRecordings", "recordID=unknown-1&publish=true"), keyNotFound, msgRecordingsNotFound)

		golden(t, "publish_recordings_false", e.get("publishRecordings", "recordID="+id+"&publish=false"))
		rec, _ := store.Recording(context.Background(), id)
		if rec.Published || rec.State != "unpublished" {
			t.Fatalf("not unpublished: %+v", rec)
		}
		mustDir(t, filepath.Join(e.unpublished, "presentation", id), true)
		mustDir(t, filepath.Join(e.publishDir, "presentation", id), false)
		if body := e.get("publishRecordings", "recordID="+id+"&publish=TRUE"); !strings.Contains(body, "<published>true</published>") {
			t.Fatal(body)
		}
		rec, _ = store.Recording(context.Background(), id)
		if !rec.Published {
			t.Fatal("not republished")
		}
		code, body, _ = e.do(http.MethodPost, e.signed("publishRecordings", "recordID="+id+"&publish=true"), "", "")
		if code != 200 {
			t.Fatal(code)
		}
		checkError(t, body, keyUnsupportedRequest, msgUnsupportedRequest)

		d := newRecEnv(t, store, recordingsDisabled)
		for _, action := range []string{"publishRecordings", "updateRecordings", "deleteRecordings"} {
			code, body, _ := d.do(http.MethodGet, d.ts.URL+APIPath+"/"+action+"?recordID="+id, "", "")
			if code != 200 {
				t.Fatal(code)
			}
			checkError(t, body, keyNotFound, msgRecordingsNotFound)
		}
		code, body, _ = d.do(http.MethodPost, d.ts.URL+APIPath+"/updateRecordings", "application/x-www-form-urlencoded", "recordID="+id)
		if code != 200 {
			t.Fatal(code)
		}
		checkError(t, body, keyNotFound, msgRecordingsNotFound)
		_, body, _ = d.do(http.MethodGet, d.ts.URL+APIPath+"/getRecordings", "", "")
		golden(t, "get_recordings_none", body)
	})
}

func TestRecordingsMultitenantChanges(t *testing.T) { // items 64, 68, 74
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store, multitenant)
		bn := e.addTenant("bn", "bn-secret")
		other := e.addTenant("other", "other-secret")
		own, foreign := rid("mt", 1), rid("mt", 2)
		e.seed(own, "mt1", "published", 1700000000000, map[string]string{"tenant-id": bn.ID})
		e.seed(foreign, "mt2", "published", 1700000001000, map[string]string{"tenant-id": other.ID})

		if body := e.tenantGet("bn", "bn-secret", "publishRecordings", "recordID="+own+"&publish=false"); !strings.Contains(body, "<published>false</published>") {
			t.Fatal(body)
		}
		checkError(t, e.tenantGet("bn", "bn-secret", "publishRecordings", "recordID="+foreign+"&publish=false"), keyNotFound, msgRecordingsNotFound)

		if body := e.tenantGet("bn", "bn-secret", "updateRecordings", "recordID="+own+"&meta_x=1"); !strings.Contains(body, "<updated>true</updated>") {
			t.Fatal(body)
		}
		for _, ids := range []string{foreign, own + "," + foreign} {
			if body := e.tenantGet("bn", "bn-secret", "updateRecordings", "recordID="+ids+"&meta_x=2"); !strings.Contains(body, "<updated>false</updated>") {
				t.Fatalf("%s: %s", ids, body)
			}
		}
		rec, _ := store.Recording(context.Background(), foreign)
		if _, ok := rec.Metadata["x"]; ok {
			t.Fatal("foreign recording changed")
		}

		checkError(t, e.tenantGet("bn", "bn-secret", "deleteRecordings", "recordID="+foreign), keyNotFound, msgRecordingsNotFound)
		if body := e.tenantGet("bn", "bn-secret", "deleteRecordings", "recordID="+own); !strings.Contains(body, "<deleted>true</deleted>") {
			t.Fatal(body)
		}
	})
}

func TestUpdateRecordings(t *testing.T) { // items 65-67
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		a, b := rid("up", 1), rid("up", 2)
		e.seed(a, "up", "published", 1700000000000, map[string]string{"keep": "1", "gone": "x"})
		e.seed(b, "up", "published", 1700000001000, map[string]string{"keep": "1", "gone": "x"})
		code, body, _ := e.do(http.MethodGet, e.ts.URL+APIPath+"/updateRecordings?recordID="+a, "", "")
		if code != 200 {
			t.Fatal(code)
		}
		checkError(t, body, keyChecksumError, msgChecksumError)
		checkError(t, e.get("updateRecordings", "meta_x=1"), keyMissingRecordID, msgMissingRecordID)
		golden(t, "update_recordings", e.get("updateRecordings", "recordID="+a+","+b+"&meta_added=new&meta_keep=2&meta_gone=&protect=true"))
		for _, id := range []string{a, b} {
			rec, _ := store.Recording(context.Background(), id)
			_, gone := rec.Metadata["gone"]
			if rec.Metadata["added"] != "new" || rec.Metadata["keep"] != "2" || gone || len(rec.Metadata) != 2 || !rec.Protected {
				t.Fatalf("%s: %+v", id, rec)
			}
		}
		q := "recordID=" + a + "&meta_Post=yes"
		code, body, _ = e.do(http.MethodPost, e.ts.URL+APIPath+"/updateRecordings", "application/x-www-form-urlencoded", q+"&checksum="+checksumOf("updateRecordings", q))
		if code != 200 || !strings.Contains(body, "<updated>true</updated>") {
			t.Fatalf("POST: %d %s", code, body)
		}
		if rec, _ := store.Recording(context.Background(), a); rec.Metadata["post"] != "yes" {
			t.Fatalf("meta keys are lower-cased: %v", rec.Metadata)
		}
	})
}

func TestDeleteRecordings(t *testing.T) { // items 69-71, 73
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		a, b := rid("del", 1), rid("del", 2)
		e.seed(a, "del", "published", 1700000000000, nil)
		e.seed(b, "del", "unpublished", 1700000001000, nil)
		code, body, _ := e.do(http.MethodGet, e.ts.URL+APIPath+"/deleteRecordings?recordID="+a, "", "")
		if code != 200 {
			t.Fatal(code)
		}
		checkError(t, body, keyChecksumError, msgChecksumError)
		checkError(t, e.get("deleteRecordings", ""), keyMissingRecordID, msgMissingRecordID)
		checkError(t, e.get("deleteRecordings", "recordID=nope-1"), keyNotFound, msgRecordingsNotFound)
		code, body, _ = e.do(http.MethodPost, e.signed("deleteRecordings", "recordID="+a), "", "")
		if code != 200 {
			t.Fatal(code)
		}
		checkError(t, body, keyUnsupportedRequest, msgUnsupportedRequest)
		golden(t, "delete_recordings", e.get("deleteRecordings", "recordID="+a+","+b))
		for _, id := range []string{a, b} {
			rec, _ := store.Recording(context.Background(), id)
			if rec.State != scalelite.RecordingDeleted {
				t.Fatalf("%s state %q", id, rec.State)
			}
			for _, dir := range []string{e.publishDir, e.unpublished} {
				mustDir(t, filepath.Join(dir, "presentation", id), false)
			}
		}
		if n := len(listed(e.get("getRecordings", "meetingID=del&state=any"))); n != 2 {
			t.Fatalf("deleted rows stay listed with state=any: %d", n)
		}
	})
}

func TestRecordingTextTracks(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		id := rid("tt", 1)
		e.seed(id, "tt", "published", 1700000000000, nil)
		get := func(q string) string { return e.get("getRecordingTextTracks", q) }
		if body := get("recordID=" + id); !strings.Contains(body, `"messageKey":"noCaptionsFound"`) {
			t.Fatal(body)
		}
		if body := get("recordID=nope-1"); !strings.Contains(body, `"messageKey":"noRecordings"`) {
			t.Fatal(body)
		}
		if body := get(""); !strings.Contains(body, `"messageKey":"missingParamRecordID"`) {
			t.Fatal(body)
		}
		put := func(q, file string) string {
			t.Helper()
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			if file != "" {
				fw, _ := mw.CreateFormFile("file", "track.srt")
				fw.Write([]byte(file))
			}
			mw.Close()
			code, body, resp := e.do(http.MethodPost, e.signed("putRecordingTextTrack", q), mw.FormDataContentType(), buf.String())
			if code != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
				t.Fatalf("put: %d %s", code, resp.Header.Get("Content-Type"))
			}
			return body
		}
		srt := "1\n00:00:01,000 --> 00:00:02,000\nHello\n"
		tests := []struct{ query, file, want string }{
			{"kind=subtitles&lang=en-US", srt, `"messageKey":"paramError","message":"Missing param recordID."`},
			{"recordID=nope-1&kind=subtitles&lang=en-US", srt, `"messageKey":"noRecordings"`},
			{"recordID=" + id + "&kind=bogus&lang=en-US", srt, `"messageKey":"invalidKind"`},
			{"recordID=" + id + "&kind=subtitles&lang=no%20lang", srt, `"messageKey":"invalidLang"`},
			{"recordID=" + id + "&kind=subtitles&lang=en-US", "", `"messageKey":"empty_uploaded_text_track"`},
			{"recordID=" + id + "&kind=subtitles&lang=en-US", "garbage", `"messageKey":"upload_text_track_failed"`},
			{"recordID=" + id + "&kind=subtitles&lang=en-US&label=English", srt, `{"response":{"returncode":"SUCCESS","recordId":"` + id + `","messageKey":"upload_text_track_success","message":"Text track uploaded successfully"}}`},
		}
		for _, tc := range tests {
			if body := put(tc.query, tc.file); !strings.Contains(body, tc.want) {
				t.Errorf("%s: got %s, want %s", tc.query, body, tc.want)
			}
		}
		want := `{"response":{"returncode":"SUCCESS","tracks":[{"href":"` + e.ts.URL + `/presentation/` + id + `/caption_en-US.vtt","kind":"subtitles","label":"English","lang":"en-US","source":"upload"}]}}`
		if body := get("recordID=" + id); body != want {
			t.Fatalf("tracks:\n%s\nwant\n%s", body, want)
		}
		vtt, err := os.ReadFile(filepath.Join(e.publishDir, "presentation", id, "caption_en-US.vtt"))
		if err != nil || !strings.Contains(string(vtt), "00:00:01.000 --> 00:00:02.000") {
			t.Fatalf("player file: %q %v", vtt, err)
		}
	})
}

func mustDir(t *testing.T, p string, want bool) {
	t.Helper()
	_, err := os.Stat(p)
	if (err == nil) != want {
		t.Fatalf("%s exists=%v, want %v", p, err == nil, want)
	}
}
