package scaleliteimport

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Servers, tenants, tenant settings and running meetings, from Scalelite's Redis (key layout in
// docs/migrating-from-scalelite.md).

// keys prefixes each id.
func keys(prefix string, ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = prefix + id
	}
	return out
}

// members returns a set's members, sorted.
func (r *run) members(ctx context.Context, key string) ([]string, error) {
	ids, err := r.opt.Redis.SetMembers(ctx, key)
	slices.Sort(ids)
	return ids, err
}

// parseServer reads a server hash. Servers made before Scalelite had states have none: they
// are enabled when listed in server_enabled, else disabled. The load is the server's score in
// server_load or cordoned_server_load.
func parseServer(id string, h, counters map[string]string, enabled map[string]bool, load map[string]float64) (*scalelite.Server, string) {
	if h == nil {
		return nil, "listed in servers but its server:" + id + " hash is missing"
	}
	if h["url"] == "" || h["secret"] == "" {
		return nil, "no url or secret"
	}
	s := &scalelite.Server{ID: id, URL: h["url"], Secret: h["secret"], Tag: h["tag"], Online: h["online"] == "true",
		Load: load[id], BBBVersion: h["bbb_version"], LoadMultiplier: 1,
		Meetings: atoi(h["meetings"]), Users: atoi(h["users"]), LargestMeeting: atoi(h["largest_meeting"]), Videos: atoi(h["videos"])}
	switch st := scalelite.ServerState(h["state"]); {
	case st == "" && enabled[id]:
		s.State = scalelite.ServerEnabled
	case st == "":
		s.State = scalelite.ServerDisabled
	case st.Valid():
		s.State = st
	default:
		return nil, fmt.Sprintf("unknown state %q", h["state"])
	}
	if m, err := strconv.ParseFloat(h["load_multiplier"], 64); err == nil && m > 0 && !math.IsInf(m, 0) {
		s.LoadMultiplier = m
	}
	// Scalelite keeps the health counters in a hash named by the bare id.
	for _, src := range []map[string]string{h, counters} {
		if v, ok := src["healthy_counter"]; ok {
			s.HealthyCounter = atoi(v)
		}
		if v, ok := src["unhealthy_counter"]; ok {
			s.UnhealthyCounter = atoi(v)
		}
	}
	return s, ""
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

// serverDiff lists the configuration fields in which two servers differ (live figures such as
// load and online are the poller's).
func serverDiff(a, b *scalelite.Server) []string {
	var d []string
	if a.URL != b.URL {
		d = append(d, "url")
	}
	if a.Secret != b.Secret {
		d = append(d, "secret")
	}
	if a.Tag != b.Tag {
		d = append(d, "tag")
	}
	if a.State != b.State {
		d = append(d, "state")
	}
	if a.LoadMultiplier != b.LoadMultiplier {
		d = append(d, "load multiplier")
	}
	return d
}

func (r *run) importServers(ctx context.Context) error {
	c := r.sum.counts(KindServers)
	ids, err := r.members(ctx, "servers")
	if err != nil {
		return err
	}
	hashes, err := r.opt.Redis.Hashes(ctx, keys("server:", ids))
	if err != nil {
		return err
	}
	counters, err := r.opt.Redis.Hashes(ctx, ids)
	if err != nil {
		return err
	}
	enabledIDs, err := r.opt.Redis.SetMembers(ctx, "server_enabled")
	if err != nil {
		return err
	}
	enabled := map[string]bool{}
	for _, id := range enabledIDs {
		enabled[id] = true
	}
	load, err := r.opt.Redis.SortedSet(ctx, "server_load")
	if err != nil {
		return err
	}
	cordoned, err := r.opt.Redis.SortedSet(ctx, "cordoned_server_load")
	if err != nil {
		return err
	}
	for id, l := range cordoned {
		load[id] = l
	}
	ours, err := r.t.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return err
	}
	byID, byURL := map[string]*scalelite.Server{}, map[string]*scalelite.Server{}
	for _, s := range ours {
		byID[s.ID], byURL[s.URL] = s, s
	}
	for i, id := range ids {
		c.Found++
		srv, reason := parseServer(id, hashes[i], counters[i], enabled, load)
		if reason != "" {
			c.skip(id, reason)
			continue
		}
		if other := byURL[srv.URL]; other != nil && other.ID != id {
			c.conflict(id, "its URL "+srv.URL+" is already ours as server "+other.ID)
			continue
		}
		cur := byID[id]
		ok, err := r.apply(c, id, cur != nil, func() []string { return serverDiff(cur, srv) }, func() error {
			_, err := r.t.UpdateServer(ctx, id, scalelite.ServerUpdate{URL: &srv.URL, Secret: &srv.Secret, Tag: &srv.Tag,
				State: &srv.State, LoadMultiplier: &srv.LoadMultiplier})
			return err
		}, func() error { return r.t.CreateServer(ctx, srv) })
		if err != nil {
			return err
		}
		if ok {
			r.servers[id] = true
			if cur != nil {
				delete(byURL, cur.URL)
			}
			byID[id], byURL[srv.URL] = srv, srv
		}
	}
	return nil
}

