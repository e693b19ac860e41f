package recordings

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestServicePublishDelete(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		svc := NewService(ServiceDeps{Store: store, Files: e.files})
		r := recSpec{ID: testRecordID("svc", 1), MeetingID: "svc", Published: true, Meta: map[string]string{"tenant-id": "t1"}}
		if err := e.im.ImportFile(ctx(), e.spool("s.tar", buildTar(t, recordingEntries(r, "presentation", "video")))); err != nil {
			t.Fatal(err)
		}
		if err := svc.Publish(ctx(), "t2", []string{r.ID}, false); scalelite.ErrorCode(err) != scalelite.ENOTFOUND {
			t.Fatalf("other tenant: %v", err)
		}
		if err := svc.Publish(ctx(), "t1", []string{r.ID}, false); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"presentation", "video"} {
			mustExist(t, filepath.Join(e.cfg.UnpublishDir, f, r.ID, "metadata.xml"))
			mustNotExist(t, filepath.Join(e.cfg.PublishDir, f, r.ID))
		}
		rec, _ := store.Recording(ctx(), r.ID)
		if rec.Published || !rec.PublishUpdated || rec.State != "unpublished" {
			t.Fatalf("after unpublish: %+v", rec)
		}
		// files missing from both trees: Scalelite's internal error
		os.RemoveAll(filepath.Join(e.cfg.UnpublishDir, "video", r.ID))
		err := svc.Publish(ctx(), "", []string{r.ID}, true)
		if scalelite.ErrorCode(err) != scalelite.EINTERNAL || scalelite.ErrorMessage(err) != MsgPublishFailed {
			t.Fatalf("missing files: %v", err)
		}
		// a copy in both trees: the stale one goes
		os.MkdirAll(filepath.Join(e.cfg.PublishDir, "video", r.ID), 0o755)
		os.MkdirAll(filepath.Join(e.cfg.UnpublishDir, "video", r.ID), 0o755)
		if err := e.files.SetPublished("video", r.ID, true); err != nil {
			t.Fatal(err)
		}
		mustNotExist(t, filepath.Join(e.cfg.UnpublishDir, "video", r.ID))

		// delete removes published and unpublished copies and marks the row
		os.MkdirAll(filepath.Join(e.cfg.PublishDir, "presentation", r.ID), 0o755)
		if err := svc.Delete(ctx(), "t1", []string{r.ID}); err != nil {
			t.Fatal(err)
		}
		for _, dir := range []string{e.cfg.PublishDir, e.cfg.UnpublishDir} {
			if left, _ := filepath.Glob(filepath.Join(dir, "*", r.ID)); len(left) != 0 {
				t.Fatalf("left after delete: %v", left)
			}
		}
		rec, _ = store.Recording(ctx(), r.ID)
		if rec.State != scalelite.RecordingDeleted || len(rec.Formats) != 0 || len(rec.Metadata) != 0 {
			t.Fatalf("after delete: %+v", rec)
		}
		if err := svc.Delete(ctx(), "", []string{"unknown-1"}); scalelite.ErrorCode(err) != scalelite.ENOTFOUND {
			t.Fatalf("unknown: %v", err)
		}
	})
}

func TestServiceUpdate(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		svc := NewService(ServiceDeps{Store: store, Files: e.files})
		var ids []string
		for i := range 3 {
			r := recSpec{ID: testRecordID("upd", i), MeetingID: "upd", Published: true, Meta: map[string]string{"tenant-id": "t1", "keep": "x"}}
			ids = append(ids, r.ID)
			if err := e.im.ImportFile(ctx(), e.spool("u.tar", buildTar(t, recordingEntries(r, "video")))); err != nil {
				t.Fatal(err)
			}
		}
		yes := true
		tests := []struct {
			name    string
			tenant  string
			ids     []string
			meta    map[string]string
			protect *bool
			want    bool
		}{
			{"unknown id", "", []string{ids[0], "nope"}, map[string]string{"a": "1"}, nil, false},
			{"duplicate id", "", []string{ids[0], ids[0]}, map[string]string{"a": "1"}, nil, false},
			{"other tenant", "t2", ids[:1], map[string]string{"a": "1"}, nil, false},
			{"meta and protect on every id", "t1", ids, map[string]string{"Color": "blue", "keep": ""}, &yes, true},
			{"tenant-id cannot move", "t1", ids[:1], map[string]string{"tenant-id": "t2"}, nil, false},
		}
		for _, tc := range tests {
			got, err := svc.Update(ctx(), tc.tenant, tc.ids, tc.meta, tc.protect)
			if err != nil || got != tc.want {
				t.Fatalf("%s: got %v %v, want %v", tc.name, got, err, tc.want)
			}
		}
		for _, id := range ids {
			rec, _ := store.Recording(ctx(), id)
			if rec.Metadata["color"] != "blue" || rec.Metadata["keep"] != "" || !rec.Protected || rec.Metadata["tenant-id"] != "t1" {
				t.Fatalf("%s: %+v", id, rec)
			}
			if _, ok := rec.Metadata["a"]; ok {
				t.Fatal("a failed update changed metadata")
			}
		}
	})
}

