package main

import (
	"context"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Scalelite's rake tasks take id lists as "id1:id2"; the commands accept them beside separate
// arguments, and a meeting id that itself holds a colon stays whole.
func TestColonIDLists(t *testing.T) {
	eachDatabaseEnv(t, func(t *testing.T, env map[string]string) {
		if _, stderr, err := runCmd(t, env, "migrate", "up"); err != nil {
			t.Fatalf("migrate: %v\n%s", err, stderr)
		}
		withStore(t, env, func(store *db.DB) {
			ctx := context.Background()
			for _, id := range []string{"s1", "s2"} {
				if err := store.CreateServer(ctx, &scalelite.Server{ID: id, URL: "http://127.0.0.1:1/" + id + "/bigbluebutton/api", Secret: "x"}); err != nil {
					t.Fatal(err)
				}
			}
			for i, id := range []string{"x", "y", "course:42"} {
				m := &scalelite.Meeting{MeetingID: id, ServerID: "s1", VoiceBridge: "70000000" + string(rune('1'+i))}
				if err := store.ImportMeeting(ctx, m, false); err != nil {
					t.Fatal(err)
				}
			}
		})
		listed := func(args ...string) string {
			t.Helper()
			out, stderr, err := runCmd(t, env, args...)
			if err != nil {
				t.Fatalf("%v: %v\n%s", args, err, stderr)
			}
			return out
		}
		if out := listed("meetings", "list", "x:y"); !strings.Contains(out, "MeetingID: x\n") || !strings.Contains(out, "MeetingID: y\n") || strings.Contains(out, "course") {
			t.Errorf("meetings list x:y:\n%s", out)
		}
		if out := listed("meetings", "course:42", "x"); strings.Count(out, "MeetingID:") != 2 || !strings.Contains(out, "MeetingID: course:42\n") {
			t.Errorf("meetings course:42 x:\n%s", out)
		}
		mustFail(t, env, []string{"meetings", "list", "x:nope"}, "no running meeting with id: nope")
		if out := listed("servers", "meetings", "--json", "s1:s2"); strings.Count(out, `"id"`) != 2 {
			t.Errorf("servers meetings s1:s2:\n%s", out)
		}
		if out, stderr, _ := runCmd(t, env, "meetings", "end", "--yes", "x:y"); !strings.Contains(out, "Ended meeting id=x") || !strings.Contains(out, "Ended meeting id=y") {
			t.Errorf("meetings end x:y:\n%s\n%s", out, stderr)
		}
		if out := listed("meetings"); strings.Count(out, "MeetingID:") != 1 {
			t.Errorf("after ending x and y:\n%s", out)
		}
	})
}
