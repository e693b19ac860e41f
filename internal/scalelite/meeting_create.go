package scalelite

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
)

// ParamLRSPayload carries a tenant's learning-record-store credentials to bbb-webhooks (>= 3.2),
// encrypted with the chosen BBB server's secret.
const ParamLRSPayload = "meta_secret-lrs-payload"

// CreateRequest is a create as the BBB API received it.
type CreateRequest struct {
	Tenant *Tenant // nil without multitenancy
	// Params are the client's parameters as authorised (one parse of the request).
	Params Params
	Body   []byte // the XML body (pre-uploaded slides), nil when none
	// AnalyticsCallbackURL is the balancer's analytics callback URL for this request's host.
	AnalyticsCallbackURL string
}

// CreateResult is what Create did.
type CreateResult struct {
	Meeting *Meeting
	Server  *Server
	Answer  []byte // the server's answer, relayed to the client
	Placed  bool   // a new or re-homed meeting: this create chose its server
}

// Create finds or places the meeting in one transaction (reserving load on the chosen server),
// sends create to its server and returns the answer. A placement whose backend create fails is
// undone (row, voice bridge, reservation); a new meeting whose server cannot be reached is
// placed once more on another server (passive health marks that server suspect). Existing
// meetings stay where they are unless their server is gone, offline or disabled, or cordoned
// with the meeting not running there: then the meeting is placed again.
//
// The parameters of a new or re-homed meeting are built inside the placement (PlaceRequest's
// CreateSpec) and stored with its row, so the create writes nothing else, except callback data the
// client asked for and, for a tenant with an LRS endpoint, the parameters again with the payload
// encrypted for the server. A create of a running meeting that stays writes nothing unless its
// callback data changed.
func (s *MeetingService) Create(ctx context.Context, req CreateRequest) (*CreateResult, error) {
	meetingID := req.Params.Value(ParamMeetingID)
	tp, err := s.tenantParams(ctx, req.Tenant)
	if err != nil {
		return nil, err
	}
	place := s.createPlacement(req, meetingID, tp)
	first, err := s.create(ctx, req, place)
	if err == nil || !first.Created || !errors.Is(err, ErrServerUnreachable) || ctx.Err() != nil {
		return first.result, err
	}
	// A new meeting whose server could not be reached: once more on another server, if any.
	s.logger.WarnContext(ctx, "create failed: trying another server", "meeting_id", meetingID, "server_id", first.Meeting.ServerID, "error", err)
	place.Avoid = append(place.Avoid, first.Meeting.ServerID)
	second, err2 := s.create(ctx, req, place)
	if errors.Is(err2, ErrNoAvailableServers) || errors.Is(err2, ErrTagUnavailable) {
		return nil, err // no other server: the first failure is the answer
	}
	return second.result, err2
}

// createPlacement is the placement a create asks for.
func (s *MeetingService) createPlacement(req CreateRequest, meetingID string, tp TenantParams) PlaceRequest {
	p := req.Params
	moderatorPW := p.Value(ParamModeratorPW)
	if moderatorPW == "" {
		moderatorPW = randomPassword()
	}
	vb := VoiceBridgeRequest{Length: s.policy.VoiceBridgeLen}
	if s.policy.UseExternalVoiceBridge {
		vb.External = p.Value(ParamVoiceBridge)
	}
	return PlaceRequest{
		Meeting: Meeting{MeetingID: meetingID, TenantID: tenantID(req.Tenant), Name: p.Value(ParamMeetingName),
			ModeratorPW: moderatorPW, AttendeePW: p.Value(ParamAttendeePW)},
		Tags:         ParseServerTag(s.policy.Create.ServerTag(p, tp)),
		Suspects:     s.health.Suspects(),
		VoiceBridges: vb,
		Reservation:  MeetingReservation(p.Value(ParamSizeHint), s.policy.LoadMinUserCount),
		Stay:         StayRule{CheckCordoned: true},
		Create: &CreateSpec{Client: p, Body: req.Body, Policy: s.policy.Create, Tenant: req.Tenant, TenantParams: tp,
			MaxDuration: s.policy.MaxMeetingDuration, AnalyticsCallbackURL: req.AnalyticsCallbackURL},
	}
}

// createAttempt is one placement and backend create; res is set once placed, for the retry.
type createAttempt struct {
	PlaceResult
	result *CreateResult
}

