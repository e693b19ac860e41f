package db

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type meetingRow struct {
	bun.BaseModel `bun:"table:meetings,alias:m"`

	ID          int64      `bun:"id,pk,autoincrement"`
	MeetingID   string     `bun:"meeting_id"`
	TenantID    string     `bun:"tenant_id"`
	ServerID    string     `bun:"server_id"`
	Name        string     `bun:"name"`
	ModeratorPW string     `bun:"moderator_pw"`
	AttendeePW  string     `bun:"attendee_pw"`
	VoiceBridge string     `bun:"voice_bridge"`
	CreateQuery string     `bun:"create_query"`
	CreateBody  []byte     `bun:"create_body"`
	Placement   string     `bun:"placement"`
	Reservation float64    `bun:"reservation"`
	MissedPolls int        `bun:"missed_polls"`
	CreatedAt   time.Time  `bun:"created_at"`
	UpdatedAt   time.Time  `bun:"updated_at"`
	EndedAt     *time.Time `bun:"ended_at"`

	Participants int `bun:"participants"`
}

func meetingToRow(m *scalelite.Meeting) *meetingRow {
	return &meetingRow{
		ID: m.ID, MeetingID: m.MeetingID, TenantID: m.TenantID, ServerID: m.ServerID, Name: m.Name,
		ModeratorPW: m.ModeratorPW, AttendeePW: m.AttendeePW, VoiceBridge: m.VoiceBridge,
		CreateQuery: m.CreateQuery, CreateBody: m.CreateBody, Placement: m.Placement,
		Reservation: m.Reservation, MissedPolls: m.MissedPolls,
		CreatedAt: utc(m.CreatedAt), UpdatedAt: utc(m.UpdatedAt), EndedAt: utcPtr(m.EndedAt),
		Participants: m.Participants,
	}
}

func (r *meetingRow) domain() *scalelite.Meeting {
	m := &scalelite.Meeting{
		ID: r.ID, MeetingID: r.MeetingID, TenantID: r.TenantID, ServerID: r.ServerID, Name: r.Name,
		ModeratorPW: r.ModeratorPW, AttendeePW: r.AttendeePW, VoiceBridge: r.VoiceBridge,
		CreateQuery: r.CreateQuery, CreateBody: r.CreateBody, Placement: r.Placement,
		Reservation: r.Reservation, MissedPolls: r.MissedPolls,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), EndedAt: utcPtr(r.EndedAt),
		Participants: r.Participants,
	}
	if len(m.CreateBody) == 0 {
		m.CreateBody = nil
	}
	return m
}

