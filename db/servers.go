package db

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type serverRow struct {
	bun.BaseModel `bun:"table:servers,alias:s"`

	ID               string    `bun:"id,pk"`
	URL              string    `bun:"url"`
	Secret           string    `bun:"secret"`
	Tag              string    `bun:"tag"`
	State            string    `bun:"state"`
	Online           bool      `bun:"online"`
	Load             float64   `bun:"load"`
	LoadMultiplier   float64   `bun:"load_multiplier"`
	HealthyCounter   int       `bun:"healthy_counter"`
	UnhealthyCounter int       `bun:"unhealthy_counter"`
	Meetings         int       `bun:"meetings"`
	Users            int       `bun:"users"`
	LargestMeeting   int       `bun:"largest_meeting"`
	Videos           int       `bun:"videos"`
	BBBVersion       string    `bun:"bbb_version"`
	LastPolledAt     time.Time `bun:"last_polled_at,nullzero"`
	LastPollError    string    `bun:"last_poll_error"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

func serverToRow(s *scalelite.Server) *serverRow {
	return &serverRow{
		ID: s.ID, URL: s.URL, Secret: s.Secret, Tag: s.Tag, State: string(s.State), Online: s.Online,
		Load: s.Load, LoadMultiplier: s.LoadMultiplier,
		HealthyCounter: s.HealthyCounter, UnhealthyCounter: s.UnhealthyCounter,
		Meetings: s.Meetings, Users: s.Users, LargestMeeting: s.LargestMeeting, Videos: s.Videos,
		BBBVersion: s.BBBVersion, LastPolledAt: zeroOrUTC(s.LastPolledAt), LastPollError: s.LastPollError,
		CreatedAt: utc(s.CreatedAt), UpdatedAt: utc(s.UpdatedAt),
	}
}

func (r *serverRow) domain() *scalelite.Server {
	return &scalelite.Server{
		ID: r.ID, URL: r.URL, Secret: r.Secret, Tag: r.Tag, State: scalelite.ServerState(r.State), Online: r.Online,
		Load: r.Load, LoadMultiplier: r.LoadMultiplier,
		HealthyCounter: r.HealthyCounter, UnhealthyCounter: r.UnhealthyCounter,
		Meetings: r.Meetings, Users: r.Users, LargestMeeting: r.LargestMeeting, Videos: r.Videos,
		BBBVersion: r.BBBVersion, LastPolledAt: zeroOrUTC(r.LastPolledAt), LastPollError: r.LastPollError,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
}

func zeroOrUTC(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return utc(t)
}

// CreateServer inserts s (ID set by the caller). An empty state means disabled and a zero load
// multiplier means 1, as in Scalelite. It fills CreatedAt and UpdatedAt.
func (db *DB) CreateServer(ctx context.Context, s *scalelite.Server) error {
	if s.ID == "" || s.URL == "" {
		return scalelite.Errorf(scalelite.EINVALID, "server needs an id and a URL")
	}
	if s.State == "" {
		s.State = scalelite.ServerDisabled
	}
	if !s.State.Valid() {
		return scalelite.Errorf(scalelite.EINVALID, "server state %q is not enabled, cordoned or disabled", s.State)
	}
	if s.LoadMultiplier == 0 {
		s.LoadMultiplier = 1
	}
	if s.LoadMultiplier < 0 {
		return scalelite.Errorf(scalelite.EINVALID, "load multiplier must be positive")
	}
	now := db.now()
	row := serverToRow(s)
	row.CreatedAt, row.UpdatedAt = now, now
	if _, err := db.rw.NewInsert().Model(row).Exec(ctx); err != nil {
		return translate(err, "create", "server "+quote(s.ID)+" or URL "+quote(s.URL))
	}
	s.CreatedAt, s.UpdatedAt = now, now
	return nil
}

// Server returns one server; ENOTFOUND when unknown.
func (db *DB) Server(ctx context.Context, id string) (*scalelite.Server, error) {
	return serverByID(ctx, db.ro, id)
}

func serverByID(ctx context.Context, idb bun.IDB, id string) (*scalelite.Server, error) {
	var row serverRow
	if err := idb.NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, translate(err, "get", "server "+quote(id))
	}
	return row.domain(), nil
}

// Servers returns the servers matching f, ordered by id.
func (db *DB) Servers(ctx context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error) {
	var rows []serverRow
	q := db.ro.NewSelect().Model(&rows).OrderExpr("id")
	if len(f.IDs) > 0 {
		q.Where("id IN (?)", inList(f.IDs))
	}
	if len(f.States) > 0 {
		states := make([]string, len(f.States))
		for i, s := range f.States {
			states[i] = string(s)
		}
		q.Where("state IN (?)", inList(states))
	}
	if f.Online != nil {
		q.Where("online = ?", *f.Online)
	}
	if f.Tag != nil {
		q.Where("tag = ?", *f.Tag)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "list", "servers")
	}
	out := make([]*scalelite.Server, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// UpdateServer applies u and returns the stored server; ENOTFOUND, ECONFLICT for a taken URL.
func (db *DB) UpdateServer(ctx context.Context, id string, u scalelite.ServerUpdate) (*scalelite.Server, error) {
	if u.State != nil && !u.State.Valid() {
		return nil, scalelite.Errorf(scalelite.EINVALID, "server state %q is not enabled, cordoned or disabled", *u.State)
	}
	if u.LoadMultiplier != nil && *u.LoadMultiplier <= 0 {
		return nil, scalelite.Errorf(scalelite.EINVALID, "load multiplier must be positive")
	}
	if u.URL != nil && *u.URL == "" {
		return nil, scalelite.Errorf(scalelite.EINVALID, "server URL must not be empty")
	}
	var row serverRow
	q := db.rw.NewUpdate().Model(&row).Where("id = ?", id).Set("updated_at = ?", db.now()).Returning("*")
	if u.URL != nil {
		q.Set("url = ?", *u.URL)
	}
	if u.Secret != nil {
		q.Set("secret = ?", *u.Secret)
	}
	if u.Tag != nil {
		q.Set("tag = ?", *u.Tag)
	}
	if u.State != nil {
		q.Set("state = ?", string(*u.State))
	}
	if u.LoadMultiplier != nil {
		q.Set("load_multiplier = ?", *u.LoadMultiplier)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return nil, translate(err, "update", "server "+quote(id))
	}
	if err := notFoundIfNone(res, "server "+quote(id)); err != nil {
		return nil, err
	}
	return row.domain(), nil
}

// DeleteServer removes the server; its meetings are kept. ENOTFOUND when unknown.
func (db *DB) DeleteServer(ctx context.Context, id string) error {
	res, err := db.rw.NewDelete().TableExpr("servers").Where("id = ?", id).Exec(ctx)
	if err != nil {
		return translate(err, "delete", "server "+quote(id))
	}
	return notFoundIfNone(res, "server "+quote(id))
}

// RecordPoll stores one poll's outcome in one UPDATE; ENOTFOUND when the server is gone.
func (db *DB) RecordPoll(ctx context.Context, id string, r scalelite.PollResult) (*scalelite.Server, error) {
	at := r.Time
	if at.IsZero() {
		at = db.now()
	}
	q := db.rw.NewUpdate().TableExpr("servers").Where("id = ?", id).
		Set("online = ?", r.Online).
		Set("load = ?", r.Load).
		Set("healthy_counter = ?", r.HealthyCounter).
		Set("unhealthy_counter = ?", r.UnhealthyCounter).
		Set("meetings = ?", r.Meetings).
		Set("users = ?", r.Users).
		Set("largest_meeting = ?", r.LargestMeeting).
		Set("videos = ?", r.Videos).
		Set("last_poll_error = ?", r.Error).
		Set("last_polled_at = ?", utc(at))
	if r.BBBVersion != "" {
		q.Set("bbb_version = ?", r.BBBVersion)
	}
	if r.State != nil {
		if !r.State.Valid() {
			return nil, scalelite.Errorf(scalelite.EINVALID, "server state %q is not enabled, cordoned or disabled", *r.State)
		}
		q.Set("state = ?", string(*r.State)).Set("updated_at = ?", utc(at))
	}
	var rows []serverRow
	if _, err := q.Returning("*").Exec(ctx, &rows); err != nil {
		return nil, translate(err, "record poll of", "server "+quote(id))
	}
	if len(rows) == 0 {
		return nil, scalelite.Errorf(scalelite.ENOTFOUND, "%s not found", "server "+quote(id))
	}
	return rows[0].domain(), nil
}

// AddLoad adds each delta to its server's load in one statement; unknown ids are ignored.
func (db *DB) AddLoad(ctx context.Context, deltas map[string]float64) error {
	if len(deltas) == 0 {
		return nil
	}
	ids := make([]string, 0, len(deltas))
	var expr []byte
	args := make([]any, 0, 2*len(deltas))
	expr = append(expr, "load + CASE id"...)
	for id, d := range deltas {
		ids = append(ids, id)
		expr = append(expr, " WHEN ? THEN ?"...)
		args = append(args, id, d)
	}
	expr = append(expr, " ELSE 0 END"...)
	_, err := db.rw.NewUpdate().TableExpr("servers").
		Set("load = "+string(expr), args...).
		Where("id IN (?)", inList(ids)).Exec(ctx)
	if err != nil {
		return translate(err, "add load to", "servers")
	}
	return nil
}
