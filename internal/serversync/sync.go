package serversync

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Mode decides what happens to servers the YAML does not list.
type Mode string

const (
	ModeKeep   Mode = "keep"   // leave them alone
	ModeCordon Mode = "cordon" // remove the empty ones, cordon the others (Scalelite's default)
	// ModeForce cordons them, ends their meetings on BBB (a panic: the server is disabled first)
	// and removes them. The meetings' rows stay running, recoverable as after any panic: the
	// next create or join re-creates each on a listed server (Scalelite forgets them); only
	// `meetings end` ends meetings in our records.
	ModeForce Mode = "force"
)

// ParseMode reads a mode name; "" is cordon.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return ModeCordon, nil
	case ModeKeep, ModeCordon, ModeForce:
		return m, nil
	}
	return "", scalelite.Errorf(scalelite.EINVALID, "invalid sync mode %q (keep, cordon or force)", s)
}

// Action kinds of a plan.
const (
	ActCreate = "create" // a listed server that does not exist (created enabled, or disabled)
	ActUpdate = "update" // url, secret, load multiplier or tag differ
	ActEnable = "enable" // listed enabled, currently cordoned or disabled
	ActCordon = "cordon" // listed disabled while enabled, or unlisted with meetings (cordon mode)
	ActRemove = "remove" // unlisted and empty (cordon mode) or forced
	ActEnd    = "end-meetings"
)

// Action is one step of a plan.
type Action struct {
	Kind     string `json:"kind"`
	ServerID string `json:"serverId"`
	Detail   string `json:"detail,omitempty"`

	entry *Entry
	meets int
}

func (a Action) String() string {
	if a.Detail == "" {
		return a.Kind + " " + a.ServerID
	}
	return a.Kind + " " + a.ServerID + ": " + a.Detail
}

// Plan is what a sync does (or, dry-run, would do), in order.
type Plan struct {
	Mode    Mode     `json:"mode"`
	DryRun  bool     `json:"dryRun"`
	Actions []Action `json:"actions"`
}

// NoOp reports whether the plan changes nothing.
func (p Plan) NoOp() bool { return len(p.Actions) == 0 }

// Syncer applies sync documents through the server service.
type Syncer struct {
	Servers *scalelite.ServerService
}

// Sync parses data, plans the changes for mode and, unless dryRun, applies them. It returns the
// plan; on an apply error the plan holds every action and the error names the one that failed.
func (s *Syncer) Sync(ctx context.Context, data []byte, mode Mode, dryRun bool) (Plan, error) {
	entries, err := Parse(data)
	if err != nil {
		return Plan{Mode: mode, DryRun: dryRun}, err
	}
	plan, err := s.Plan(ctx, entries, mode)
	plan.DryRun = dryRun
	if err != nil || dryRun {
		return plan, err
	}
	return plan, s.Apply(ctx, plan)
}

// Plan compares entries with the stored servers.
func (s *Syncer) Plan(ctx context.Context, entries []Entry, mode Mode) (Plan, error) {
	plan := Plan{Mode: mode}
	store := s.Servers.Store
	existing, err := store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return plan, fmt.Errorf("sync: list servers: %w", err)
	}
	byID := make(map[string]*scalelite.Server, len(existing))
	for _, srv := range existing {
		byID[srv.ID] = srv
	}
	listed := map[string]bool{}
	for i := range entries {
		e := &entries[i]
		listed[e.ID] = true
		srv, ok := byID[e.ID]
		if !ok {
			state := "enabled"
			if !e.Enabled {
				state = "disabled"
			}
			plan.Actions = append(plan.Actions, Action{Kind: ActCreate, ServerID: e.ID, Detail: fmt.Sprintf("url %s, %s", e.URL, state), entry: e})
			continue
		}
		if changes := diff(srv, e); len(changes) > 0 {
			plan.Actions = append(plan.Actions, Action{Kind: ActUpdate, ServerID: e.ID, Detail: strings.Join(changes, ", "), entry: e})
		}
		switch {
		case e.Enabled && srv.State != scalelite.ServerEnabled:
			plan.Actions = append(plan.Actions, Action{Kind: ActEnable, ServerID: e.ID, Detail: "was " + string(srv.State)})
		case !e.Enabled && srv.State == scalelite.ServerEnabled:
			plan.Actions = append(plan.Actions, Action{Kind: ActCordon, ServerID: e.ID, Detail: "listed with enabled: false"})
		}
	}
	if mode == ModeKeep {
		return plan, nil
	}
	for _, srv := range existing {
		if listed[srv.ID] {
			continue
		}
		n, err := store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{srv.ID}})
		if err != nil {
			return plan, fmt.Errorf("sync: count meetings of %s: %w", srv.ID, err)
		}
		// Empty: no running meeting in our records and none at the last poll (the stored load
		// may still hold reservations of meetings that have ended since).
		empty := n == 0 && srv.Meetings == 0
		switch {
		case mode == ModeForce:
			if srv.State != scalelite.ServerCordoned && srv.State != scalelite.ServerDisabled {
				plan.Actions = append(plan.Actions, Action{Kind: ActCordon, ServerID: srv.ID, Detail: "not listed"})
			}
			if n > 0 {
				plan.Actions = append(plan.Actions, Action{Kind: ActEnd, ServerID: srv.ID, Detail: fmt.Sprintf("%d meeting(s)", n), meets: n})
			}
			plan.Actions = append(plan.Actions, Action{Kind: ActRemove, ServerID: srv.ID, Detail: "not listed (force)"})
		case empty:
			plan.Actions = append(plan.Actions, Action{Kind: ActRemove, ServerID: srv.ID, Detail: "not listed and empty"})
		case srv.State == scalelite.ServerEnabled:
			plan.Actions = append(plan.Actions, Action{Kind: ActCordon, ServerID: srv.ID, Detail: fmt.Sprintf("not listed; %d meeting(s) in our records, %d at the last poll", n, srv.Meetings)})
		}
	}
	return plan, nil
}

