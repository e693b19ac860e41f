package bbbfacade

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Recordings without a state (Scalelite's null: rows indexed before it stored states, or an
// import from Scalelite) and processed ones are found as Scalelite finds them: without a state
// filter and by publishRecordings with the published and unpublished ones, with state=any,
// and always by updateRecordings and deleteRecordings.
func TestRecordingsWithoutStateOrProcessed(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newRecEnv(t, store)
		none, processed, published := rid("nostate", 1), rid("processed-rec", 1), rid("pub", 1)
		e.seed(none, "nostate", scalelite.RecordingNoState, 1700000002000, nil)
		e.seed(processed, "processed", scalelite.RecordingProcessed, 1700000001000, nil)
		e.seed(published, "published", scalelite.RecordingPublished, 1700000000000, nil)

		lists := []struct {
			query string
			want  []string
		}{
			{"", []string{none, published}},
			{"state=any", []string{none, processed, published}},
			{"state=processed", []string{processed}},
			{"state=published,unpublished", []string{published}},
			{"meetingID=nostate", []string{none}},
			{"recordID=" + processed, nil},
			{"recordID=" + processed + "&state=any", []string{processed}},
		}
		for _, tc := range lists {
			if got := listed(e.get("getRecordings", tc.query)); !slices.Equal(got, tc.want) {
				t.Errorf("getRecordings %q: %v, want %v", tc.query, got, tc.want)
			}
		}
		// The recording without a state is listed without a <state> element.
		body := e.get("getRecordings", "meetingID=nostate")
		if strings.Contains(body, "<state>") || !strings.Contains(body, "<published>false</published>") {
			t.Errorf("recording without a state:\n%s", body)
		}

		// publishRecordings: the one without a state is published (files move, state set);
		// a processed one is not found, as in Scalelite.
		if body := e.get("publishRecordings", "recordID="+none+"&publish=true"); !strings.Contains(body, "<published>true</published>") {
			t.Fatalf("publish a recording without a state: %s", body)
		}
		rec, _ := store.Recording(context.Background(), none)
		if !rec.Published || rec.State != scalelite.RecordingPublished || !rec.PublishUpdated {
			t.Errorf("after publish: %+v", rec)
		}
		mustDir(t, filepath.Join(e.publishDir, "presentation", none), true)
		mustDir(t, filepath.Join(e.unpublished, "presentation", none), false)
		checkError(t, e.get("publishRecordings", "recordID="+processed+"&publish=true"), keyNotFound, msgRecordingsNotFound)

		// updateRecordings finds both; a list mixing them with a published one too.
		other := rid("nostate", 2)
		e.seed(other, "nostate", scalelite.RecordingNoState, 1700000003000, nil)
		for _, ids := range []string{other, processed, other + "," + processed + "," + published} {
			if body := e.get("updateRecordings", "recordID="+ids+"&meta_gl-listed=true"); !strings.Contains(body, "<updated>true</updated>") {
				t.Errorf("update %s: %s", ids, body)
			}
		}
		for _, id := range []string{other, processed} {
			if rec, _ := store.Recording(context.Background(), id); rec.Metadata["gl-listed"] != "true" {
				t.Errorf("%s not updated: %v", id, rec.Metadata)
			}
		}

		// deleteRecordings finds both.
		if body := e.get("deleteRecordings", "recordID="+other+","+processed); !strings.Contains(body, "<deleted>true</deleted>") {
			t.Fatalf("delete: %s", body)
		}
		for _, id := range []string{other, processed} {
			if rec, _ := store.Recording(context.Background(), id); rec.State != scalelite.RecordingDeleted {
				t.Errorf("%s state %q after delete", id, rec.State)
			}
		}
		if got := listed(e.get("getRecordings", "")); !slices.Equal(got, []string{none, published}) {
			t.Errorf("after delete, default list %v", got)
		}
	})
}
