package graph

import (
	"context"
	"time"

	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/loadhistory"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// LoadHistory answers loadHistory (loadhistory.Recorder).
type LoadHistory interface {
	History(r loadhistory.Range, serverIDs []string) loadhistory.History
}

// historyRanges maps the GraphQL ranges to the recorder's.
var historyRanges = map[model.HistoryRange]loadhistory.Range{
	model.HistoryRangeHour: loadhistory.Hour,
	model.HistoryRangeDay:  loadhistory.Day,
	model.HistoryRangeWeek: loadhistory.Week,
}

func loadHistory(h loadhistory.History, rg model.HistoryRange) *model.LoadHistory {
	out := &model.LoadHistory{Range: rg, Step: int(h.Range.Step() / time.Second), From: h.From, To: h.To,
		Cluster: loadSeries(h.Cluster), Servers: make([]*model.LoadSeries, 0, len(h.Servers))}
	if !h.Since.IsZero() {
		out.Since = &h.Since
	}
	for _, s := range h.Servers {
		out.Servers = append(out.Servers, loadSeries(s))
	}
	return out
}

func loadSeries(s loadhistory.Series) *model.LoadSeries {
	out := &model.LoadSeries{ServerID: optional(s.ServerID), Times: make([]*time.Time, len(s.Times)), Load: s.Load,
		Users: s.Users, Meetings: s.Meetings, Videos: s.Videos}
	for i := range s.Times {
		out.Times[i] = &s.Times[i]
	}
	return out
}

// usageTiers are the buckets of Tenant.usage per range.
var usageTiers = map[model.HistoryRange]struct {
	step    time.Duration
	buckets int
}{
	model.HistoryRangeHour: {time.Minute, 60},
	model.HistoryRangeDay:  {15 * time.Minute, 96},
	model.HistoryRangeWeek: {2 * time.Hour, 84},
}

// maxUsageMeetings bounds the meetings one usage answer reads.
const maxUsageMeetings = 20000

// tenantUsage counts the tenant's meetings over rg, ending now.
func (r *Resolver) tenantUsage(ctx context.Context, tenantID string, rg model.HistoryRange, now time.Time) (*model.TenantUsage, error) {
	tier, ok := usageTiers[rg]
	if !ok {
		return nil, scalelite.Errorf(scalelite.EINVALID, "Unknown range %s", rg)
	}
	since := now.Truncate(tier.step).Add(-time.Duration(tier.buckets-1) * tier.step)
	meetings, err := r.Store.Meetings(ctx, scalelite.MeetingFilter{TenantID: &tenantID, ActiveSince: &since, Limit: maxUsageMeetings + 1})
	if err != nil {
		return nil, err
	}
	truncated := len(meetings) > maxUsageMeetings
	if truncated {
		meetings = meetings[:maxUsageMeetings]
	}
	u := scalelite.MeetingUsage(meetings, now, tier.step, tier.buckets)
	out := &model.TenantUsage{Range: rg, Step: int(tier.step / time.Second), Times: make([]*time.Time, len(u.Times)),
		Started: u.Started, Running: u.Running, RunningNow: u.RunningNow, ParticipantsNow: u.ParticipantsNow, Truncated: truncated}
	for i := range u.Times {
		out.Times[i] = &u.Times[i]
	}
	return out, nil
}
