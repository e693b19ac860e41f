package redisstore

import (
	"context"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// The methods below write through to the inner store and then invalidate the cached rows the
// write may have changed (see CachedStore).

// CreateServer creates the server and invalidates its (negative) entry.
func (s *CachedStore) CreateServer(ctx context.Context, srv *scalelite.Server) error {
	err := s.Store.CreateServer(ctx, srv)
	s.invalidate(ctx, serverKey(srv.ID))
	return err
}

// UpdateServer updates the server and invalidates it.
func (s *CachedStore) UpdateServer(ctx context.Context, id string, u scalelite.ServerUpdate) (*scalelite.Server, error) {
	srv, err := s.Store.UpdateServer(ctx, id, u)
	s.invalidate(ctx, serverKey(id))
	return srv, err
}

// DeleteServer deletes the server and invalidates it.
func (s *CachedStore) DeleteServer(ctx context.Context, id string) error {
	err := s.Store.DeleteServer(ctx, id)
	s.invalidate(ctx, serverKey(id))
	return err
}

// RecordPoll stores the poll and invalidates the server.
func (s *CachedStore) RecordPoll(ctx context.Context, id string, r scalelite.PollResult) (*scalelite.Server, error) {
	srv, err := s.Store.RecordPoll(ctx, id, r)
	s.invalidate(ctx, serverKey(id))
	return srv, err
}

// AddLoad adds the deltas and invalidates each server named.
func (s *CachedStore) AddLoad(ctx context.Context, deltas map[string]float64) error {
	err := s.Store.AddLoad(ctx, deltas)
	keys := make([]cacheKey, 0, len(deltas))
	for id := range deltas {
		keys = append(keys, serverKey(id))
	}
	s.invalidate(ctx, keys...)
	return err
}

// PlaceMeeting finds or places the meeting. When it placed or moved it, the meeting (with the
// create parameters PlaceRequest.Finish stored in it) and the servers whose load changed are
// invalidated; a found meeting changes nothing.
func (s *CachedStore) PlaceMeeting(ctx context.Context, req scalelite.PlaceRequest) (scalelite.PlaceResult, error) {
	res, err := s.Store.PlaceMeeting(ctx, req)
	if err == nil && !res.Placed() {
		return res, nil
	}
	keys := []cacheKey{meetingKey(req.Meeting.MeetingID)}
	keys = append(keys, placementServers(res)...)
	s.invalidate(ctx, keys...)
	return res, err
}

// UndoPlacement reverts the placement (a moved meeting gets its previous server and create
// parameters back) and invalidates the meeting and its servers.
func (s *CachedStore) UndoPlacement(ctx context.Context, r scalelite.PlaceResult) error {
	err := s.Store.UndoPlacement(ctx, r)
	var keys []cacheKey
	if r.Meeting != nil {
		keys = append(keys, meetingKey(r.Meeting.MeetingID))
	}
	keys = append(keys, placementServers(r)...)
	s.invalidate(ctx, keys...)
	return err
}

func placementServers(r scalelite.PlaceResult) []cacheKey {
	var keys []cacheKey
	if r.Meeting != nil && r.Meeting.ServerID != "" {
		keys = append(keys, serverKey(r.Meeting.ServerID))
	}
	if r.Previous != nil && r.Previous.ServerID != "" {
		keys = append(keys, serverKey(r.Previous.ServerID))
	}
	return keys
}

// UpdateCreateParams stores the create parameters and invalidates the meeting, whose MeetingID
// it looks up by row id (one extra indexed query).
func (s *CachedStore) UpdateCreateParams(ctx context.Context, id int64, query string, body []byte) error {
	err := s.Store.UpdateCreateParams(ctx, id, query, body)
	ms, lerr := s.Store.Meetings(context.WithoutCancel(ctx), scalelite.MeetingFilter{AfterID: id - 1, Limit: 1, IncludeEnded: true})
	switch {
	case lerr != nil:
		s.c.logger.Error("look up meeting to invalidate; its cached entry may be stale until its TTL",
			"row_id", id, "ttl", s.ttl, "err", lerr)
	case len(ms) == 1 && ms[0].ID == id:
		s.invalidate(ctx, meetingKey(ms[0].MeetingID))
	}
	return err
}

// EndMeetings ends the meetings and invalidates every requested MeetingID.
func (s *CachedStore) EndMeetings(ctx context.Context, meetingIDs []string, at time.Time) ([]*scalelite.Meeting, error) {
	ended, err := s.Store.EndMeetings(ctx, meetingIDs, at)
	keys := make([]cacheKey, 0, len(meetingIDs))
	for _, id := range meetingIDs {
		keys = append(keys, meetingKey(id))
	}
	s.invalidate(ctx, keys...)
	return ended, err
}

// EndServerMeetings ends the server's meetings and invalidates those it ended.
func (s *CachedStore) EndServerMeetings(ctx context.Context, serverID string, at time.Time) ([]*scalelite.Meeting, error) {
	ended, err := s.Store.EndServerMeetings(ctx, serverID, at)
	s.invalidate(ctx, meetingKeys(ended)...)
	return ended, err
}

// Reconcile applies a poll's meeting list and invalidates the meetings it ended.
func (s *CachedStore) Reconcile(ctx context.Context, serverID string, seen []string, missLimit int, graceBefore, at time.Time) ([]*scalelite.Meeting, error) {
	ended, err := s.Store.Reconcile(ctx, serverID, seen, missLimit, graceBefore, at)
	s.invalidate(ctx, meetingKeys(ended)...)
	return ended, err
}

func meetingKeys(ms []*scalelite.Meeting) []cacheKey {
	keys := make([]cacheKey, 0, len(ms))
	for _, m := range ms {
		keys = append(keys, meetingKey(m.MeetingID))
	}
	return keys
}

// CreateTenant creates the tenant and invalidates its name's (negative) entry.
func (s *CachedStore) CreateTenant(ctx context.Context, t *scalelite.Tenant) error {
	err := s.Store.CreateTenant(ctx, t)
	s.invalidate(ctx, tenantKey(t.Name))
	return err
}

// UpdateTenant updates the tenant and invalidates its old and new names.
func (s *CachedStore) UpdateTenant(ctx context.Context, id string, u scalelite.TenantUpdate) (*scalelite.Tenant, error) {
	keys := s.tenantNameKey(ctx, id)
	t, err := s.Store.UpdateTenant(ctx, id, u)
	if u.Name != nil {
		keys = append(keys, tenantKey(*u.Name))
	}
	if t != nil {
		keys = append(keys, tenantKey(t.Name))
	}
	s.invalidate(ctx, keys...)
	return t, err
}

// DeleteTenant deletes the tenant and invalidates its name.
func (s *CachedStore) DeleteTenant(ctx context.Context, id string) error {
	keys := s.tenantNameKey(ctx, id)
	err := s.Store.DeleteTenant(ctx, id)
	s.invalidate(ctx, keys...)
	return err
}

// tenantNameKey looks up the tenant's current name before a write that may change or remove it.
func (s *CachedStore) tenantNameKey(ctx context.Context, id string) []cacheKey {
	t, err := s.Store.Tenant(ctx, id)
	if err != nil {
		if !scalelite.IsNotFound(err) {
			s.c.logger.Error("look up tenant to invalidate; its cached entry may be stale until its TTL",
				"tenant_id", id, "ttl", s.ttl, "err", err)
		}
		return nil
	}
	return []cacheKey{tenantKey(t.Name)}
}
