package scalelitetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// NewRecording returns a recording fixture with one metadatum and a presentation format with two
// thumbnails.
func NewRecording(recordID, meetingID string, start *time.Time) *scalelite.Recording {
	var end *time.Time
	if start != nil {
		end = ptr(start.Add(30 * time.Minute))
	}
	return &scalelite.Recording{
		RecordID: recordID, MeetingID: meetingID, Name: "Recording " + recordID, State: scalelite.RecordingPublished,
		Published: true, Participants: ptr(3), StartTime: start, EndTime: end,
		Metadata: map[string]string{"bbb-origin": "greenlight"},
		Formats: []scalelite.PlaybackFormat{{
			Format: "presentation", URL: "/playback/presentation/2.3/" + recordID, Length: 30,
			Thumbnails: []scalelite.Thumbnail{
				{Width: 176, Height: 136, Alt: "slide 1", URL: "/presentation/" + recordID + "/1.png", Sequence: 0},
				{Width: 176, Height: 136, Alt: "slide 2", URL: "/presentation/" + recordID + "/2.png", Sequence: 1},
			},
		}},
	}
}

func upsert(t *testing.T, s scalelite.Store, r *scalelite.Recording) *scalelite.Recording {
	t.Helper()
	got, err := s.UpsertRecording(context.Background(), r)
	if err != nil {
		t.Fatalf("UpsertRecording %s: %v", r.RecordID, err)
	}
	return got
}

// sameRecording compares the indexed content of two recordings (not ids and row times).
func sameRecording(t *testing.T, what string, got, want *scalelite.Recording) {
	t.Helper()
	timesEqual := func(a, b *time.Time) bool { return a == nil && b == nil || a != nil && b != nil && sameTime(*a, *b) }
	if got.RecordID != want.RecordID || got.MeetingID != want.MeetingID || got.Name != want.Name ||
		got.State != want.State || got.Published != want.Published || got.Protected != want.Protected ||
		got.PublishUpdated != want.PublishUpdated || !reflect.DeepEqual(got.Participants, want.Participants) ||
		!timesEqual(got.StartTime, want.StartTime) || !timesEqual(got.EndTime, want.EndTime) {
		t.Errorf("%s: recording = %+v, want %+v", what, got, want)
	}
	if !reflect.DeepEqual(got.Metadata, want.Metadata) {
		t.Errorf("%s: metadata = %v, want %v", what, got.Metadata, want.Metadata)
	}
	if !reflect.DeepEqual(got.Formats, want.Formats) {
		t.Errorf("%s: formats = %+v, want %+v", what, got.Formats, want.Formats)
	}
	if got.StartTime != nil && got.StartTime.Location() != time.UTC {
		t.Errorf("%s: StartTime location %v, want UTC", what, got.StartTime.Location())
	}
}

func testRecordings(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()

	t.Run("upsert and get", func(t *testing.T) {
		s := newStore(t)
		start := t0.In(time.FixedZone("CET", 3600))
		r := NewRecording("rec-1", "m1", &start)
		r.Formats = append(r.Formats, scalelite.PlaybackFormat{Format: "podcast", URL: "/podcast/rec-1", Length: 29, ProcessingTime: ptr(1200)})
		r.Formats[0], r.Formats[1] = r.Formats[1], r.Formats[0]
		got := upsert(t, s, r)
		want := NewRecording("rec-1", "m1", &start)
		// Stored formats are ordered by name: podcast before presentation.
		want.Formats = append([]scalelite.PlaybackFormat{{Format: "podcast", URL: "/podcast/rec-1", Length: 29, ProcessingTime: ptr(1200)}}, want.Formats...)
		if got.ID == 0 || got.CreatedAt.IsZero() || got.UpdatedAt.IsZero() {
			t.Errorf("UpsertRecording did not fill ID/CreatedAt: %+v", got)
		}
		sameRecording(t, "UpsertRecording", got, want)
		stored, err := s.Recording(ctx, "rec-1")
		must(t, "Recording", err)
		sameRecording(t, "Recording", stored, want)
		if stored.ID != got.ID {
			t.Errorf("ids differ: %d %d", stored.ID, got.ID)
		}
		_, err = s.Recording(ctx, "nope")
		wantCode(t, "unknown recording", err, scalelite.ENOTFOUND)
		_, err = s.UpsertRecording(ctx, &scalelite.Recording{MeetingID: "m"})
		wantCode(t, "no record id", err, scalelite.EINVALID)
	})

	t.Run("re-import keeps other keys and formats", func(t *testing.T) {
		s := newStore(t)
		first := NewRecording("rec-1", "m1", ptr(t0))
		first.Metadata["keep"] = "me"
		first.Formats = append(first.Formats, scalelite.PlaybackFormat{Format: "video", URL: "/video/rec-1", Length: 30})
		old := upsert(t, s, first)

		again := NewRecording("rec-1", "m1", ptr(t0))
		again.Name = "Renamed"
		again.Participants = nil
		again.Metadata = map[string]string{"bbb-origin": "moodle", "new": "key"}
		again.Formats = []scalelite.PlaybackFormat{{Format: "presentation", URL: "/playback/presentation/2.3/rec-1?x=1", Length: 31,
			Thumbnails: []scalelite.Thumbnail{{Width: 1, Height: 2, Alt: "only", URL: "/t.png", Sequence: 0}}}}
		got := upsert(t, s, again)
		if got.ID != old.ID {
			t.Errorf("re-import changed the id: %d -> %d", old.ID, got.ID)
		}
		want := NewRecording("rec-1", "m1", ptr(t0))
		want.Name = "Renamed"
		want.Participants = nil
		want.Metadata = map[string]string{"bbb-origin": "moodle", "new": "key", "keep": "me"}
		want.Formats = []scalelite.PlaybackFormat{
			{Format: "presentation", URL: "/playback/presentation/2.3/rec-1?x=1", Length: 31,
				Thumbnails: []scalelite.Thumbnail{{Width: 1, Height: 2, Alt: "only", URL: "/t.png", Sequence: 0}}},
			{Format: "video", URL: "/video/rec-1", Length: 30},
		}
		sameRecording(t, "after re-import", got, want)
	})

	t.Run("publish changed through the API survives imports", func(t *testing.T) {
		s := newStore(t)
		upsert(t, s, NewRecording("rec-1", "m1", ptr(t0)))
		must(t, "SetPublished false", s.SetPublished(ctx, "rec-1", false))
		got, err := s.Recording(ctx, "rec-1")
		must(t, "Recording", err)
		if got.Published || !got.PublishUpdated || got.State != scalelite.RecordingUnpublished {
			t.Fatalf("after SetPublished(false): published %v, publish_updated %v, state %q", got.Published, got.PublishUpdated, got.State)
		}
		got = upsert(t, s, NewRecording("rec-1", "m1", ptr(t0))) // says published
		if got.Published || !got.PublishUpdated || got.State != scalelite.RecordingUnpublished {
			t.Errorf("import overrode the API's publish state: published %v, publish_updated %v, state %q", got.Published, got.PublishUpdated, got.State)
		}
		must(t, "SetPublished true", s.SetPublished(ctx, "rec-1", true))
		got, err = s.Recording(ctx, "rec-1")
		must(t, "Recording", err)
		if !got.Published || got.State != scalelite.RecordingPublished {
			t.Errorf("after SetPublished(true): %+v", got)
		}
		wantCode(t, "SetPublished unknown", s.SetPublished(ctx, "nope", true), scalelite.ENOTFOUND)
	})
}
