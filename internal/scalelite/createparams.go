package scalelite

import (
	"slices"
	"strconv"
	"strings"
)

// ParseParamList parses DEFAULT_/OVERRIDE_CREATE_PARAMS style lists: "k1=v1,k2=v2", split on
// "," then once on "=" (values cannot contain commas). Blank items are skipped.
func ParseParamList(s string) Params {
	var out Params
	for item := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(item) == "" {
			continue
		}
		k, v, _ := strings.Cut(item, "=")
		if k = strings.TrimSpace(k); k != "" {
			out.Set(k, v)
		}
	}
	return out
}

// ParseNameList parses CREATE_/JOIN_EXCLUDE_PARAMS: a comma list of parameter names.
func ParseNameList(s string) []string {
	var out []string
	for n := range strings.SplitSeq(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// Parameter names with special handling at create.
const (
	ParamServerTag       = "meta_server-tag"
	ParamSizeHint        = "meta_bbb-meeting-size-hint"
	ParamTenantID        = "meta_tenant-id"
	ParamTenantName      = "meta_tenant-name"
	ParamAnalyticsURL    = "meta_analytics-callback-url"
	ParamChecksum        = "checksum"
	ParamDuration        = "duration"
	ParamVoiceBridge     = "voiceBridge"
	ParamModeratorPW     = "moderatorPW"
	ParamAttendeePW      = "attendeePW"
	ParamMeetingID       = "meetingID"
	ParamMeetingName     = "name"
	ParamMaxParticipants = "maxParticipants"
)

// RecordingReadyParams are removed from every create; the first present one is stored as the
// meeting's recording-ready callback (in this order).
var RecordingReadyParams = []string{"meta_bn-recording-ready-url", "meta_bbb-recording-ready-url", "meta_canvas-recording-ready-url"}

// ParamPolicy is the operator's parameter policy for one call (create or join): env defaults,
// env overrides and excluded client parameters.
type ParamPolicy struct {
	Defaults  Params   // DEFAULT_CREATE_PARAMS / DEFAULT_JOIN_PARAMS
	Overrides Params   // OVERRIDE_CREATE_PARAMS / OVERRIDE_JOIN_PARAMS
	Exclude   []string // CREATE_EXCLUDE_PARAMS / JOIN_EXCLUDE_PARAMS
}

// TenantParams are a tenant's settings split into defaults and overrides.
type TenantParams struct {
	Defaults  Params
	Overrides Params
}

// TenantParamsFrom splits settings (as TenantSettings returns them) into defaults and overrides.
func TenantParamsFrom(settings []*TenantSetting) TenantParams {
	var t TenantParams
	for _, s := range settings {
		if s.Override {
			t.Overrides.Set(s.Param, s.Value)
		} else {
			t.Defaults.Set(s.Param, s.Value)
		}
	}
	return t
}

// PassThrough returns the client's parameters to forward: all of them except checksum and the
// excluded names, in the client's order.
func (pp ParamPolicy) PassThrough(client Params) Params {
	out := make(Params, 0, len(client))
	for _, kv := range client {
		if kv.Key == ParamChecksum || slices.Contains(pp.Exclude, kv.Key) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

// Merge applies the precedence of Scalelite's add_additional_params to params (what the call
// would send), highest first: tenant overrides, env overrides, params, tenant defaults, env
// defaults. Defaults come first in the result; a value replacing a key keeps the key's position;
// new keys are appended. meta_server-tag is never taken from defaults or overrides here (it is
// resolved separately, see ServerTag).
func (pp ParamPolicy) Merge(params Params, t TenantParams) Params {
	out := make(Params, 0, len(params)+len(pp.Defaults)+len(pp.Overrides))
	set := func(src Params) {
		for _, kv := range src {
			if kv.Key == ParamServerTag {
				continue
			}
			out.Set(kv.Key, kv.Value)
		}
	}
	set(pp.Defaults)
	set(t.Defaults)
	for _, kv := range params {
		if i := slices.IndexFunc(out, func(o Param) bool { return o.Key == kv.Key }); i >= 0 {
			out[i] = kv
			continue
		}
		out = append(out, kv)
	}
	set(pp.Overrides)
	set(t.Overrides)
	return out
}

// ServerTag resolves meta_server-tag: the first non-blank of the tenant override, the env
// override, the client's value, the tenant default and the env default.
func (pp ParamPolicy) ServerTag(client Params, t TenantParams) string {
	for _, src := range []Params{t.Overrides, pp.Overrides, client, t.Defaults, pp.Defaults} {
		if v, ok := src.Get(ParamServerTag); ok && strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// ApplyMaxDuration enforces MAX_MEETING_DURATION (minutes, 0 = off): a duration that is absent,
// zero, unparsable or larger than the maximum becomes the maximum.
func ApplyMaxDuration(p *Params, maxMinutes int) {
	if maxMinutes <= 0 {
		return
	}
	v, _ := p.Get(ParamDuration)
	if d := leadingInt(v); d == 0 || d > maxMinutes {
		p.Set(ParamDuration, strconv.Itoa(maxMinutes))
	}
}

// leadingInt reads an integer the way Ruby's String#to_i does: optional sign, leading digits,
// 0 when there are none.
func leadingInt(s string) int {
	s = strings.TrimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<30 {
			break
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// TakeRecordingReadyURL removes the recording-ready parameters from p and returns the first
// non-empty one.
func TakeRecordingReadyURL(p *Params) string {
	url := ""
	for _, k := range RecordingReadyParams {
		if v, ok := p.Get(k); ok && url == "" && strings.TrimSpace(v) != "" {
			url = v
		}
		p.Del(k)
	}
	return url
}

// CreateSpec is what a create asked for, from which the parameters sent to the chosen server are
// built once the server and voice bridge are known (inside the placement, see PlaceRequest).
type CreateSpec struct {
	Client       Params      // the client's parameters as authorised
	Body         []byte      // the XML body (pre-uploaded slides), nil when none
	Policy       ParamPolicy // DEFAULT_/OVERRIDE_CREATE_PARAMS, CREATE_EXCLUDE_PARAMS
	Tenant       *Tenant     // nil without multitenancy
	TenantParams TenantParams
	MaxDuration  int // MAX_MEETING_DURATION (minutes, 0 = off)
	// AnalyticsCallbackURL is the balancer's own analytics callback, which replaces the
	// client's meta_analytics-callback-url.
	AnalyticsCallbackURL string
}

// CreatePlan is what a create sends and remembers.
type CreatePlan struct {
	Params            Params // what to send, before signing
	RecordingReadyURL string // to store as callback data ("" when none)
	AnalyticsURL      string // the client's analytics callback URL ("" when none)
}

// Plan turns the client's create parameters into what m's server srv receives (Scalelite's
// create steps 5-11): pass-through, the stored moderator password (placed: a new or re-homed
// meeting; an existing one gets the client's value untouched, as in Scalelite), the voice
// bridge, tenant metadata, the server's actual tag, MAX_MEETING_DURATION, recording-ready and
// analytics callbacks, then the default/override merge.
func (c *CreateSpec) Plan(m *Meeting, srv *Server, placed bool) CreatePlan {
	p := c.Policy.PassThrough(c.Client)
	if placed && m.ModeratorPW != "" {
		p.Set(ParamModeratorPW, m.ModeratorPW)
	}
	if m.VoiceBridge != "" {
		p.Set(ParamVoiceBridge, m.VoiceBridge)
	}
	if c.Tenant != nil {
		p.Set(ParamTenantID, c.Tenant.ID)
		p.Set(ParamTenantName, c.Tenant.Name)
	}
	if srv.Tag != "" {
		p.Set(ParamServerTag, srv.Tag)
	} else {
		p.Del(ParamServerTag)
	}
	ApplyMaxDuration(&p, c.MaxDuration)
	var plan CreatePlan
	if v, ok := p.Get(ParamAnalyticsURL); ok && strings.TrimSpace(v) != "" && c.AnalyticsCallbackURL != "" {
		plan.AnalyticsURL = v
		p.Set(ParamAnalyticsURL, c.AnalyticsCallbackURL)
	}
	plan.RecordingReadyURL = TakeRecordingReadyURL(&p)
	plan.Params = c.Policy.Merge(p, c.TenantParams)
	return plan
}
