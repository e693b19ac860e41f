package scalelite

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Param is one BBB API parameter. Bare marks a key sent without "=" (what Scalelite sends for a
// nil value, e.g. end's "password").
type Param struct {
	Key, Value string
	Bare       bool
}

// Params is the one ordered parameter list of a BBB call: the client's parameters as parsed once
// at the edge, what the domain merges into them, and what internal/bbb signs and sends. It keeps
// repeats and order, so a query can be forwarded in the order the client chose. Its text form is
// the www-form encoding BBB and Scalelite use (Encode), which is also how a meeting's create
// parameters are stored.
type Params []Param

// ParseQuery splits a raw www-form query on '&' and decodes keys and values ('+' is a space, %XX
// escapes). Empty segments are skipped (so "&checksum=x" and "a=1&&b=2" parse); a segment with no
// '=' gives a Bare parameter. A malformed escape is an error.
func ParseQuery(raw string) (Params, error) {
	var p Params
	if raw != "" {
		p = make(Params, 0, strings.Count(raw, "&")+1)
	}
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		k, v, hasEq := strings.Cut(seg, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("parse query key %q: %w", k, err)
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("parse query value of %q: %w", key, err)
		}
		p = append(p, Param{Key: key, Value: val, Bare: !hasEq})
	}
	return p, nil
}

// Get returns the value of the first parameter named key.
func (p Params) Get(key string) (string, bool) {
	for _, q := range p {
		if q.Key == key {
			return q.Value, true
		}
	}
	return "", false
}

// Value returns the value of the first parameter named key, "" when absent.
func (p Params) Value(key string) string {
	v, _ := p.Get(key)
	return v
}

// Repeated returns the first key that appears more than once, "" when none does.
func (p Params) Repeated() string {
	if len(p) > 16 { // a map beats comparing every pair
		seen := make(map[string]struct{}, len(p))
		for _, q := range p {
			if _, ok := seen[q.Key]; ok {
				return q.Key
			}
			seen[q.Key] = struct{}{}
		}
		return ""
	}
	for i := 1; i < len(p); i++ {
		for j := range i {
			if p[j].Key == p[i].Key {
				return p[i].Key
			}
		}
	}
	return ""
}

// Set gives key the single value: the first parameter named key is replaced where it stands (so
// overrides keep the client's order), later repeats are removed, and a new key is appended.
func (p *Params) Set(key, value string) {
	i := slices.IndexFunc(*p, func(q Param) bool { return q.Key == key })
	if i < 0 {
		*p = append(*p, Param{Key: key, Value: value})
		return
	}
	(*p)[i] = Param{Key: key, Value: value}
	rest := slices.DeleteFunc((*p)[i+1:], func(q Param) bool { return q.Key == key })
	*p = (*p)[:i+1+len(rest)]
}

// Del removes every parameter named key.
func (p *Params) Del(key string) {
	*p = slices.DeleteFunc(*p, func(q Param) bool { return q.Key == key })
}

// Clone returns a copy that shares nothing with p.
func (p Params) Clone() Params {
	if p == nil {
		return nil
	}
	return slices.Clone(p)
}

// Values returns the parameters as url.Values (Bare parameters get an empty value).
func (p Params) Values() url.Values {
	v := make(url.Values, len(p))
	for _, q := range p {
		v[q.Key] = append(v[q.Key], q.Value)
	}
	return v
}

// Encode returns the parameters in order as a www-form query (Ruby's and Java's form encoders:
// space is '+', A-Z a-z 0-9 and "*-._" stay, every other byte is %XX in upper case). Bare
// parameters are written as the key alone.
func (p Params) Encode() string {
	var b strings.Builder
	b.Grow(p.EncodedLenHint())
	p.AppendEncoded(&b)
	return b.String()
}

// EncodedLenHint is Encode's length when nothing needs escaping (a buffer size to start with).
func (p Params) EncodedLenHint() int {
	n := 0
	for _, q := range p {
		n += len(q.Key) + len(q.Value) + 2
	}
	return n
}

// AppendEncoded writes Encode's text to b (internal/bbb signs the query where it was written).
func (p Params) AppendEncoded(b *strings.Builder) {
	for i, q := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		AppendFormEscaped(b, q.Key)
		if !q.Bare {
			b.WriteByte('=')
			AppendFormEscaped(b, q.Value)
		}
	}
}

// FormEscape encodes s as one www-form component (see Params.Encode).
func FormEscape(s string) string {
	var b strings.Builder
	AppendFormEscaped(&b, s)
	return b.String()
}

// AppendFormEscaped writes s to b as one www-form component (see Params.Encode).
func AppendFormEscaped(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}
