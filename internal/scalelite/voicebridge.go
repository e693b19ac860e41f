package scalelite

import (
	"crypto/sha256"
	"math/rand/v2"
	"strings"
)

// DefaultVoiceBridgeLen is VOICE_BRIDGE_LEN's default (Scalelite's code default; one of its docs
// says 7).
const DefaultVoiceBridgeLen = 9

// voiceBridgeTries is how many generated numbers are offered per meeting (Scalelite: 10).
const voiceBridgeTries = 20

// reservedVoiceBridge is BBB's default test conference number, never handed out.
const reservedVoiceBridge = "99999"

// VoiceBridgeCandidates returns the voice bridge numbers to try for a meeting, in order: the
// client's voiceBridge first when external voice bridges are allowed and it is all digits, then a
// sequence generated from SHA-256(meetingID), so retries for the same meeting try the same
// numbers. Generated numbers have length digits (DefaultVoiceBridgeLen when length < 1), the
// first one 1-9, and are never 99999.
func VoiceBridgeCandidates(meetingID string, length int, external string) []string {
	if length < 1 {
		length = DefaultVoiceBridgeLen
	}
	out := make([]string, 0, voiceBridgeTries+1)
	if external != "" && allDigits(external) {
		out = append(out, external)
	}
	seed := sha256.Sum256([]byte(meetingID))
	rng := rand.New(rand.NewChaCha8(seed))
	var b strings.Builder
	for len(out) < cap(out) {
		b.Reset()
		b.WriteByte(byte('1' + rng.IntN(9)))
		for i := 1; i < length; i++ {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		if n := b.String(); n != reservedVoiceBridge && n != external {
			out = append(out, n)
		}
	}
	return out
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