// diff lists what differs between a stored server and its entry (never the secret itself).
func diff(srv *scalelite.Server, e *Entry) []string {
	var c []string
	if srv.URL != e.URL {
		c = append(c, fmt.Sprintf("url %s -> %s", srv.URL, e.URL))
	}
	if srv.Secret != e.Secret {
		c = append(c, "secret changed")
	}
	if srv.LoadMultiplier != e.LoadMultiplier {
		c = append(c, fmt.Sprintf("load_multiplier %g -> %g", srv.LoadMultiplier, e.LoadMultiplier))
	}
	if srv.Tag != e.Tag {
		c = append(c, fmt.Sprintf("tag %q -> %q", srv.Tag, e.Tag))
	}
	return c
}

// Apply carries out a plan in order and stops at the first failure.
func (s *Syncer) Apply(ctx context.Context, plan Plan) error {
	svc := s.Servers
	cleared := map[string]map[string]bool{} // server id -> meetings its end-meetings step cleared
	for _, a := range plan.Actions {
		var err error
		switch a.Kind {
		case ActCreate:
			e := a.entry
			state := scalelite.ServerEnabled
			if !e.Enabled {
				state = scalelite.ServerDisabled
			}
			_, _, err = svc.Add(ctx, scalelite.NewServer{ID: e.ID, URL: e.URL, Secret: e.Secret, LoadMultiplier: e.LoadMultiplier, Tag: e.Tag, State: state})
		case ActUpdate:
			e := a.entry
			_, err = svc.Update(ctx, e.ID, scalelite.ServerChanges{URL: &e.URL, Secret: &e.Secret, LoadMultiplier: &e.LoadMultiplier, Tag: &e.Tag})
		case ActEnable:
			_, err = svc.Enable(ctx, a.ServerID)
		case ActCordon:
			_, err = svc.Cordon(ctx, a.ServerID)
		case ActEnd:
			var res scalelite.PanicResult
			res, err = svc.Panic(ctx, a.ServerID, false, false)
			cleared[a.ServerID] = map[string]bool{}
			for _, m := range res.Ended {
				cleared[a.ServerID][m.MeetingID] = true
			}
			if err == nil && len(res.EndErrors) > 0 {
				err = fmt.Errorf("%d end call(s) failed, first: %w", len(res.EndErrors), res.EndErrors[0])
			}
		case ActRemove:
			if plan.Mode == ModeForce {
				err = noNewMeetings(ctx, svc.Store, a.ServerID, cleared[a.ServerID])
			}
			if err == nil {
				err = svc.Remove(ctx, a.ServerID)
			}
		default:
			err = fmt.Errorf("unknown action %q", a.Kind)
		}
		if err != nil {
			return fmt.Errorf("sync: %s: %w", a, err)
		}
	}
	return nil
}

// noNewMeetings fails with ECONFLICT when the server has running meetings other than the ones
// its end-meetings step cleared (those stay running, recoverable, and go with the removal).
func noNewMeetings(ctx context.Context, store scalelite.ServerServiceStore, serverID string, cleared map[string]bool) error {
	running, err := store.Meetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{serverID}})
	if err != nil {
		return fmt.Errorf("list meetings of %s: %w", serverID, err)
	}
	n := 0
	for _, m := range running {
		if !cleared[m.MeetingID] {
			n++
		}
	}
	if n > 0 {
		return scalelite.Errorf(scalelite.ECONFLICT, "%d new meeting(s) appeared on the server meanwhile", n)
	}
	return nil
}

// sortedIDs returns the ids of servers in order.
func sortedIDs(servers []*scalelite.Server) []*scalelite.Server {
	out := append([]*scalelite.Server(nil), servers...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
