package serversync

import (
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestParse(t *testing.T) {
	doc := `servers:
  bbb1:
    url: https://bbb1.example.com/bigbluebutton/api
    secret: s1
    load_multiplier: 2.5
    tag: big
  bbb2.example.com:
    secret: s2
    enabled: false
    load: 12.0
    state: cordoned
    online: true
    bbb_version: "3.0"
  bbb3:
    secret: s3
    tag: null
`
	got, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: "bbb1", URL: "https://bbb1.example.com/bigbluebutton/api", Secret: "s1", Enabled: true, LoadMultiplier: 2.5, Tag: "big", Line: 2},
		{ID: "bbb2.example.com", URL: "https://bbb2.example.com/bigbluebutton/api", Secret: "s2", Enabled: false, LoadMultiplier: 1, Line: 7},
		{ID: "bbb3", URL: "https://bbb3/bigbluebutton/api", Secret: "s3", Enabled: true, LoadMultiplier: 1, Line: 14},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestParseEmpty(t *testing.T) {
	for _, doc := range []string{"servers:\n", "servers: {}\n"} {
		got, err := Parse([]byte(doc))
		if err != nil || len(got) != 0 {
			t.Errorf("Parse(%q) = %v, %v; want no entries", doc, got, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"not yaml", "servers:\n  bbb1: [\n", "malformed YAML"},
		{"tabs", "servers:\n\tbbb1:\n", "line 2"},
		{"not a mapping", "- a\n- b\n", "line 1: the document must be a mapping"},
		{"unknown top key", "servers: {}\nother: 1\n", "line 2: unknown top-level key \"other\""},
		{"missing servers", "{}\n", "missing 'servers'"},
		{"servers a list", "servers:\n  - a\n", "line 2: 'servers' must be a mapping"},
		{"bad id", "servers:\n  bad/id:\n    secret: x\n", "line 2: invalid server id"},
		{"settings not a mapping", "servers:\n  bbb1: x\n", "line 2: server bbb1: settings must be a mapping"},
		{"no secret", "servers:\n  bbb1:\n    url: https://a/bigbluebutton/api\n", "line 2: server bbb1: secret is required"},
		{"empty secret", "servers:\n  bbb1:\n    secret: \"\"\n", "line 3: server bbb1: secret must not be empty"},
		{"unknown key", "servers:\n  bbb1:\n    secret: x\n    colour: red\n", "line 4: server bbb1: unknown key \"colour\""},
		{"bad enabled", "servers:\n  bbb1:\n    secret: x\n    enabled: maybe\n", "line 4: server bbb1: enabled must be true or false"},
		{"zero multiplier", "servers:\n  bbb1:\n    secret: x\n    load_multiplier: 0\n", "line 4: server bbb1: load_multiplier must be a number > 0"},
		{"text multiplier", "servers:\n  bbb1:\n    secret: x\n    load_multiplier: lots\n", "line 4"},
		{"bad url", "servers:\n  bbb1:\n    secret: x\n    url: ftp://a/b\n", "line 2: server bbb1: url must be http(s)"},
		{"duplicate id", "servers:\n  bbb1:\n    secret: x\n  bbb1:\n    secret: y\n", "line 4"},
		{"list value", "servers:\n  bbb1:\n    secret: [a]\n", "line 3: server bbb1: secret must be a single value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if scalelite.ErrorCode(err) != scalelite.EINVALID {
				t.Errorf("code %q, want invalid", scalelite.ErrorCode(err))
			}
		})
	}
}

func TestParseMode(t *testing.T) {
	tests := []struct {
		in   string
		want Mode
		err  bool
	}{{"", ModeCordon, false}, {"keep", ModeKeep, false}, {"FORCE", ModeForce, false}, {"cordon", ModeCordon, false}, {"nuke", "", true}}
	for _, tt := range tests {
		got, err := ParseMode(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseMode(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestExportFormat(t *testing.T) {
	servers := []*scalelite.Server{
		{ID: "b", URL: "https://b/bigbluebutton/api", Secret: "sb", LoadMultiplier: 2.5, Tag: "t", State: scalelite.ServerCordoned, Online: true, Load: 3, BBBVersion: "3.0.1"},
		{ID: "a", URL: "https://a/bigbluebutton/api", Secret: "sa", LoadMultiplier: 1, State: scalelite.ServerEnabled},
	}
	got, err := Export(servers, false)
	if err != nil {
		t.Fatal(err)
	}
	want := `servers:
  a:
    url: https://a/bigbluebutton/api
    secret: sa
    load_multiplier: 1.0
    tag: null
    enabled: true
  b:
    url: https://b/bigbluebutton/api
    secret: sb
    load_multiplier: 2.5
    tag: t
    enabled: false
`
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	verbose, err := Export(servers, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"    state: cordoned\n    load: 3.0\n    bbb_version: 3.0.1\n    online: true\n", "    state: enabled\n    load: -1.0\n    bbb_version: \"\"\n    online: false\n"} {
		if !strings.Contains(string(verbose), line) {
			t.Errorf("verbose export lacks %q:\n%s", line, verbose)
		}
	}
	// The export parses back to the same servers.
	entries, err := Parse(verbose)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[1].Tag != "t" || entries[1].Enabled || entries[0].Tag != "" || !entries[0].Enabled || entries[1].LoadMultiplier != 2.5 {
		t.Errorf("round trip entries = %+v", entries)
	}
}
