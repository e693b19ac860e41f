package scalelite

import (
	"strings"
	"testing"
)

func TestVoiceBridgeCandidates(t *testing.T) {
	a := VoiceBridgeCandidates("meeting-1", 9, "")
	b := VoiceBridgeCandidates("meeting-1", 9, "")
	c := VoiceBridgeCandidates("meeting-2", 9, "")
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Errorf("same meeting, different sequences: %v vs %v", a, b)
	}
	if a[0] == c[0] {
		t.Errorf("different meetings start with the same number %s", a[0])
	}
	for _, n := range a {
		if len(n) != 9 || n[0] < '1' || n[0] > '9' || !allDigits(n) {
			t.Errorf("bad candidate %q", n)
		}
	}
	if got := VoiceBridgeCandidates("m", 0, ""); len(got[0]) != DefaultVoiceBridgeLen {
		t.Errorf("length 0 gives %q, want the default length", got[0])
	}
}

func TestVoiceBridgeCandidatesExternal(t *testing.T) {
	tests := []struct {
		external string
		first    bool
	}{
		{"70757", true},
		{"", false},
		{"12a45", false}, // not a number: ignored
	}
	for _, tt := range tests {
		got := VoiceBridgeCandidates("m", 9, tt.external)
		if (got[0] == tt.external) != tt.first {
			t.Errorf("external %q: first candidate %q", tt.external, got[0])
		}
	}
}

func TestVoiceBridgeCandidatesSkip99999(t *testing.T) {
	// With 5 digits, 99999 is one of 90000 numbers; scan enough meetings to be sure the rule
	// holds wherever it would come up, and that lengths stay right.
	for i := range 3000 {
		for _, n := range VoiceBridgeCandidates("m"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+itoa(i), 5, "") {
			if n == "99999" || len(n) != 5 || n[0] == '0' {
				t.Fatalf("bad candidate %q", n)
			}
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}
