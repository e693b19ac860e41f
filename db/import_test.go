package db_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func importedRecording(n int, state string) *scalelite.Recording {
	start := time.Date(2025, 5, 6, 7, 8, 9, 123456000, time.UTC).Add(time.Duration(n) * time.Hour)
	end := start.Add(time.Hour)
	p, pt := n, 40+n
	return &scalelite.Recording{RecordID: fmt.Sprintf("%040d-%d", n, 1700000000000+n), MeetingID: fmt.Sprintf("m%d", n),
		Name: fmt.Sprintf("Room %d", n), State: state, Published: state == scalelite.RecordingPublished, Protected: n%2 == 0,
		PublishUpdated: n%3 == 0, Participants: &p, StartTime: &start, EndTime: &end,
		Metadata: map[string]string{"bbb-origin": "greenlight", "gl-listed": "true", "empty": ""},
		Formats: []scalelite.PlaybackFormat{
			{Format: "podcast", URL: "/podcast/x/audio.ogg", Length: 3},
			{Format: "presentation", URL: "/playback/presentation/2.3/x", Length: 61, ProcessingTime: &pt, Thumbnails: []scalelite.Thumbnail{
				{Width: 176, Height: 136, Alt: "a", URL: "/presentation/x/1.png", Sequence: 0},
				{Width: 176, Height: 136, Alt: "b", URL: "/presentation/x/2.png", Sequence: 1}}},
		}}
}

func TestImportRecordingsAndCallbacks(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		a, b := importedRecording(1, scalelite.RecordingNoState), importedRecording(2, scalelite.RecordingPublished)
		if err := store.ImportRecordings(ctx, []*scalelite.Recording{a, b}, nil); err != nil {
			t.Fatal(err)
		}
		check := func(want *scalelite.Recording) *scalelite.Recording {
			t.Helper()
			got, err := store.Recording(ctx, want.RecordID)
			if err != nil {
				t.Fatal(err)
			}
			cp := *got
			cp.ID, cp.CreatedAt, cp.UpdatedAt = 0, time.Time{}, time.Time{}
			if !reflect.DeepEqual(&cp, want) {
				t.Errorf("stored %+v\nwant %+v", &cp, want)
			}
			return got
		}
		check(a)
		before := check(b)
		if err := store.PutTextTrack(ctx, scalelite.TextTrack{RecordID: b.RecordID, Kind: "subtitles", Lang: "en", Source: "upload"}); err != nil {
			t.Fatal(err)
		}

		// Rewritten in place: same row, text tracks kept, children replaced.
		b2 := importedRecording(2, scalelite.RecordingUnpublished)
		b2.Metadata = map[string]string{"only": "this"}
		b2.Formats = b2.Formats[1:]
		b2.Formats[0].Thumbnails = nil
		c := importedRecording(3, scalelite.RecordingDeleted)
		c.Metadata, c.Formats = map[string]string{}, []scalelite.PlaybackFormat{}
		if err := store.ImportRecordings(ctx, []*scalelite.Recording{c}, []*scalelite.Recording{b2}); err != nil {
			t.Fatal(err)
		}
		if after := check(b2); after.ID != before.ID {
			t.Errorf("rewritten row id %d, was %d", after.ID, before.ID)
		}
		check(c)
		if tracks, err := store.TextTracks(ctx, b.RecordID); err != nil || len(tracks) != 1 {
			t.Errorf("text tracks after the rewrite: %v %v", tracks, err)
		}
		if err := store.ImportRecordings(ctx, []*scalelite.Recording{importedRecording(1, "")}, nil); scalelite.ErrorCode(err) != scalelite.ECONFLICT {
			t.Errorf("adding an existing record id: %v", err)
		}

		cbs := []scalelite.ImportedCallback{
			{MeetingID: a.MeetingID, RecordID: a.RecordID, RecordingReadyURL: "https://gl/ready", TenantID: "t1"},
			{MeetingID: "running", AnalyticsCallbackURL: "https://lms/analytics"},
			{MeetingID: "gone", RecordID: "no-such-recording", RecordingReadyURL: "https://gl/ready"},
		}
		if err := store.ImportCallbacks(ctx, cbs); err != nil {
			t.Fatal(err)
		}
		got, err := store.ImportedCallbacks(ctx, []string{a.MeetingID, "running", "gone", "unknown"})
		if err != nil {
			t.Fatal(err)
		}
		cbs[2].RecordID = "" // no such recording: not linked
		want := map[string]scalelite.ImportedCallback{a.MeetingID: cbs[0], "running": cbs[1], "gone": cbs[2]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("callbacks %+v\nwant %+v", got, want)
		}
		if cd, err := store.CallbackData(ctx, a.MeetingID); err != nil || cd.RecordingID == nil || cd.RecordingReadyURL != "https://gl/ready" {
			t.Errorf("callback data as the notifier reads it: %+v %v", cd, err)
		}
	})
}

func TestImportMeeting(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		ctx := context.Background()
		m := &scalelite.Meeting{MeetingID: "a", ServerID: "s1", TenantID: "t", ModeratorPW: "mp", VoiceBridge: "123456789"}
		if err := store.ImportMeeting(ctx, m, false); err != nil || m.ID == 0 {
			t.Fatalf("import: %v, id %d", err, m.ID)
		}
		got, err := store.Meeting(ctx, "a")
		if err != nil || got.ServerID != "s1" || got.TenantID != "t" || got.ModeratorPW != "mp" || got.VoiceBridge != "123456789" || got.CreateQuery != "" {
			t.Fatalf("stored %+v, %v", got, err)
		}
		for name, dup := range map[string]*scalelite.Meeting{
			"meeting id":   {MeetingID: "a", ServerID: "s2", VoiceBridge: "223456789"},
			"voice bridge": {MeetingID: "b", ServerID: "s2", VoiceBridge: "123456789"},
		} {
			if err := store.ImportMeeting(ctx, dup, false); scalelite.ErrorCode(err) != scalelite.ECONFLICT {
				t.Errorf("same %s: %v, want a conflict", name, err)
			}
		}
		// replace ends ours and takes its place, in one transaction.
		if err := store.ImportMeeting(ctx, &scalelite.Meeting{MeetingID: "a", ServerID: "s2", VoiceBridge: "323456789"}, true); err != nil {
			t.Fatal(err)
		}
		all, _ := store.Meetings(ctx, scalelite.MeetingFilter{MeetingIDs: []string{"a"}, IncludeEnded: true})
		if len(all) != 2 || all[0].EndedAt == nil || all[1].ServerID != "s2" || all[1].EndedAt != nil {
			t.Errorf("after replace: %+v", all)
		}
	})
}
