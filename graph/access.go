package graph

import (
	"context"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// visibleMeeting returns the running meeting if p may see it; a meeting of another tenant is
// reported as not running, so tenant keys learn nothing about other tenants.
func (r *Resolver) visibleMeeting(ctx context.Context, p *scalelite.Principal, meetingID string) (*scalelite.Meeting, error) {
	m, err := r.Store.Meeting(ctx, meetingID)
	if err != nil {
		return nil, err
	}
	if !p.CanSeeTenant(m.TenantID) {
		return nil, scalelite.Errorf(scalelite.ENOTFOUND, "meeting %s is not running", meetingID)
	}
	return m, nil
}

// visibleRecording returns the recording if p may see it; another tenant's is not found.
func (r *Resolver) visibleRecording(ctx context.Context, p *scalelite.Principal, recordID string) (*scalelite.Recording, error) {
	rec, err := r.Store.Recording(ctx, recordID)
	if err != nil {
		return nil, err
	}
	if !p.CanSeeTenant(scalelite.RecordingTenantID(rec)) {
		return nil, scalelite.Errorf(scalelite.ENOTFOUND, "We could not find recordings: %s", recordID)
	}
	return rec, nil
}

// changeRecordings runs change confined to the principal's tenant (the service matches only
// that tenant's recordings) and returns the listed recordings the principal may see, as they
// are afterwards.
func (r *Resolver) changeRecordings(ctx context.Context, what string, recordIDs []string, change func(tenantID string) error) ([]*scalelite.Recording, error) {
	p, err := viewer(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.RequireWrite(what); err != nil {
		return nil, err
	}
	if len(recordIDs) == 0 {
		return nil, scalelite.Errorf(scalelite.EINVALID, "You must specify a recordID.")
	}
	tenantID, _ := p.Tenant()
	if err := change(tenantID); err != nil {
		return nil, err
	}
	out := make([]*scalelite.Recording, 0, len(recordIDs))
	for _, id := range recordIDs {
		rec, err := r.visibleRecording(ctx, p, id)
		if scalelite.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// updated turns the recording service's "not every id matched" answer into ENOTFOUND.
func updated(ok bool, err error) error {
	if err == nil && !ok {
		return scalelite.Errorf(scalelite.ENOTFOUND, "We could not find recordings")
	}
	return err
}