func TestTextTracksRoundTrip(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, nil)
		svc := NewService(ServiceDeps{Store: store, Files: e.files, Tracks: e.im.tracks})
		r := recSpec{ID: testRecordID("tt", 1), MeetingID: "tt", Published: true}
		live := `[{"localeName":"Deutsch","locale":"de-DE"}]`
		es := append(recordingEntries(r, "presentation"),
			tarEntry{Name: "presentation/" + r.ID + "/captions.json", Body: live},
			tarEntry{Name: "presentation/" + r.ID + "/caption_de-DE.vtt", Body: "WEBVTT\n\n00:00.000 --> 00:01.000\nHallo\n"})
		archive := buildTar(t, es)
		if err := e.im.ImportFile(ctx(), e.spool("t.tar", archive)); err != nil {
			t.Fatal(err)
		}
		srt := "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nWorld\r\n"
		if err := svc.PutTextTrack(ctx(), "", r.ID, "subtitles", "en-US", "English", []byte(srt)); err != nil {
			t.Fatal(err)
		}
		if err := svc.PutTextTrack(ctx(), "", r.ID, "subtitles", "fr", "", []byte("not subtitles")); scalelite.ErrorCode(err) != scalelite.EINVALID {
			t.Fatalf("garbage track: %v", err)
		}
		check := func(when string) {
			tracks, err := svc.TextTracks(ctx(), "", r.ID)
			if err != nil || len(tracks) != 2 {
				t.Fatalf("%s: tracks %+v %v", when, tracks, err)
			}
			if tracks[0].Lang != "de-DE" || tracks[0].Source != TrackLive || tracks[1].Lang != "en-US" || tracks[1].Source != TrackUpload ||
				tracks[1].Href != "/presentation/"+r.ID+"/caption_en-US.vtt" || tracks[1].Label != "English" {
				t.Fatalf("%s: tracks %+v", when, tracks)
			}
			pres := filepath.Join(e.cfg.PublishDir, "presentation", r.ID)
			vtt, _ := os.ReadFile(filepath.Join(pres, "caption_en-US.vtt"))
			if !strings.HasPrefix(string(vtt), "WEBVTT") || !strings.Contains(string(vtt), "00:00:01.000 --> 00:00:02.500") {
				t.Fatalf("%s: vtt %q", when, vtt)
			}
			var list []captionEntry
			b, _ := os.ReadFile(filepath.Join(pres, "captions.json"))
			if json.Unmarshal(b, &list) != nil || len(list) != 2 || list[1].Locale != "en-US" || list[1].LocaleName != "English" {
				t.Fatalf("%s: captions.json %s", when, b)
			}
		}
		check("after upload")
		// a re-import replaces the presentation directory; the upload is put back
		if err := e.im.ImportFile(ctx(), e.spool("t.tar", archive)); err != nil {
			t.Fatal(err)
		}
		check("after re-import")
		if _, err := svc.TextTracks(ctx(), "other", r.ID); !scalelite.IsNotFound(err) {
			t.Fatalf("other tenant: %v", err)
		}
	})
}

func TestToWebVTT(t *testing.T) {
	ass := "[Script Info]\nTitle: x\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n" +
		"Dialogue: 0,0:00:01.50,0:00:03.00,Default,,0,0,0,,{\\i1}Hello{\\i0}, world\\Nline two\n"
	got, err := toWebVTT([]byte(ass))
	want := "WEBVTT\n\n00:00:01.500 --> 00:00:03.000\nHello, world\nline two\n\n"
	if err != nil || string(got) != want {
		t.Fatalf("ass: got %q %v", got, err)
	}
	vtt := "\ufeffWEBVTT\n\n00:01.000 --> 00:02.000\nx\n"
	if got, err := toWebVTT([]byte(vtt)); err != nil || !strings.HasPrefix(string(got), "WEBVTT") {
		t.Fatalf("vtt: %q %v", got, err)
	}
}