func (s *MeetingService) create(ctx context.Context, req CreateRequest, place PlaceRequest) (createAttempt, error) {
	meetingID := place.Meeting.MeetingID
	res, err := s.place(ctx, place)
	if ErrorCode(err) == ECONFLICT {
		return createAttempt{}, &Error{Code: ECONFLICT, Err: err,
			Message: fmt.Sprintf("Couldn't find Meeting with id=%s and tenant_id=%s", meetingID, tenantID(req.Tenant))}
	}
	if err != nil {
		return createAttempt{}, err
	}
	a := createAttempt{PlaceResult: res}
	m, srv := res.Meeting, res.Server
	if srv == nil || srv.ID != m.ServerID {
		if srv, err = s.server(ctx, m.ServerID); err == nil && srv == nil {
			err = fmt.Errorf("create meeting %s: %w", meetingID, ErrMeetingServerGone)
		}
		if err != nil {
			s.undo(ctx, res)
			return a, err
		}
	}
	if res.Placed() {
		s.cache.meetings.forget(meetingID)
	}

	// What the placement stored is exactly this plan's parameters (the same pure function of
	// the same meeting and server): sent as they are unless an LRS payload is added.
	plan := place.Create.Plan(m, srv, res.Placed())
	if err := s.storeCallbacks(ctx, req, meetingID, plan, res.Placed()); err != nil {
		s.undo(ctx, res)
		return a, err
	}
	params, changed := plan.Params, false
	if s.lrs != nil && req.Tenant != nil && req.Tenant.LRSEndpoint != "" {
		if payload := s.lrs.LRSPayload(ctx, req.Tenant, srv.Secret); payload != "" {
			params.Set(ParamLRSPayload, payload)
			changed = true
		}
	}
	answer, err := s.call(ctx, srv, "create", params, req.Body)
	if err != nil {
		s.undo(ctx, res)
		return a, fmt.Errorf("create meeting %s on %s: %w", meetingID, srv.ID, err)
	}
	if !res.Placed() && m.CreateQuery == "" {
		// A meeting without create parameters (imported from Scalelite, which never stored
		// them) keeps what this create asked for, with its own password and voice bridge, so it
		// can be re-created if its server dies.
		if err := s.store.UpdateCreateParams(ctx, m.ID, place.Create.Plan(m, srv, true).Params.Encode(), req.Body); err != nil {
			s.logger.ErrorContext(ctx, "store create parameters", "meeting_id", meetingID, "error", err)
		}
	}
	if res.Placed() {
		if changed {
			if err := s.store.UpdateCreateParams(ctx, m.ID, params.Encode(), req.Body); err != nil {
				s.logger.ErrorContext(ctx, "store create parameters", "meeting_id", meetingID, "error", err)
			}
		}
		s.logger.InfoContext(ctx, "meeting placed", "meeting_id", meetingID, "server_id", srv.ID, "tenant", tenantID(req.Tenant),
			"moved", res.Moved, "reservation", m.Reservation)
		if res.Created {
			s.publishMeeting(ctx, MeetingCreated, m, srv.ID, "")
		}
		detail := m.Placement
		if res.Moved && res.Previous != nil {
			detail = "moved from " + res.Previous.ServerID + ": " + m.Placement
		}
		s.publishMeeting(ctx, MeetingPlaced, m, srv.ID, detail)
	}
	// The first joins follow a create: they (and joins while the database is down) find the
	// meeting and its server here.
	now := s.now()
	s.cache.meetings.put(m.MeetingID, m, now)
	s.cache.servers.put(srv.ID, srv, now)
	a.result = &CreateResult{Meeting: m, Server: srv, Answer: answer, Placed: res.Placed()}
	return a, nil
}

// place runs a placement, asking a cordoned server whether the meeting still runs there when the
// placement needs to know (StayAsk) and placing again with the answer.
func (s *MeetingService) place(ctx context.Context, req PlaceRequest) (PlaceResult, error) {
	res, err := s.store.PlaceMeeting(ctx, req)
	if err != nil || !res.AskCordoned || res.Server == nil {
		return res, err
	}
	running := s.runningOn(ctx, res.Server, req.Meeting.MeetingID)
	if running {
		return res, nil
	}
	req.Stay.Cordoned = &CordonAnswer{ServerID: res.Server.ID, Running: false}
	return s.store.PlaceMeeting(ctx, req)
}

// runningOn asks a cordoned server whether the meeting runs there; any error counts as not running.
func (s *MeetingService) runningOn(ctx context.Context, srv *Server, meetingID string) bool {
	running, err := s.backend.MeetingRunning(ctx, srv, meetingID)
	s.health.Observe(ctx, srv.ID, err)
	if err != nil {
		s.logger.WarnContext(ctx, "isMeetingRunning on cordoned server", "server_id", srv.ID, "meeting_id", meetingID, "error", err)
		return false
	}
	return running
}

// storeCallbacks keeps the recording-ready and analytics callback URLs the create asked for. For
// a running meeting (placed false) whose stored callback data already says so, nothing is
// written: front-ends such as Greenlight repeat the same create before every join.
func (s *MeetingService) storeCallbacks(ctx context.Context, req CreateRequest, meetingID string, plan CreatePlan, placed bool) error {
	if plan.RecordingReadyURL == "" && plan.AnalyticsURL == "" {
		return nil
	}
	tid := tenantID(req.Tenant)
	if !placed {
		// Any failure to read just means writing, as before.
		cur, err := s.store.CallbackData(ctx, meetingID)
		if err == nil && cur.RecordingID == nil && cur.RecordingReadyURL == plan.RecordingReadyURL &&
			cur.AnalyticsCallbackURL == plan.AnalyticsURL && cur.TenantID == tid {
			return nil
		}
	}
	now := s.now()
	cd := &CallbackData{MeetingID: meetingID, RecordingReadyURL: plan.RecordingReadyURL,
		AnalyticsCallbackURL: plan.AnalyticsURL, TenantID: tid, CreatedAt: now, UpdatedAt: now}
	if err := s.store.PutCallbackData(ctx, cd); err != nil {
		return fmt.Errorf("store callback data of %s: %w", meetingID, err)
	}
	return nil
}

// randomPassword is an 8-character alphanumeric moderator password, as Scalelite generates.
func randomPassword() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
