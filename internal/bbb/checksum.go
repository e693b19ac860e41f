package bbb

import (
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Checksum returns the lower-case hex digest of action + query + secret (BBB's checksum; an unknown
// algorithm signs with SHA-256).
func Checksum(alg Algorithm, action, query, secret string) string {
	var buf [2 * sha512.Size]byte
	return string(appendChecksum(buf[:0], alg, action, query, secret))
}

// appendChecksum appends Checksum's lower-case hex digest to dst (a buffer of 2*sha512.Size
// bytes spare keeps it off the heap).
func appendChecksum(dst []byte, alg Algorithm, action, query, secret string) []byte {
	h := alg.newHash()
	io.WriteString(h, action)
	io.WriteString(h, query)
	io.WriteString(h, secret)
	var sum [sha512.Size]byte
	d := h.Sum(sum[:0])
	n := len(dst)
	dst = append(dst, make([]byte, hex.EncodedLen(len(d)))...)
	hex.Encode(dst[n:], d)
	return dst
}

// StripChecksum removes the checksum from a raw query string the way bbb-web does: the value V is
// the decoded value of the first "checksum" parameter, then every occurrence of "&checksum=V" is
// removed, or if there is none every "checksum=V&", or if there is none every "checksum=V". The rest
// keeps its exact encoding and order. Without a checksum parameter rest is rawQuery and checksum "".
func StripChecksum(rawQuery string) (rest, checksum string) {
	rest, checksum, _ = stripChecksum(rawQuery)
	return rest, checksum
}

func stripChecksum(raw string) (rest, checksum string, found bool) {
	checksum, found = firstValue(raw, "checksum")
	if !found {
		return raw, "", false
	}
	// Usually the checksum is the last parameter, there once: cut it off without a copy.
	amp := "&checksum=" + checksum
	if i := strings.Index(raw, amp); i >= 0 {
		if !strings.Contains(raw[i+len(amp):], amp) {
			return raw[:i] + raw[i+len(amp):], checksum, true
		}
		return strings.ReplaceAll(raw, amp, ""), checksum, true
	}
	for _, pattern := range []string{"checksum=" + checksum + "&", amp[1:]} {
		if strings.Contains(raw, pattern) {
			return strings.ReplaceAll(raw, pattern, ""), checksum, true
		}
	}
	return raw, checksum, true
}

// firstValue returns the decoded value of the first parameter whose decoded key is key.
func firstValue(raw, key string) (string, bool) {
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		k, v, _ := strings.Cut(seg, "=")
		if dk, err := url.QueryUnescape(k); err != nil || dk != key {
			continue
		}
		if dv, err := url.QueryUnescape(v); err == nil {
			return dv, true
		}
		return v, true
	}
	return "", false
}

// VerifyInput is one request to authenticate.
type VerifyInput struct {
	Action   string      // callName, e.g. "create"
	RawQuery string      // the undecoded URL query
	Form     url.Values  // form-POST body params, nil when none
	Secrets  []string    // accepted secrets; empty entries are ignored
	Allowed  []Algorithm // nil = all four
	// Body is the raw form body (optional). When the URL has no query at all, a checksum over the
	// body exactly as sent (checksum removed as in StripChecksum) is also accepted, as bbblb does.
	Body string
}

// Verify reports whether the request carries a valid checksum for one of the secrets.
//
// The algorithm follows from the hex length (40 SHA-1, 64 SHA-256, 96 SHA-384, 128 SHA-512) and
// must be in Allowed; hex case does not matter; digests are compared in constant time against every
// secret. An empty secret list never verifies.
//
// When RawQuery carries a checksum, it is checked against action + RawQuery-without-checksum +
// secret (bbb-web's rule). Body parameters are then NOT covered, so callers must ignore Form.
//
// When RawQuery carries no checksum and Form does (a form POST), the checksum must match bbb-web's
// rebuilt string: the query and body parameters merged, checksum dropped, keys sorted, values
// Java-form-encoded, joined as k=v with '&' (repeated keys repeat). Every parameter is then covered,
// so body parameters cannot be smuggled past the check. Also accepted: the raw body order (Body,
// when RawQuery is empty), and the raw query when the body holds nothing but the checksum. A
// checksum over action + secret alone never authenticates body parameters.
func Verify(in VerifyInput) bool {
	rest, sum, found := stripChecksum(in.RawQuery)
	var candidateBuf [3]string
	candidates := candidateBuf[:0]
	switch {
	case found:
		candidates = append(candidates, rest)
	case len(in.Form["checksum"]) > 0:
		sum = in.Form["checksum"][0]
		rebuilt, ok := rebuildFormQuery(in.RawQuery, in.Form)
		if !ok {
			return false
		}
		candidates = append(candidates, rebuilt)
		if in.RawQuery == "" && in.Body != "" {
			if bodyRest, _, ok := stripChecksum(in.Body); ok {
				candidates = append(candidates, bodyRest)
			}
		}
		if in.RawQuery != "" && onlyChecksum(in.Form) {
			candidates = append(candidates, in.RawQuery)
		}
	default:
		return false
	}

	alg, ok := algorithmForLength(len(sum))
	if !ok || (in.Allowed != nil && !slices.Contains(in.Allowed, alg)) {
		return false
	}
	var givenBuf, wantBuf [2 * sha512.Size]byte
	given := appendASCIILower(givenBuf[:0], sum)
	match := 0
	for _, secret := range in.Secrets {
		if secret == "" {
			continue
		}
		for _, c := range candidates {
			want := appendChecksum(wantBuf[:0], alg, in.Action, c, secret)
			match |= subtle.ConstantTimeCompare(want, given)
		}
	}
	return match == 1
}

// rebuildFormQuery is bbb-web's string for a form POST: query and body parameters merged (query
// values first), checksum dropped, keys sorted, values Java-form-encoded.
func rebuildFormQuery(rawQuery string, form url.Values) (string, bool) {
	merged := url.Values{}
	if rawQuery != "" {
		q, err := scalelite.ParseQuery(rawQuery)
		if err != nil {
			return "", false
		}
		for _, p := range q {
			merged[p.Key] = append(merged[p.Key], p.Value)
		}
	}
	for k, vs := range form {
		merged[k] = append(merged[k], vs...)
	}
	delete(merged, "checksum")
	var b strings.Builder
	for _, k := range sortedKeys(merged) {
		for _, v := range merged[k] {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k)
			b.WriteByte('=')
			scalelite.AppendFormEscaped(&b, v)
		}
	}
	return b.String(), true
}

func onlyChecksum(form url.Values) bool {
	for k := range form {
		if k != "checksum" {
			return false
		}
	}
	return true
}

func sortedKeys(v url.Values) []string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendASCIILower appends s to dst with A-Z lowered.
func appendASCIILower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}
