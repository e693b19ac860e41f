package scalelite

import (
	"strings"
	"testing"
)

// enc renders params as k=v&... for readable comparisons (no escaping).
func enc(p Params) string {
	var b strings.Builder
	for i, kv := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(kv.Key)
		if !kv.Bare {
			b.WriteString("=" + kv.Value)
		}
	}
	return b.String()
}

func params(s string) Params {
	var p Params
	if s == "" {
		return p
	}
	for pair := range strings.SplitSeq(s, "&") {
		k, v, ok := strings.Cut(pair, "=")
		p = append(p, Param{Key: k, Value: v, Bare: !ok})
	}
	return p
}

func TestCallParamsSet(t *testing.T) {
	p := params("a=1&b=2&a=3&c=4")
	p.Set("a", "x")
	if got, want := enc(p), "a=x&b=2&c=4"; got != want {
		t.Errorf("Set existing: %s, want %s", got, want)
	}
	p.Set("d", "5")
	p.Del("b")
	if got, want := enc(p), "a=x&c=4&d=5"; got != want {
		t.Errorf("Set new/Del: %s, want %s", got, want)
	}
}

func TestParseParamList(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"record=true", "record=true"},
		{"record=true,muteOnStart=false", "record=true&muteOnStart=false"},
		{"welcome=a=b, ,x=", "welcome=a=b&x="},
		{"k=1,k=2", "k=2"},
	}
	for _, tt := range tests {
		if got := enc(ParseParamList(tt.in)); got != tt.want {
			t.Errorf("ParseParamList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMergePrecedence(t *testing.T) {
	pp := ParamPolicy{
		Defaults:  params("record=true&welcome=env&meta_server-tag=envtag&d1=x"),
		Overrides: params("muteOnStart=true&lock=env"),
		Exclude:   []string{"logo"},
	}
	tp := TenantParams{Defaults: params("welcome=tenant&d2=y"), Overrides: params("lock=tenant")}
	tests := []struct {
		name   string
		client string
		want   string
	}{
		{"defaults first, client wins over defaults", "meetingID=m&record=false",
			"record=false&welcome=tenant&meta_server-tag=envtag&d1=x&d2=y&meetingID=m&muteOnStart=true&lock=tenant"},
		{"overrides win over the client", "meetingID=m&muteOnStart=false&lock=client",
			"record=true&welcome=tenant&meta_server-tag=envtag&d1=x&d2=y&meetingID=m&muteOnStart=true&lock=tenant"},
		{"excluded and checksum dropped, empty values kept", "meetingID=m&logo=x&checksum=abc&welcome=",
			"record=true&welcome=&meta_server-tag=envtag&d1=x&d2=y&meetingID=m&muteOnStart=true&lock=tenant"},
	}
	for _, tt := range tests {
		// meta_server-tag from defaults is never merged: strip it from the expectation.
		want := strings.Replace(tt.want, "meta_server-tag=envtag&", "", 1)
		if got := enc(pp.Merge(pp.PassThrough(params(tt.client)), tp)); got != want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, want)
		}
	}
}

func TestExcludedCanBeInjected(t *testing.T) {
	pp := ParamPolicy{Defaults: params("logo=default"), Exclude: []string{"logo"}}
	if got := enc(pp.Merge(pp.PassThrough(params("logo=client")), TenantParams{})); got != "logo=default" {
		t.Errorf("got %s", got)
	}
}

func TestServerTagResolution(t *testing.T) {
	full := func(s string) Params { return params("meta_server-tag=" + s) }
	tests := []struct {
		name                   string
		to, eo, client, td, ed Params
		want                   string
	}{
		{"tenant override first", full("to"), full("eo"), full("c"), full("td"), full("ed"), "to"},
		{"env override", nil, full("eo"), full("c"), full("td"), full("ed"), "eo"},
		{"client", nil, nil, full("c"), full("td"), full("ed"), "c"},
		{"blank client skipped", nil, nil, full(" "), full("td"), full("ed"), "td"},
		{"env default", nil, nil, nil, nil, full("ed!"), "ed!"},
		{"none", nil, nil, nil, nil, nil, ""},
	}
	for _, tt := range tests {
		pp := ParamPolicy{Defaults: tt.ed, Overrides: tt.eo}
		if got := pp.ServerTag(tt.client, TenantParams{Defaults: tt.td, Overrides: tt.to}); got != tt.want {
			t.Errorf("%s: got %q want %q", tt.name, got, tt.want)
		}
	}
}

