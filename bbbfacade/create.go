package bbbfacade

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// create finds or places the meeting in one transaction (reserving load on the chosen server),
// sends create to its server and relays the answer. A placement whose backend create fails is
// undone (row, voice bridge, reservation). Existing meetings stay where they are unless their
// server is gone, offline or disabled, or cordoned with the meeting not running there: then the
// meeting is placed again.
//
// The parameters of a new or re-homed meeting are built inside the placement, once its server
// and voice bridge are chosen, and stored with its row (PlaceRequest.Finish): they are exactly
// what is sent, and the create writes nothing else (except callback data the client asked for,
// and, for a tenant with an LRS endpoint, the parameters again with the payload encrypted for the
// server, which is too slow to compute inside the placement). A create of a running meeting that
// stays writes nothing unless its callback data changed.
func (h *Handler) create(c *gin.Context, req *apiRequest) {
	ctx := c.Request.Context()
	meetingID, err := req.MeetingID()
	if err != nil {
		h.fail(c, err)
		return
	}
	tp, err := h.tenantParams(ctx, req.Tenant)
	if err != nil {
		h.fail(c, err)
		return
	}
	client := toCall(req.Params)
	keep := &cordonCheck{}
	external := ""
	if h.cfg.UseExternalVoiceBridge {
		external = req.Get(scalelite.ParamVoiceBridge)
	}
	moderatorPW := req.Get(scalelite.ParamModeratorPW)
	if moderatorPW == "" {
		moderatorPW = randomPassword()
	}
	sizeHint, _ := client.Get(scalelite.ParamSizeHint)
	sel := scalelite.LeastLoaded{Tag: scalelite.ParseServerTag(h.cfg.Create.ServerTag(client, tp))}
	analyticsURL := h.analyticsURL(req)
	build := func(m *scalelite.Meeting, srv *scalelite.Server, placed bool) scalelite.CreatePlan {
		return scalelite.BuildCreateParams(client, h.cfg.Create, tp, h.cfg.MaxMeetingDuration, scalelite.CreateTarget{
			Meeting: m, Server: srv, Tenant: req.Tenant, SetModeratorPW: placed, AnalyticsCallbackURL: analyticsURL,
		})
	}
	var fin finished // set by the placement transaction's last call of Finish
	place := scalelite.PlaceRequest{
		Meeting: scalelite.Meeting{
			MeetingID: meetingID, TenantID: req.TenantID(), Name: req.Get(scalelite.ParamMeetingName),
			ModeratorPW: moderatorPW, AttendeePW: req.Get(scalelite.ParamAttendeePW),
		},
		KeepExisting: keep.keep,
		Select:       sel.Select,
		VoiceBridges: func() []string {
			return scalelite.VoiceBridgeCandidates(meetingID, h.cfg.VoiceBridgeLen, external)
		},
		Reservation: scalelite.MeetingReservation(sizeHint, h.cfg.LoadMinUserCount),
		Finish: func(m *scalelite.Meeting, srv *scalelite.Server) (string, []byte) {
			fin.plan = build(m, srv, true)
			fin.params = toBBB(fin.plan.Params)
			fin.query = fin.params.Encode()
			return fin.query, req.XMLBody
		},
	}
	res, err := h.store.PlaceMeeting(ctx, place)
	if err == nil && !res.Placed() && keep.pending != nil && keep.pending.ID == res.Meeting.ServerID {
		// The meeting stays on a cordoned server only while it runs there (asked outside the
		// placement transaction); otherwise it is placed again.
		keep.checked, keep.running = keep.pending.ID, h.runningOn(ctx, keep.pending, meetingID)
		if !keep.running {
			res, err = h.store.PlaceMeeting(ctx, place)
		}
	}
	if scalelite.ErrorCode(err) == scalelite.ECONFLICT {
		err = &apiError{Key: keyInternalError, Err: err,
			Message: fmt.Sprintf("Couldn't find Meeting with id=%s and tenant_id=%s", meetingID, req.TenantID())}
	}
	if err != nil {
		h.fail(c, err)
		return
	}
	m := res.Meeting
	if res.Placed() {
		h.cache.forgetMeeting(meetingID)
	}
	srv := res.Server // read by the placement; asked again only if it did not say
	if srv == nil || srv.ID != m.ServerID {
		srv, err = h.server(ctx, m.ServerID)
	}
	if err == nil && srv == nil {
		err = fmt.Errorf("server %s of meeting %s was removed", m.ServerID, meetingID)
	}
	if err != nil {
		h.undoIfPlaced(ctx, res)
		h.fail(c, err)
		return
	}

	// stored: what is sent is what the placement stored (its last Finish built it).
	stored := res.Placed() && fin.params != nil && fin.query == m.CreateQuery
	plan, params := fin.plan, fin.params
	if !stored {
		plan = build(m, srv, res.Placed())
		params = toBBB(plan.Params)
	}
	if err := h.storeCallbacks(ctx, req, meetingID, plan, res.Placed()); err != nil {
		h.undoIfPlaced(ctx, res)
		h.fail(c, err)
		return
	}
	if payload := h.lrsPayload(ctx, req.Tenant, srv.Secret); payload != "" {
		params.Set(paramLRSPayload, payload)
		stored = false
	}
	resp, err := h.client.Do(ctx, bbb.EndpointOf(srv), "create", params, req.XMLBody, h.backend.TimeoutsFor(srv))
	if err != nil {
		h.undoIfPlaced(ctx, res)
		h.fail(c, backendError(err, msgCreateMeeting))
		return
	}
	if res.Placed() {
		if !stored {
			if err := h.store.UpdateCreateParams(ctx, m.ID, params.Encode(), req.XMLBody); err != nil {
				h.logger.ErrorContext(ctx, "store create parameters", "meeting_id", meetingID, "error", err)
			}
		}
		h.logger.InfoContext(ctx, "meeting placed", "meeting_id", meetingID, "server_id", srv.ID, "tenant", req.TenantID(),
			"moved", res.Moved, "reservation", m.Reservation)
	}
	relay(c, resp.Raw)
}

