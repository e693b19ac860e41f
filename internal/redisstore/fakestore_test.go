package redisstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// fakeStore stands in for the SQL store (db/dbtest's stores do not yet implement every
// method of scalelite.Store). It implements the server, meeting and tenant methods the cached
// store uses, with the documented semantics; the embedded nil Store panics for anything else.
type fakeStore struct {
	scalelite.Store

	mu       sync.Mutex
	servers  map[string]scalelite.Server
	meetings map[int64]scalelite.Meeting
	tenants  map[string]scalelite.Tenant
	nextID   int64
}

func newFakeStore() *fakeStore {
	return &fakeStore{servers: map[string]scalelite.Server{}, meetings: map[int64]scalelite.Meeting{},
		tenants: map[string]scalelite.Tenant{}}
}

func notFound(what, id string) error {
	return scalelite.Errorf(scalelite.ENOTFOUND, "%s %q not found", what, id)
}

func (f *fakeStore) CreateServer(ctx context.Context, s *scalelite.Server) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.servers[s.ID]; ok {
		return scalelite.Errorf(scalelite.ECONFLICT, "server %q exists", s.ID)
	}
	s.CreatedAt, s.UpdatedAt = time.Now().UTC(), time.Now().UTC()
	f.servers[s.ID] = *s
	return nil
}

func (f *fakeStore) Server(ctx context.Context, id string) (*scalelite.Server, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.servers[id]
	if !ok {
		return nil, notFound("server", id)
	}
	return &s, nil
}

func (f *fakeStore) UpdateServer(ctx context.Context, id string, u scalelite.ServerUpdate) (*scalelite.Server, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.servers[id]
	if !ok {
		return nil, notFound("server", id)
	}
	if u.URL != nil {
		s.URL = *u.URL
	}
	if u.Secret != nil {
		s.Secret = *u.Secret
	}
	if u.Tag != nil {
		s.Tag = *u.Tag
	}
	if u.State != nil {
		s.State = *u.State
	}
	if u.LoadMultiplier != nil {
		s.LoadMultiplier = *u.LoadMultiplier
	}
	f.servers[id] = s
	return &s, nil
}

func (f *fakeStore) DeleteServer(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.servers[id]; !ok {
		return notFound("server", id)
	}
	delete(f.servers, id)
	return nil
}

func (f *fakeStore) RecordPoll(ctx context.Context, id string, r scalelite.PollResult) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.servers[id]
	if !ok {
		return notFound("server", id)
	}
	s.Online, s.Load, s.Meetings, s.Users, s.Videos = r.Online, r.Load, r.Meetings, r.Users, r.Videos
	s.HealthyCounter, s.UnhealthyCounter, s.LastPolledAt, s.LastPollError = r.HealthyCounter, r.UnhealthyCounter, r.Time, r.Error
	if r.State != nil {
		s.State = *r.State
	}
	f.servers[id] = s
	return nil
}

func (f *fakeStore) AddLoad(ctx context.Context, deltas map[string]float64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, d := range deltas {
		if s, ok := f.servers[id]; ok {
			s.Load += d
			f.servers[id] = s
		}
	}
	return nil
}

func (f *fakeStore) runningLocked(meetingID string) (scalelite.Meeting, bool) {
	for _, m := range f.meetings {
		if m.MeetingID == meetingID && m.EndedAt == nil {
			return m, true
		}
	}
	return scalelite.Meeting{}, false
}

func (f *fakeStore) Meeting(ctx context.Context, meetingID string) (*scalelite.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m, ok := f.runningLocked(meetingID); ok {
		return &m, nil
	}
	return nil, notFound("meeting", meetingID)
}

func (f *fakeStore) Meetings(ctx context.Context, flt scalelite.MeetingFilter) ([]*scalelite.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*scalelite.Meeting
	for _, m := range f.meetings {
		if m.ID <= flt.AfterID || (!flt.IncludeEnded && m.EndedAt != nil) ||
			(flt.MeetingIDs != nil && !slices.Contains(flt.MeetingIDs, m.MeetingID)) ||
			(flt.ServerIDs != nil && !slices.Contains(flt.ServerIDs, m.ServerID)) {
			continue
		}
		out = append(out, &m)
	}
	slices.SortFunc(out, func(a, b *scalelite.Meeting) int { return cmp.Compare(a.ID, b.ID) })
	if flt.Limit > 0 && len(out) > flt.Limit {
		out = out[:flt.Limit]
	}
	return out, nil
}

