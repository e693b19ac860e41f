package config

import (
	"strings"
	"testing"
)

func lookupOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := kv[k]; return v, ok }
}

func TestDialIn(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want DialIn
	}{
		{"defaults", map[string]string{"LOADBALANCER_SECRET": "lb1", "LOADBALANCER_SECRETS": "lb2"},
			DialIn{Password: "lb1", MinDigits: 5, MaxDigits: 10}},
		{"no secret: refuse everyone", nil, DialIn{MinDigits: 5, MaxDigits: 10}},
		{"set but empty: no authentication", map[string]string{"LOADBALANCER_SECRET": "lb1", "FSAPI_PASSWORD": ""},
			DialIn{NoAuth: true, MinDigits: 5, MaxDigits: 10}},
		{"password", map[string]string{"LOADBALANCER_SECRET": "lb1", "FSAPI_PASSWORD": "pw"}, DialIn{Password: "pw", MinDigits: 5, MaxDigits: 10}},
		{"max duration from MAX_MEETING_DURATION", map[string]string{"MAX_MEETING_DURATION": "90"},
			DialIn{MaxDuration: 90, MinDigits: 5, MaxDigits: 10}},
		{"own max duration", map[string]string{"MAX_MEETING_DURATION": "90", "FSAPI_MAX_DURATION": "0"},
			DialIn{MaxDuration: 0, MinDigits: 5, MaxDigits: 10}},
		{"digits follow VOICE_BRIDGE_LEN", map[string]string{"VOICE_BRIDGE_LEN": "4"}, DialIn{MinDigits: 4, MaxDigits: 5}},
		{"explicit digits", map[string]string{"VOICE_BRIDGE_MIN": "3", "VOICE_BRIDGE_MAX": "12"}, DialIn{MinDigits: 3, MaxDigits: 12}},
	} {
		c, err := LoadLookup(lookupOf(tc.env))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if c.DialIn != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, c.DialIn, tc.want)
		}
	}
	// Load (getenv) cannot tell an empty variable from an unset one: the default applies.
	c, err := Load(env(map[string]string{"LOADBALANCER_SECRET": "lb1", "FSAPI_PASSWORD": ""}))
	if err != nil || c.DialIn.Password != "lb1" || c.DialIn.NoAuth {
		t.Errorf("Load with an empty FSAPI_PASSWORD: %+v %v", c.DialIn, err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"VOICE_BRIDGE_MIN": "10"}, "VOICE_BRIDGE_MIN: 10 is more than VOICE_BRIDGE_LEN (9)"},
		{map[string]string{"VOICE_BRIDGE_MAX": "8"}, "VOICE_BRIDGE_MAX: 8 is less than VOICE_BRIDGE_LEN (9)"},
		{map[string]string{"VOICE_BRIDGE_MAX": "200"}, "VOICE_BRIDGE_MAX: 200 is too long"},
		{map[string]string{"VOICE_BRIDGE_MIN": "0"}, "VOICE_BRIDGE_MIN: 0 is less than 1"},
		{map[string]string{"FSAPI_MAX_DURATION": "-1"}, "FSAPI_MAX_DURATION: -1 is less than 0"},
		{map[string]string{"DEFAULT_LOCALE": "not a locale!"}, `DEFAULT_LOCALE: "not a locale!" is not a language tag`},
	} {
		_, err := LoadLookup(lookupOf(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.env, err, tc.want)
		}
	}
}

func TestPages(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || c.Pages != (Pages{DefaultLocale: "en"}) {
		t.Errorf("defaults: %+v %v", c.Pages, err)
	}
	c, err = Load(env(map[string]string{"DEFAULT_LOCALE": "de", "LOCALES_DIR": "/etc/scalelite/locales"}))
	if err != nil || c.Pages != (Pages{DefaultLocale: "de", LocalesDir: "/etc/scalelite/locales"}) {
		t.Errorf("set: %+v %v", c.Pages, err)
	}
}
