package scalelitetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func testRecordingExtras(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("update metadata", func(t *testing.T) {
		s := newStore(t)
		upsert(t, s, NewRecording("r1", "m1", ptr(t0)))
		upsert(t, s, NewRecording("r2", "m1", ptr(t0)))
		must(t, "UpdateMetadata", s.UpdateMetadata(ctx, []string{"r1", "r2"}, map[string]string{"name": "New", "bbb-origin": ""}))
		for _, id := range []string{"r1", "r2"} {
			got, err := s.Recording(ctx, id)
			must(t, "Recording", err)
			if want := map[string]string{"name": "New"}; !reflect.DeepEqual(got.Metadata, want) {
				t.Errorf("%s metadata = %v, want %v", id, got.Metadata, want)
			}
		}
		err := s.UpdateMetadata(ctx, []string{"r1", "nope"}, map[string]string{"name": "Other"})
		wantCode(t, "UpdateMetadata with an unknown id", err, scalelite.ENOTFOUND)
		got, err := s.Recording(ctx, "r1")
		must(t, "Recording", err)
		if got.Metadata["name"] != "New" {
			t.Errorf("a failed UpdateMetadata changed r1: %v", got.Metadata)
		}
	})

	t.Run("protect", func(t *testing.T) {
		s := newStore(t)
		upsert(t, s, NewRecording("r1", "m1", ptr(t0)))
		upsert(t, s, NewRecording("r2", "m1", ptr(t0)))
		must(t, "SetProtected", s.SetProtected(ctx, []string{"r2"}, true))
		r1, err := s.Recording(ctx, "r1")
		must(t, "Recording r1", err)
		r2, err := s.Recording(ctx, "r2")
		must(t, "Recording r2", err)
		if r1.Protected || !r2.Protected {
			t.Errorf("protected r1=%v r2=%v, want false true", r1.Protected, r2.Protected)
		}
		wantCode(t, "SetProtected unknown", s.SetProtected(ctx, []string{"nope"}, true), scalelite.ENOTFOUND)
	})

	t.Run("mark deleted", func(t *testing.T) {
		s := newStore(t)
		r := NewRecording("r1", "m1", ptr(t0))
		r.Metadata["tenant-id"] = "T1"
		upsert(t, s, r)
		must(t, "MarkDeleted", s.MarkDeleted(ctx, "r1"))
		got, err := s.Recording(ctx, "r1")
		must(t, "Recording after delete", err)
		if got.State != scalelite.RecordingDeleted || len(got.Metadata) != 0 || len(got.Formats) != 0 {
			t.Errorf("after MarkDeleted: %+v", got)
		}
		wantCode(t, "MarkDeleted unknown", s.MarkDeleted(ctx, "nope"), scalelite.ENOTFOUND)
	})

	t.Run("add tenant to recordings", func(t *testing.T) {
		s := newStore(t)
		upsert(t, s, NewRecording("r1", "m1", ptr(t0)))
		owned := NewRecording("r2", "m1", ptr(t0))
		owned.Metadata["tenant-id"] = "T0"
		upsert(t, s, owned)
		upsert(t, s, NewRecording("r3", "m2", ptr(t0)))
		n, err := s.AddTenantToRecordings(ctx, "T1")
		must(t, "AddTenantToRecordings", err)
		if n != 2 {
			t.Errorf("AddTenantToRecordings changed %d, want 2", n)
		}
		got, _, err := s.Recordings(ctx, scalelite.RecordingFilter{TenantID: "T1"})
		must(t, "Recordings", err)
		if ids := recordIDs(got); !equal(ids, []string{"r1", "r3"}) && !equal(ids, []string{"r3", "r1"}) {
			t.Errorf("T1 recordings = %v", ids)
		}
		n, err = s.AddTenantToRecordings(ctx, "T2")
		must(t, "AddTenantToRecordings again", err)
		if n != 0 {
			t.Errorf("second AddTenantToRecordings changed %d, want 0", n)
		}
	})

	t.Run("text tracks", func(t *testing.T) {
		s := newStore(t)
		upsert(t, s, NewRecording("r1", "m1", ptr(t0)))
		tracks, err := s.TextTracks(ctx, "r1")
		must(t, "TextTracks empty", err)
		if len(tracks) != 0 {
			t.Fatalf("TextTracks = %+v", tracks)
		}
		pt := scalelite.TextTrack{RecordID: "r1", Kind: "subtitles", Lang: "pt-BR", Label: "Português", Source: "upload", Href: "/textTrack/r1/pt-BR.vtt"}
		en := scalelite.TextTrack{RecordID: "r1", Kind: "captions", Lang: "en-US", Label: "English", Source: "live", Href: "/textTrack/r1/en-US.vtt"}
		must(t, "PutTextTrack pt", s.PutTextTrack(ctx, pt))
		must(t, "PutTextTrack en", s.PutTextTrack(ctx, en))
		pt.Label, pt.Href = "Portuguese", "/textTrack/r1/pt-BR-2.vtt"
		must(t, "PutTextTrack replace", s.PutTextTrack(ctx, pt))
		tracks, err = s.TextTracks(ctx, "r1")
		must(t, "TextTracks", err)
		if want := []scalelite.TextTrack{en, pt}; !reflect.DeepEqual(tracks, want) {
			t.Errorf("TextTracks = %+v, want %+v", tracks, want)
		}
		wantCode(t, "PutTextTrack unknown", s.PutTextTrack(ctx, scalelite.TextTrack{RecordID: "nope", Kind: "captions", Lang: "en"}), scalelite.ENOTFOUND)
		_, err = s.TextTracks(ctx, "nope")
		wantCode(t, "TextTracks unknown", err, scalelite.ENOTFOUND)
	})

	t.Run("callback data", func(t *testing.T) {
		s := newStore(t)
		rec := upsert(t, s, NewRecording("r1", "m1", ptr(t0)))
		c := &scalelite.CallbackData{MeetingID: "m1", RecordingReadyURL: "https://lms/ready", TenantID: "T1"}
		must(t, "PutCallbackData", s.PutCallbackData(ctx, c))
		if c.CreatedAt.IsZero() {
			t.Errorf("PutCallbackData left CreatedAt zero")
		}
		got, err := s.CallbackData(ctx, "m1")
		must(t, "CallbackData", err)
		if got.MeetingID != "m1" || got.RecordingReadyURL != "https://lms/ready" || got.AnalyticsCallbackURL != "" ||
			got.TenantID != "T1" || got.RecordingID != nil || !sameTime(got.CreatedAt, c.CreatedAt) {
			t.Errorf("CallbackData = %+v", got)
		}
		c2 := &scalelite.CallbackData{MeetingID: "m1", RecordingID: ptr(rec.ID), AnalyticsCallbackURL: "https://lms/analytics"}
		must(t, "PutCallbackData replace", s.PutCallbackData(ctx, c2))
		got, err = s.CallbackData(ctx, "m1")
		must(t, "CallbackData", err)
		if got.RecordingReadyURL != "" || got.AnalyticsCallbackURL != "https://lms/analytics" || got.RecordingID == nil ||
			*got.RecordingID != rec.ID || got.TenantID != "" || !sameTime(got.CreatedAt, c.CreatedAt) {
			t.Errorf("replaced CallbackData = %+v", got)
		}
		_, err = s.CallbackData(ctx, "nope")
		wantCode(t, "CallbackData unknown", err, scalelite.ENOTFOUND)
	})
}