func (f *fakeStore) PlaceMeeting(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	existing, found := f.runningLocked(req.Meeting.MeetingID)
	if found {
		var srv *scalelite.Server
		if s, ok := f.servers[existing.ServerID]; ok {
			srv = &s
		}
		if req.KeepExisting == nil || req.KeepExisting(&existing, srv) {
			return scalelite.PlaceResult{Meeting: &existing}, nil
		}
	}
	var candidates []*scalelite.Server
	for _, s := range f.servers {
		if s.TakesNewMeetings() {
			candidates = append(candidates, &s)
		}
	}
	slices.SortFunc(candidates, func(a, b *scalelite.Server) int { return cmp.Compare(a.ID, b.ID) })
	chosen, placement, err := req.Select(candidates)
	if err != nil {
		return scalelite.PlaceResult{}, err
	}
	srv := f.servers[chosen.ID]
	reservation := req.Reservation * srv.LoadMultiplier
	srv.Load += reservation
	f.servers[chosen.ID] = srv
	if found {
		prev := existing
		existing.ServerID, existing.Placement, existing.Reservation = chosen.ID, placement, reservation
		f.meetings[existing.ID] = existing
		return scalelite.PlaceResult{Meeting: &existing, Moved: true, Previous: &prev}, nil
	}
	f.nextID++
	m := req.Meeting
	m.ID, m.ServerID, m.Placement, m.Reservation = f.nextID, chosen.ID, placement, reservation
	m.VoiceBridge = req.VoiceBridges()[0]
	m.CreatedAt, m.UpdatedAt = time.Now().UTC(), time.Now().UTC()
	f.meetings[m.ID] = m
	return scalelite.PlaceResult{Meeting: &m, Created: true}, nil
}

func (f *fakeStore) UndoPlacement(ctx context.Context, r scalelite.PlaceResult) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Created:
		delete(f.meetings, r.Meeting.ID)
	case r.Moved:
		f.meetings[r.Meeting.ID] = *r.Previous
	default:
		return nil
	}
	if s, ok := f.servers[r.Meeting.ServerID]; ok {
		s.Load -= r.Meeting.Reservation
		f.servers[s.ID] = s
	}
	return nil
}

func (f *fakeStore) UpdateCreateParams(ctx context.Context, id int64, query string, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.meetings[id]
	if !ok {
		return notFound("meeting", strconv.FormatInt(id, 10))
	}
	m.CreateQuery, m.CreateBody = query, body
	f.meetings[id] = m
	return nil
}

func (f *fakeStore) endLocked(match func(m scalelite.Meeting) bool, at time.Time) []*scalelite.Meeting {
	var ended []*scalelite.Meeting
	for id, m := range f.meetings {
		if m.EndedAt == nil && match(m) {
			m.EndedAt = &at
			f.meetings[id] = m
			ended = append(ended, &m)
		}
	}
	return ended
}

func (f *fakeStore) EndMeetings(ctx context.Context, meetingIDs []string, at time.Time) ([]*scalelite.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.endLocked(func(m scalelite.Meeting) bool { return slices.Contains(meetingIDs, m.MeetingID) }, at), nil
}

func (f *fakeStore) EndServerMeetings(ctx context.Context, serverID string, at time.Time) ([]*scalelite.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.endLocked(func(m scalelite.Meeting) bool { return m.ServerID == serverID }, at), nil
}

func (f *fakeStore) Reconcile(ctx context.Context, serverID string, seen []string, missLimit int, graceBefore, at time.Time) ([]*scalelite.Meeting, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, m := range f.meetings {
		if m.ServerID == serverID && m.EndedAt == nil {
			if slices.Contains(seen, m.MeetingID) {
				m.MissedPolls = 0
			} else {
				m.MissedPolls++
			}
			f.meetings[id] = m
		}
	}
	return f.endLocked(func(m scalelite.Meeting) bool {
		return m.ServerID == serverID && m.MissedPolls >= missLimit && m.CreatedAt.Before(graceBefore)
	}, at), nil
}

func (f *fakeStore) CreateTenant(ctx context.Context, t *scalelite.Tenant) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, o := range f.tenants {
		if o.Name == t.Name {
			return scalelite.Errorf(scalelite.ECONFLICT, "tenant %q exists", t.Name)
		}
	}
	f.tenants[t.ID] = *t
	return nil
}

func (f *fakeStore) Tenant(ctx context.Context, id string) (*scalelite.Tenant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tenants[id]
	if !ok {
		return nil, notFound("tenant", id)
	}
	return &t, nil
}

func (f *fakeStore) TenantByName(ctx context.Context, name string) (*scalelite.Tenant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tenants {
		if t.Name == name {
			return &t, nil
		}
	}
	return nil, notFound("tenant", name)
}

func (f *fakeStore) UpdateTenant(ctx context.Context, id string, u scalelite.TenantUpdate) (*scalelite.Tenant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tenants[id]
	if !ok {
		return nil, notFound("tenant", id)
	}
	if u.Name != nil {
		t.Name = *u.Name
	}
	if u.Secrets != nil {
		t.Secrets = u.Secrets
	}
	f.tenants[id] = t
	return &t, nil
}

func (f *fakeStore) DeleteTenant(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.tenants[id]; !ok {
		return notFound("tenant", id)
	}
	delete(f.tenants, id)
	return nil
}
