package bbb

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strings"
)

// Algorithm is a checksum hash algorithm as BBB and Scalelite name it.
type Algorithm string

// The four algorithms BBB 2.5+ accepts.
const (
	SHA1   Algorithm = "SHA1"
	SHA256 Algorithm = "SHA256"
	SHA384 Algorithm = "SHA384"
	SHA512 Algorithm = "SHA512"
)

// AllAlgorithms lists every supported algorithm, weakest first.
var AllAlgorithms = []Algorithm{SHA1, SHA256, SHA384, SHA512}

// ParseAlgorithms parses a ':'-separated, case-insensitive list such as "SHA1:sha256" (the format of
// LOADBALANCER_CHECKSUM_ALGORITHM). Blank entries are skipped; "" gives nil. Unknown names are an
// error.
func ParseAlgorithms(list string) ([]Algorithm, error) {
	var out []Algorithm
	for _, f := range strings.Split(list, ":") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		a := Algorithm(strings.ToUpper(f))
		if a.hexLen() == 0 {
			return nil, fmt.Errorf("unknown checksum algorithm %q (want SHA1, SHA256, SHA384 or SHA512)", f)
		}
		out = append(out, a)
	}
	return out, nil
}

// Strongest returns the strongest algorithm of the list (SHA512 > SHA384 > SHA256 > SHA1), or
// SHA256 for an empty list (Scalelite's default for outbound signing).
func Strongest(allowed []Algorithm) Algorithm {
	best := Algorithm("")
	for _, a := range allowed {
		if a.hexLen() > best.hexLen() {
			best = a
		}
	}
	if best == "" {
		return SHA256
	}
	return best
}

// hexLen is the length of the algorithm's hex digest, 0 for an unknown algorithm.
func (a Algorithm) hexLen() int {
	switch a {
	case SHA1:
		return 40
	case SHA256:
		return 64
	case SHA384:
		return 96
	case SHA512:
		return 128
	}
	return 0
}

// newHash returns a fresh hash for a; unknown algorithms hash with SHA-256.
func (a Algorithm) newHash() hash.Hash {
	switch a {
	case SHA1:
		return sha1.New()
	case SHA384:
		return sha512.New384()
	case SHA512:
		return sha512.New()
	}
	return sha256.New()
}

// algorithmForLength picks the algorithm from a hex checksum's length, as BBB does.
func algorithmForLength(n int) (Algorithm, bool) {
	switch n {
	case 40:
		return SHA1, true
	case 64:
		return SHA256, true
	case 96:
		return SHA384, true
	case 128:
		return SHA512, true
	}
	return "", false
}
