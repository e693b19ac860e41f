package graph_test

import (
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// A meeting shows the dial-in number it was created with (null without one) next to its voice
// bridge, and every key reads the dial-in settings.
func TestDialIn(t *testing.T) {
	t.Parallel()
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store)
		e.addServer(0, "bbb-a", "")
		m := e.addMeeting("m01", "", "bbb-a")
		e.addMeeting("m02", "", "bbb-a")
		if err := store.UpdateCreateParams(e.ctx, m.ID, "meetingID=m01&name=Room&dialNumber=%2B1+555-0100", nil); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Meetings struct {
				Nodes []struct {
					MeetingID, VoiceBridge string
					DialNumber             *string
				}
			}
		}
		e.must(e.key(scalelite.ScopeReadOnly, "ro"), `{ meetings { nodes { meetingID voiceBridge dialNumber } } }`, nil, &got)
		if n := got.Meetings.Nodes; len(n) != 2 || n[0].DialNumber == nil || *n[0].DialNumber != "+1 555-0100" ||
			n[0].VoiceBridge != m.VoiceBridge || n[1].DialNumber != nil {
			t.Errorf("meetings = %+v", n)
		}

		var settings struct {
			DialIn struct {
				Path                                                              string
				Authenticated                                                     bool
				MaxDurationMinutes, PinMinDigits, PinMaxDigits, VoiceBridgeLength int
			}
		}
		q := `{ dialIn { path authenticated maxDurationMinutes pinMinDigits pinMaxDigits voiceBridgeLength } }`
		for _, key := range []string{adminEnvKey, e.key(scalelite.ScopeReadOnly, "ro2")} {
			e.must(key, q, nil, &settings)
			if d := settings.DialIn; d.Path != "/fsapi" || !d.Authenticated || d.MaxDurationMinutes != 90 || d.PinMinDigits != 5 ||
				d.PinMaxDigits != 10 || d.VoiceBridgeLength != 9 {
				t.Errorf("dialIn = %+v", d)
			}
		}
		e.fails("", q, nil, "UNAUTHENTICATED")
	})
}
