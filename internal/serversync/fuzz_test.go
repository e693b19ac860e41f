package serversync

import (
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// FuzzParse: any document is parsed or refused with an EINVALID error, never a panic; what is
// accepted has valid ids, a secret and a positive multiplier, and survives an export and a second
// parse unchanged (servers:yaml writes what servers:sync reads).
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"servers:\n  bbb1:\n    url: https://bbb1.example.com/bigbluebutton/api\n    secret: s1\n    load_multiplier: 2.5\n    tag: big\n",
		"servers:\n  bbb2.example.com:\n    secret: s2\n    enabled: false\n    load: 12.0\n    state: cordoned\n",
		"servers:\n  a:\n    secret: \"x\"\n    tag: null\n  b:\n    secret: y\n    load_multiplier: 1e-3\n",
		"servers: {}\n", "servers:\n  - x\n", "", "a: [", "servers:\n  x:\n    secret: s\n    unknown: 1\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := Parse(data)
		if err != nil {
			if scalelite.ErrorCode(err) != scalelite.EINVALID {
				t.Fatalf("error of kind %q: %v", scalelite.ErrorCode(err), err)
			}
			return
		}
		servers := make([]*scalelite.Server, len(entries))
		for i, e := range entries {
			if !idRE.MatchString(e.ID) || e.Secret == "" || e.URL == "" || !(e.LoadMultiplier > 0) {
				t.Fatalf("accepted an invalid entry %+v", e)
			}
			state := scalelite.ServerDisabled
			if e.Enabled {
				state = scalelite.ServerEnabled
			}
			servers[i] = &scalelite.Server{ID: e.ID, URL: e.URL, Secret: e.Secret, LoadMultiplier: e.LoadMultiplier, Tag: e.Tag, State: state}
		}
		out, err := Export(servers, false)
		if err != nil {
			t.Fatalf("export of accepted entries: %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("export does not parse: %v\n%s", err, out)
		}
		byID := map[string]Entry{}
		for _, e := range again {
			byID[e.ID] = e
		}
		for _, e := range entries {
			g, ok := byID[e.ID]
			if !ok || g.URL != e.URL || g.Secret != e.Secret || g.Enabled != e.Enabled || g.LoadMultiplier != e.LoadMultiplier || g.Tag != e.Tag {
				t.Fatalf("round trip changed %+v into %+v\n%s", e, g, out)
			}
		}
		if len(again) != len(entries) {
			t.Fatalf("round trip: %d entries, want %d", len(again), len(entries))
		}
	})
}