// parseTenant reads a tenant hash; secrets are ':'-separated.
func parseTenant(id string, h map[string]string) (*scalelite.Tenant, string) {
	if h == nil {
		return nil, "listed in tenants but its tenant:" + id + " hash is missing"
	}
	if h["name"] == "" {
		return nil, "no name"
	}
	t := &scalelite.Tenant{ID: id, Name: h["name"], Secrets: []string{},
		LRSEndpoint: h["lrs_endpoint"], LRSUsername: h["lrs_username"], LRSPassword: h["lrs_password"],
		KCTokenURL: h["kc_token_url"], KCClientID: h["kc_client_id"], KCClientSecret: h["kc_client_secret"],
		KCUsername: h["kc_username"], KCPassword: h["kc_password"]}
	for _, s := range strings.Split(h["secrets"], ":") {
		if s != "" {
			t.Secrets = append(t.Secrets, s)
		}
	}
	return t, ""
}

func tenantDiff(a, b *scalelite.Tenant) []string {
	var d []string
	for _, f := range []struct {
		name string
		x, y string
	}{
		{"name", a.Name, b.Name}, {"LRS endpoint", a.LRSEndpoint, b.LRSEndpoint}, {"LRS username", a.LRSUsername, b.LRSUsername},
		{"LRS password", a.LRSPassword, b.LRSPassword}, {"Keycloak token URL", a.KCTokenURL, b.KCTokenURL},
		{"Keycloak client id", a.KCClientID, b.KCClientID}, {"Keycloak client secret", a.KCClientSecret, b.KCClientSecret},
		{"Keycloak username", a.KCUsername, b.KCUsername}, {"Keycloak password", a.KCPassword, b.KCPassword},
	} {
		if f.x != f.y {
			d = append(d, f.name)
		}
	}
	if !slices.Equal(a.Secrets, b.Secrets) {
		d = append(d, "secrets")
	}
	return d
}

func tenantUpdate(t *scalelite.Tenant) scalelite.TenantUpdate {
	return scalelite.TenantUpdate{Name: &t.Name, Secrets: t.Secrets, LRSEndpoint: &t.LRSEndpoint, LRSUsername: &t.LRSUsername,
		LRSPassword: &t.LRSPassword, KCTokenURL: &t.KCTokenURL, KCClientID: &t.KCClientID, KCClientSecret: &t.KCClientSecret,
		KCUsername: &t.KCUsername, KCPassword: &t.KCPassword}
}

func (r *run) importTenants(ctx context.Context) error {
	c := r.sum.counts(KindTenants)
	ids, err := r.members(ctx, "tenants")
	if err != nil {
		return err
	}
	hashes, err := r.opt.Redis.Hashes(ctx, keys("tenant:", ids))
	if err != nil {
		return err
	}
	// Scalelite does not keep names unique: the name index says which tenant a name reaches.
	named := map[string][]string{}
	for i, id := range ids {
		if h := hashes[i]; h != nil && h["name"] != "" {
			named[h["name"]] = append(named[h["name"]], id)
		}
	}
	owner := map[string]string{}
	for name, list := range named {
		if len(list) < 2 {
			continue
		}
		idx, err := r.opt.Redis.Hashes(ctx, []string{"tenant_name:" + name})
		if err != nil {
			return err
		}
		if idx[0] != nil {
			owner[name] = idx[0]["id"]
		}
	}
	ours, err := r.t.Tenants(ctx)
	if err != nil {
		return err
	}
	byID, byName := map[string]*scalelite.Tenant{}, map[string]*scalelite.Tenant{}
	for _, t := range ours {
		byID[t.ID], byName[t.Name] = t, t
	}
	for i, id := range ids {
		c.Found++
		t, reason := parseTenant(id, hashes[i])
		if reason != "" {
			c.skip(id, reason)
			continue
		}
		if o, ok := owner[t.Name]; ok && o != id {
			c.skip(id, fmt.Sprintf("Scalelite's tenant %s has the same name %q and its name index points there", o, t.Name))
			continue
		}
		if other := byName[t.Name]; other != nil && other.ID != id {
			c.conflict(id, fmt.Sprintf("its name %q is already ours as tenant %s", t.Name, other.ID))
			continue
		}
		cur := byID[id]
		ok, err := r.apply(c, id, cur != nil, func() []string { return tenantDiff(cur, t) }, func() error {
			_, err := r.t.UpdateTenant(ctx, id, tenantUpdate(t))
			return err
		}, func() error { return r.t.CreateTenant(ctx, t) })
		if err != nil {
			return err
		}
		if ok {
			r.tenants[id] = true
			if cur != nil {
				delete(byName, cur.Name)
			}
			byID[id], byName[t.Name] = t, t
		}
	}
	return nil
}

