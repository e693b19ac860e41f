package poller

import (
	"context"
	"fmt"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// participantsCheck records the users the answer lists for each of our running meetings on the
// server (Meeting.Participants, for the console), writing only the counts that changed. Like
// reconciliation it applies while the server is online and not disabled: the meetings of a
// server out of service keep their last counts.
type participantsCheck struct{}

func (participantsCheck) apply(ctx context.Context, p *Poller, sp *serverPoll) error {
	if !sp.ok() || !sp.result.Online || sp.srv.State == scalelite.ServerDisabled {
		return nil
	}
	users := make(map[string]int, len(sp.answer.Meetings))
	for _, m := range sp.answer.Meetings {
		if _, dup := users[m.MeetingID]; !m.IsBreakout && !dup {
			users[m.MeetingID] = m.ParticipantCount
		}
	}
	known, err := sp.meetings(ctx, p.store)
	if err != nil {
		return err
	}
	changed := map[string]int{}
	for _, m := range known {
		if n, listed := users[m.MeetingID]; listed && n != m.Participants {
			changed[m.MeetingID] = n
		}
	}
	if len(changed) == 0 {
		return nil
	}
	if err := p.store.SetParticipants(ctx, sp.srv.ID, changed); err != nil {
		return fmt.Errorf("record participants of %s: %w", sp.srv.ID, err)
	}
	return nil
}
