package bbbfacade

import (
	"context"
	"fmt"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// meeting returns the running meeting of this request's tenant; another tenant's meeting (or a
// tenant-less one seen from a tenant) is not found, as in Scalelite.
func (h *Handler) meeting(ctx context.Context, req *apiRequest, meetingID string) (*scalelite.Meeting, error) {
	m, err := h.store.Meeting(ctx, meetingID)
	if scalelite.IsNotFound(err) {
		return nil, errMeetingNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("meeting %s: %w", meetingID, err)
	}
	if m.TenantID != req.TenantID() {
		return nil, errMeetingNotFound
	}
	return m, nil
}

// server returns a meeting's server, nil when it was removed.
func (h *Handler) server(ctx context.Context, id string) (*scalelite.Server, error) {
	srv, err := h.store.Server(ctx, id)
	if scalelite.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", id, err)
	}
	return srv, nil
}

// meetingOnServer looks up the meeting and its server; a meeting whose server was removed
// cannot be reached (message is the call's internalError text).
func (h *Handler) meetingOnServer(ctx context.Context, req *apiRequest, message string) (*scalelite.Meeting, *scalelite.Server, error) {
	meetingID, err := req.MeetingID()
	if err != nil {
		return nil, nil, err
	}
	m, err := h.meeting(ctx, req, meetingID)
	if err != nil {
		return nil, nil, err
	}
	srv, err := h.server(ctx, m.ServerID)
	if err != nil {
		return nil, nil, err
	}
	if srv == nil {
		return nil, nil, &apiError{Key: keyInternalError, Message: message, Err: fmt.Errorf("server %s of meeting %s was removed", m.ServerID, meetingID)}
	}
	return m, srv, nil
}