func meetingsFromRows(rows []meetingRow) []*scalelite.Meeting {
	out := make([]*scalelite.Meeting, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out
}

// Meeting returns the running meeting with this MeetingID; ENOTFOUND when none runs.
func (db *DB) Meeting(ctx context.Context, meetingID string) (*scalelite.Meeting, error) {
	m, err := runningMeeting(ctx, db.ro, meetingID)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func runningMeeting(ctx context.Context, idb bun.IDB, meetingID string) (*scalelite.Meeting, error) {
	var row meetingRow
	err := idb.NewSelect().Model(&row).Where("meeting_id = ? AND ended_at IS NULL", meetingID).Scan(ctx)
	if err != nil {
		return nil, translate(err, "get", "meeting "+quote(meetingID))
	}
	return row.domain(), nil
}

func applyMeetingFilter(q *bun.SelectQuery, f scalelite.MeetingFilter) *bun.SelectQuery {
	if len(f.MeetingIDs) > 0 {
		q.Where("meeting_id IN (?)", inList(f.MeetingIDs))
	}
	if len(f.ServerIDs) > 0 {
		q.Where("server_id IN (?)", inList(f.ServerIDs))
	}
	if f.TenantID != nil {
		q.Where("tenant_id = ?", *f.TenantID)
	}
	switch {
	case f.ActiveSince != nil:
		q.Where("(ended_at IS NULL OR ended_at >= ?)", utc(*f.ActiveSince))
	case !f.IncludeEnded:
		q.Where("ended_at IS NULL")
	}
	return q
}

// Meetings returns the meetings matching f ordered by id.
func (db *DB) Meetings(ctx context.Context, f scalelite.MeetingFilter) ([]*scalelite.Meeting, error) {
	var rows []meetingRow
	q := applyMeetingFilter(db.ro.NewSelect().Model(&rows), f).OrderExpr("id")
	if f.AfterID > 0 {
		q.Where("id > ?", f.AfterID)
	}
	if f.Limit > 0 {
		q.Limit(int64(f.Limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "list", "meetings")
	}
	return meetingsFromRows(rows), nil
}

// CountMeetings counts the meetings matching f (AfterID and Limit ignored).
func (db *DB) CountMeetings(ctx context.Context, f scalelite.MeetingFilter) (int, error) {
	n, err := applyMeetingFilter(db.ro.NewSelect().Model((*meetingRow)(nil)), f).Count(ctx)
	if err != nil {
		return 0, translate(err, "count", "meetings")
	}
	return int(n), nil
}

// UpdateCreateParams stores what was last sent to the backend; ENOTFOUND for an unknown row id.
func (db *DB) UpdateCreateParams(ctx context.Context, id int64, query string, body []byte) error {
	var set boundSet // the create parameters carry passwords
	set.add("create_query", query)
	set.add("create_body", body)
	set.add("updated_at", db.now())
	q, args := set.update("meetings", "id = ?", id)
	res, err := db.execBound(ctx, db.rw, q, args...)
	if err != nil {
		return translate(err, "update create parameters of", "meeting")
	}
	return notFoundIfNone(res, "meeting")
}

// EndMeetings marks the running meetings with these MeetingIDs ended and returns them.
func (db *DB) EndMeetings(ctx context.Context, meetingIDs []string, at time.Time) ([]*scalelite.Meeting, error) {
	if len(meetingIDs) == 0 {
		return nil, nil
	}
	var rows []meetingRow
	at = utc(at)
	_, err := db.rw.NewUpdate().Model(&rows).
		Set("ended_at = ?", at).Set("updated_at = ?", at).
		Where("meeting_id IN (?) AND ended_at IS NULL", inList(meetingIDs)).
		Returning("*").Exec(ctx, &rows)
	if err != nil {
		return nil, translate(err, "end", "meetings")
	}
	return sortedMeetings(rows), nil
}

// EndServerMeetings marks every running meeting on the server ended and returns them.
func (db *DB) EndServerMeetings(ctx context.Context, serverID string, at time.Time) ([]*scalelite.Meeting, error) {
	var rows []meetingRow
	at = utc(at)
	_, err := db.rw.NewUpdate().Model(&rows).
		Set("ended_at = ?", at).Set("updated_at = ?", at).
		Where("server_id = ? AND ended_at IS NULL", serverID).
		Returning("*").Exec(ctx, &rows)
	if err != nil {
		return nil, translate(err, "end meetings of", "server "+quote(serverID))
	}
	return sortedMeetings(rows), nil
}

// SetParticipants records the users a poll listed for the server's running meetings in one
// statement (a CASE over the MeetingIDs); other meetings are left alone.
func (db *DB) SetParticipants(ctx context.Context, serverID string, participants map[string]int) error {
	if len(participants) == 0 {
		return nil
	}
	ids := make([]string, 0, len(participants))
	for id := range participants {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var cases strings.Builder
	args := make([]any, 0, 2*len(ids))
	cases.WriteString("CASE meeting_id")
	for _, id := range ids {
		cases.WriteString(" WHEN ? THEN ?")
		args = append(args, id, max(participants[id], 0))
	}
	cases.WriteString(" ELSE participants END")
	_, err := db.rw.NewUpdate().Model((*meetingRow)(nil)).
		Set("participants = "+cases.String(), args...).
		Where("server_id = ? AND ended_at IS NULL AND meeting_id IN (?)", serverID, inList(ids)).
		Exec(ctx)
	if err != nil {
		return translate(err, "record participants of", "server "+quote(serverID))
	}
	return nil
}

// Reconcile applies one successful poll of a server in one transaction: listed meetings get
// MissedPolls=0, unlisted running ones MissedPolls+1, and those reaching missLimit that were
// created before graceBefore are ended at at and returned.
func (db *DB) Reconcile(ctx context.Context, serverID string, seen []string, missLimit int, graceBefore, at time.Time) ([]*scalelite.Meeting, error) {
	var rows []meetingRow
	err := db.rw.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if len(seen) > 0 {
			_, err := tx.NewUpdate().Model((*meetingRow)(nil)).Set("missed_polls = 0").
				Where("server_id = ? AND ended_at IS NULL AND missed_polls <> 0 AND meeting_id IN (?)", serverID, inList(seen)).
				Exec(ctx)
			if err != nil {
				return err
			}
		}
		q := tx.NewUpdate().Model((*meetingRow)(nil)).Set("missed_polls = missed_polls + 1").
			Where("server_id = ? AND ended_at IS NULL", serverID)
		if len(seen) > 0 {
			q.Where("meeting_id NOT IN (?)", inList(seen))
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
		at := utc(at)
		_, err := tx.NewUpdate().Model(&rows).Set("ended_at = ?", at).Set("updated_at = ?", at).
			Where("server_id = ? AND ended_at IS NULL AND missed_polls >= ? AND created_at < ?", serverID, missLimit, utc(graceBefore)).
			Returning("*").Exec(ctx, &rows)
		return err
	})
	if err != nil {
		return nil, translate(err, "reconcile meetings of", "server "+quote(serverID))
	}
	return sortedMeetings(rows), nil
}

func sortedMeetings(rows []meetingRow) []*scalelite.Meeting {
	out := meetingsFromRows(rows) // RETURNING order is unspecified; keep ids ascending
	slices.SortFunc(out, func(a, b *scalelite.Meeting) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