// finished is what a create's Finish built for the meeting's row: the plan, the parameters to
// send and their encoding, which the placement stores as the meeting's CreateQuery.
type finished struct {
	plan   scalelite.CreatePlan
	params bbb.Params
	query  string
}

// cordonCheck decides, inside the placement transaction, whether a running meeting with this id
// stays on its server: not when the server is gone, offline or disabled; on a cordoned server only
// while the meeting runs there, which is asked outside the transaction (pending) before placing
// again.
type cordonCheck struct {
	pending *scalelite.Server // cordoned server not asked yet
	checked string            // cordoned server asked
	running bool
}

func (k *cordonCheck) keep(_ *scalelite.Meeting, srv *scalelite.Server) bool {
	if !scalelite.ServerKeepsMeetings(srv) {
		return false
	}
	if srv.State == scalelite.ServerCordoned {
		if srv.ID == k.checked {
			return k.running
		}
		k.pending = srv
	}
	return true
}

// runningOn asks a cordoned server whether the meeting runs there; any error counts as not running.
func (h *Handler) runningOn(ctx context.Context, srv *scalelite.Server, meetingID string) bool {
	running, err := h.backend.MeetingRunning(ctx, srv, meetingID)
	if err != nil {
		h.logger.WarnContext(ctx, "isMeetingRunning on cordoned server", "server_id", srv.ID, "meeting_id", meetingID, "error", err)
		return false
	}
	return running
}

// storeCallbacks keeps the recording-ready and analytics callback URLs the create asked for. For
// a running meeting (placed false) whose stored callback data already says so, nothing is
// written: front-ends such as Greenlight repeat the same create before every join.
func (h *Handler) storeCallbacks(ctx context.Context, req *apiRequest, meetingID string, plan scalelite.CreatePlan, placed bool) error {
	if plan.RecordingReadyURL == "" && plan.AnalyticsURL == "" {
		return nil
	}
	if !placed {
		// Any failure to read just means writing, as before.
		cur, err := h.store.CallbackData(ctx, meetingID)
		if err == nil && cur.RecordingID == nil && cur.RecordingReadyURL == plan.RecordingReadyURL &&
			cur.AnalyticsCallbackURL == plan.AnalyticsURL && cur.TenantID == req.TenantID() {
			return nil
		}
	}
	now := h.now()
	cd := &scalelite.CallbackData{MeetingID: meetingID, RecordingReadyURL: plan.RecordingReadyURL,
		AnalyticsCallbackURL: plan.AnalyticsURL, TenantID: req.TenantID(), CreatedAt: now, UpdatedAt: now}
	if err := h.store.PutCallbackData(ctx, cd); err != nil {
		return fmt.Errorf("store callback data of %s: %w", meetingID, err)
	}
	return nil
}

func (h *Handler) undoIfPlaced(ctx context.Context, res scalelite.PlaceResult) {
	if res.Placed() {
		h.undo(ctx, res)
	}
}

// undo reverts a placement even when the request's context has ended.
func (h *Handler) undo(ctx context.Context, res scalelite.PlaceResult) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := h.store.UndoPlacement(ctx, res); err != nil {
		h.logger.ErrorContext(ctx, "undo placement", "meeting_id", res.Meeting.MeetingID, "error", err)
	}
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
