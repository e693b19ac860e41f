package scalelitetest

import (
	"context"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func recordIDs(list []*scalelite.Recording) []string {
	out := []string{}
	for _, r := range list {
		out = append(out, r.RecordID)
	}
	return out
}

func testRecordingFilters(t *testing.T, newStore func(t *testing.T) scalelite.Store) {
	ctx := context.Background()
	s := newStore(t)
	at := func(d time.Duration) *time.Time { return ptr(t0.Add(d)) }
	fixtures := []struct {
		id, meeting, state string
		start              *time.Time
		meta               map[string]string
	}{
		{"aaa-1", "m1", scalelite.RecordingPublished, at(time.Hour), map[string]string{"tenant-id": "T1", "course": "math"}},
		{"aaa-2", "m1", scalelite.RecordingUnpublished, at(2 * time.Hour), map[string]string{"tenant-id": "T1", "course": "art", "level": "1"}},
		{"abc-3", "m2", scalelite.RecordingPublished, at(3 * time.Hour), map[string]string{"course": "math", "level": "2"}},
		{"b%_4", "m3", scalelite.RecordingProcessing, nil, map[string]string{"tenant-id": "T2"}},
		{"aab-5", "m2", scalelite.RecordingPublished, at(0), map[string]string{"tenant-id": "T1", "course": "math"}},
		{"AAA-6", "m4", scalelite.RecordingPublished, at(30 * time.Minute), nil},
		{"éé-7", "m5", scalelite.RecordingPublished, at(10 * time.Minute), nil},
	}
	for _, f := range fixtures {
		r := NewRecording(f.id, f.meeting, f.start)
		r.State = f.state
		for k, v := range f.meta {
			r.Metadata[k] = v
		}
		upsert(t, s, r)
	}
	must(t, "MarkDeleted", s.MarkDeleted(ctx, "aab-5"))

	all := []string{"abc-3", "aaa-2", "aaa-1", "AAA-6", "éé-7", "b%_4"}
	tests := []struct {
		name      string
		f         scalelite.RecordingFilter
		want      []string
		wantTotal int // -1: len(want)
	}{
		{"everything but deleted, newest first, unknown start last", scalelite.RecordingFilter{}, all, -1},
		{"prefix is case-sensitive", scalelite.RecordingFilter{RecordIDPrefixes: []string{"aaa"}}, []string{"aaa-2", "aaa-1"}, -1},
		{"prefix skips deleted", scalelite.RecordingFilter{RecordIDPrefixes: []string{"aa"}}, []string{"aaa-2", "aaa-1"}, -1},
		{"prefixes are OR-ed", scalelite.RecordingFilter{RecordIDPrefixes: []string{"abc", "b%"}}, []string{"abc-3", "b%_4"}, -1},
		{"prefix wildcards are literal", scalelite.RecordingFilter{RecordIDPrefixes: []string{"%", "_", "a_"}}, []string{}, -1},
		{"full id as prefix", scalelite.RecordingFilter{RecordIDPrefixes: []string{"aaa-1"}}, []string{"aaa-1"}, -1},
		{"non-ascii prefix", scalelite.RecordingFilter{RecordIDPrefixes: []string{"é"}}, []string{"éé-7"}, -1},
		{"exact ids", scalelite.RecordingFilter{RecordIDs: []string{"aaa-1", "abc-3", "zz"}}, []string{"abc-3", "aaa-1"}, -1},
		{"meeting ids", scalelite.RecordingFilter{MeetingIDs: []string{"m1"}}, []string{"aaa-2", "aaa-1"}, -1},
		{"state published", scalelite.RecordingFilter{States: []string{scalelite.RecordingPublished}}, []string{"abc-3", "aaa-1", "AAA-6", "éé-7"}, -1},
		{"state deleted", scalelite.RecordingFilter{States: []string{scalelite.RecordingDeleted}}, []string{"aab-5"}, -1},
		{"meta one value", scalelite.RecordingFilter{Meta: map[string][]string{"course": {"math"}}}, []string{"abc-3", "aaa-1"}, -1},
		{"meta values OR-ed", scalelite.RecordingFilter{Meta: map[string][]string{"course": {"math", "art"}}}, []string{"abc-3", "aaa-2", "aaa-1"}, -1},
		{"meta keys AND-ed", scalelite.RecordingFilter{Meta: map[string][]string{"course": {"math", "art"}, "level": {"1", "2"}}}, []string{"abc-3", "aaa-2"}, -1},
		{"meta key is case-sensitive", scalelite.RecordingFilter{Meta: map[string][]string{"Course": {"math"}}}, []string{}, -1},
		{"tenant", scalelite.RecordingFilter{TenantID: "T1"}, []string{"aaa-2", "aaa-1"}, -1},
		{"tenant and meta are independent", scalelite.RecordingFilter{TenantID: "T1", Meta: map[string][]string{"course": {"math"}}}, []string{"aaa-1"}, -1},
		{"unknown tenant", scalelite.RecordingFilter{TenantID: "T3"}, []string{}, -1},
		{"combined", scalelite.RecordingFilter{MeetingIDs: []string{"m1", "m2"}, States: []string{scalelite.RecordingPublished}, RecordIDPrefixes: []string{"a"}}, []string{"abc-3", "aaa-1"}, -1},
		{"page", scalelite.RecordingFilter{Offset: 1, Limit: 2}, []string{"aaa-2", "aaa-1"}, 6},
		{"offset without limit", scalelite.RecordingFilter{Offset: 4}, []string{"éé-7", "b%_4"}, 6},
		{"limit", scalelite.RecordingFilter{Limit: 1, TenantID: "T1"}, []string{"aaa-2"}, 2},
		{"offset past the end", scalelite.RecordingFilter{Offset: 10, Limit: 5}, []string{}, 6},
	}
	for _, tt := range tests {
		got, total, err := s.Recordings(ctx, tt.f)
		must(t, tt.name, err)
		if ids := recordIDs(got); !equal(ids, tt.want) {
			t.Errorf("%s: Recordings = %v, want %v", tt.name, ids, tt.want)
		}
		wantTotal := tt.wantTotal
		if wantTotal < 0 {
			wantTotal = len(tt.want)
		}
		if total != wantTotal {
			t.Errorf("%s: total = %d, want %d", tt.name, total, wantTotal)
		}
	}

	// Pages carry their children.
	got, _, err := s.Recordings(ctx, scalelite.RecordingFilter{RecordIDs: []string{"aaa-2", "abc-3"}})
	must(t, "Recordings children", err)
	for _, r := range got {
		if r.Metadata["bbb-origin"] != "greenlight" || r.Metadata["course"] == "" || len(r.Formats) != 1 ||
			len(r.Formats[0].Thumbnails) != 2 || r.Formats[0].Thumbnails[1].Sequence != 1 {
			t.Errorf("%s children: metadata %v formats %+v", r.RecordID, r.Metadata, r.Formats)
		}
	}
}