func (r *run) importTenantSettings(ctx context.Context) error {
	c := r.sum.counts(KindTenantSettings)
	tenantIDs, err := r.members(ctx, "tenants")
	if err != nil {
		return err
	}
	ours, err := r.t.TenantSettings(ctx, "")
	if err != nil {
		return err
	}
	byID, byParam := map[string]*scalelite.TenantSetting{}, map[string]*scalelite.TenantSetting{}
	for _, s := range ours {
		byID[s.ID], byParam[s.TenantID+"\x00"+s.Param] = s, s
	}
	for _, tid := range tenantIDs {
		ids, err := r.members(ctx, "tenant_settings:"+tid)
		if err != nil {
			return err
		}
		hashes, err := r.opt.Redis.Hashes(ctx, keys("tenant_setting:", ids))
		if err != nil {
			return err
		}
		for i, id := range ids {
			c.Found++
			h := hashes[i]
			switch {
			case h == nil:
				c.skip(id, "listed in tenant_settings:"+tid+" but its tenant_setting hash is missing")
				continue
			case h["param"] == "":
				c.skip(id, "no param")
				continue
			case !r.tenants[tid]:
				c.skip(id, "its tenant "+tid+" was not imported")
				continue
			}
			s := &scalelite.TenantSetting{ID: id, TenantID: tid, Param: h["param"], Value: h["value"], Override: h["override"] == "true"}
			key := tid + "\x00" + s.Param
			if other := byParam[key]; other != nil && other.ID != id {
				c.conflict(id, fmt.Sprintf("tenant %s already sets %s (setting %s)", tid, s.Param, other.ID))
				continue
			}
			cur := byID[id]
			diff := func() []string {
				if *cur != *s {
					return []string{"tenant, param, value or override"}
				}
				return nil
			}
			ok, err := r.apply(c, id, cur != nil, diff, func() error {
				if err := r.t.DeleteTenantSetting(ctx, id); err != nil {
					return err
				}
				return r.t.CreateTenantSetting(ctx, s)
			}, func() error { return r.t.CreateTenantSetting(ctx, s) })
			if err != nil {
				return err
			}
			if ok {
				if cur != nil {
					delete(byParam, cur.TenantID+"\x00"+cur.Param)
				}
				byID[id], byParam[key] = s, s
			}
		}
	}
	return nil
}

func (r *run) importMeetings(ctx context.Context) error {
	c := r.sum.counts(KindMeetings)
	ids, err := r.members(ctx, "meetings")
	if err != nil {
		return err
	}
	hashes, err := r.opt.Redis.Hashes(ctx, keys("meeting:", ids))
	if err != nil {
		return err
	}
	running, err := r.t.Meetings(ctx, scalelite.MeetingFilter{})
	if err != nil {
		return err
	}
	byID, byBridge := map[string]*scalelite.Meeting{}, map[string]*scalelite.Meeting{}
	for _, m := range running {
		byID[m.MeetingID], byBridge[m.VoiceBridge] = m, m
	}
	for i, id := range ids {
		c.Found++
		h := hashes[i]
		switch {
		case h == nil:
			c.skip(id, "ended in Scalelite: listed in meetings, but its meeting hash has expired")
			continue
		case h["server_id"] == "" || h["voice_bridge"] == "":
			c.skip(id, "no server_id or voice_bridge")
			continue
		case !r.servers[h["server_id"]]:
			c.skip(id, "its server "+h["server_id"]+" was not imported")
			continue
		case h["tenant_id"] != "" && !r.tenants[h["tenant_id"]]:
			c.skip(id, "its tenant "+h["tenant_id"]+" was not imported")
			continue
		}
		m := &scalelite.Meeting{MeetingID: id, ServerID: h["server_id"], TenantID: h["tenant_id"], ModeratorPW: h["moderator_pw"],
			VoiceBridge: h["voice_bridge"], CreatedAt: r.opt.Now()}
		r.meetings[id] = m.TenantID
		if other := byBridge[m.VoiceBridge]; other != nil && other.MeetingID != id {
			c.conflict(id, fmt.Sprintf("its voice bridge %s is held by our running meeting %s", m.VoiceBridge, other.MeetingID))
			continue
		}
		cur := byID[id]
		ok, err := r.apply(c, id, cur != nil, func() []string { return meetingDiff(cur, m) },
			func() error { return r.t.ImportMeeting(ctx, m, true) }, func() error { return r.t.ImportMeeting(ctx, m, false) })
		if err != nil {
			return err
		}
		if ok {
			byID[id], byBridge[m.VoiceBridge] = m, m
		}
	}
	return nil
}

func meetingDiff(a, b *scalelite.Meeting) []string {
	var d []string
	if a.ServerID != b.ServerID {
		d = append(d, "server")
	}
	if a.TenantID != b.TenantID {
		d = append(d, "tenant")
	}
	if a.VoiceBridge != b.VoiceBridge {
		d = append(d, "voice bridge")
	}
	if a.ModeratorPW != b.ModeratorPW {
		d = append(d, "moderator password")
	}
	return d
}