func TestApplyMaxDuration(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"", 60, "duration=60"},
		{"duration=0", 60, "duration=60"},
		{"duration=abc", 60, "duration=60"},
		{"duration=120", 60, "duration=60"},
		{"duration=30", 60, "duration=30"},
		{"duration=30min", 60, "duration=30min"}, // to_i reads 30
		{"duration=0", 0, "duration=0"},
		{"", 0, ""},
	}
	for _, tt := range tests {
		p := params(tt.in)
		ApplyMaxDuration(&p, tt.max)
		if got := enc(p); got != tt.want {
			t.Errorf("ApplyMaxDuration(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestTenantParamsFrom(t *testing.T) {
	got := TenantParamsFrom([]*TenantSetting{
		{Param: "record", Value: "true"},
		{Param: "lock", Value: "x", Override: true},
	})
	if enc(got.Defaults) != "record=true" || enc(got.Overrides) != "lock=x" {
		t.Errorf("got %+v", got)
	}
}

func TestCreateSpecPlan(t *testing.T) {
	m := &Meeting{MeetingID: "m", ModeratorPW: "stored", VoiceBridge: "123456789"}
	tenant := &Tenant{ID: "tid", Name: "bn"}
	tests := []struct {
		name   string
		client string
		srv    *Server
		tenant *Tenant
		placed bool
		max    int
		want   string
		rr     string
		an     string
	}{
		{"new meeting, untagged server, tag dropped",
			"meetingID=m&meta_server-tag=x!&voiceBridge=1&checksum=c", &Server{ID: "s"}, nil, true, 0,
			"meetingID=m&voiceBridge=123456789&moderatorPW=stored", "", ""},
		{"existing meeting keeps client password",
			"meetingID=m&moderatorPW=client", &Server{ID: "s", Tag: "t"}, nil, false, 0,
			"meetingID=m&moderatorPW=client&voiceBridge=123456789&meta_server-tag=t", "", ""},
		{"tenant, duration, callbacks",
			"meetingID=m&meta_bbb-recording-ready-url=&meta_bn-recording-ready-url=https://rr&meta_analytics-callback-url=https://an",
			&Server{ID: "s"}, tenant, true, 90,
			"meetingID=m&meta_analytics-callback-url=https://lb/bigbluebutton/api/analytics_callback&moderatorPW=stored&voiceBridge=123456789&meta_tenant-id=tid&meta_tenant-name=bn&duration=90",
			"https://rr", "https://an"},
	}
	for _, tt := range tests {
		spec := &CreateSpec{Client: params(tt.client), Tenant: tt.tenant, MaxDuration: tt.max,
			AnalyticsCallbackURL: "https://lb/bigbluebutton/api/analytics_callback"}
		plan := spec.Plan(m, tt.srv, tt.placed)
		if got := enc(plan.Params); got != tt.want || plan.RecordingReadyURL != tt.rr || plan.AnalyticsURL != tt.an {
			t.Errorf("%s:\n got %s rr=%q an=%q\nwant %s rr=%q an=%q", tt.name, got, plan.RecordingReadyURL, plan.AnalyticsURL, tt.want, tt.rr, tt.an)
		}
	}
}

func TestRetagCreateQuery(t *testing.T) {
	tests := []struct{ q, tag, want string }{
		{"meetingID=m&meta_server-tag=old&name=A+B", "new", "meetingID=m&name=A+B&meta_server-tag=new"},
		{"meetingID=m&meta_server-tag=old", "", "meetingID=m"},
		{"meetingID=m%21", "", "meetingID=m%21"},
		{"", "t", "meta_server-tag=t"},
	}
	for _, tt := range tests {
		if got := RetagCreateQuery(tt.q, tt.tag); got != tt.want {
			t.Errorf("RetagCreateQuery(%q, %q) = %q, want %q", tt.q, tt.tag, got, tt.want)
		}
	}
}
