package bbb

import (
	"fmt"
	"net/url"
	"strings"
)

// Param is one query parameter. Bare parameters are encoded as the key alone, with no "=" (what
// Scalelite sends for a nil value, e.g. end's "password").
type Param struct {
	Key, Value string
	Bare       bool
}

// Params is an ordered parameter list that keeps repeats, so a query can be forwarded in the order
// the client chose.
type Params []Param

// ParseQuery splits a raw query string on '&' and decodes keys and values (www-form: '+' is a space,
// %XX escapes). Empty segments are skipped (so "&checksum=x" and "a=1&&b=2" parse); a segment with
// no '=' gives a Bare parameter. A malformed escape is an error.
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

// ParamsFromValues converts url.Values into Params with keys sorted (url.Values has no order).
func ParamsFromValues(v url.Values) Params {
	keys := sortedKeys(v)
	p := make(Params, 0, len(keys))
	for _, k := range keys {
		for _, val := range v[k] {
			p = append(p, Param{Key: k, Value: val})
		}
	}
	return p
}

// Values returns the parameters as url.Values (Bare parameters get an empty value).
func (p Params) Values() url.Values {
	v := make(url.Values, len(p))
	for _, q := range p {
		v[q.Key] = append(v[q.Key], q.Value)
	}
	return v
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

// Set gives key the single value: the first parameter named key is replaced where it stands (so
// overrides keep the client's order), later repeats are removed, and a new key is appended.
func (p *Params) Set(key, value string) {
	found := false
	out := (*p)[:0]
	for _, q := range *p {
		if q.Key == key {
			if found {
				continue
			}
			found = true
			q = Param{Key: key, Value: value}
		}
		out = append(out, q)
	}
	if !found {
		out = append(out, Param{Key: key, Value: value})
	}
	*p = out
}

// Del removes every parameter named key.
func (p *Params) Del(key string) {
	out := (*p)[:0]
	for _, q := range *p {
		if q.Key != key {
			out = append(out, q)
		}
	}
	*p = out
}

// Clone returns a copy that shares nothing with p.
func (p Params) Clone() Params {
	if p == nil {
		return nil
	}
	return append(Params(nil), p...)
}

// Encode returns the parameters in order as a www-form query (Ruby's and Java's form encoders:
// space is '+', A-Z a-z 0-9 and "*-._" stay, every other byte is %XX in upper case). Bare
// parameters are written as the key alone.
func (p Params) Encode() string {
	var b strings.Builder
	b.Grow(p.encodedLenHint())
	p.appendEncoded(&b)
	return b.String()
}

// encodedLenHint is Encode's length when nothing needs escaping.
func (p Params) encodedLenHint() int {
	n := 0
	for _, q := range p {
		n += len(q.Key) + len(q.Value) + 2
	}
	return n
}

func (p Params) appendEncoded(b *strings.Builder) {
	for i, q := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		appendFormEscaped(b, q.Key)
		if !q.Bare {
			b.WriteByte('=')
			appendFormEscaped(b, q.Value)
		}
	}
}

// FormEscape encodes s as one www-form component (see Params.Encode).
func FormEscape(s string) string {
	var b strings.Builder
	appendFormEscaped(&b, s)
	return b.String()
}

func appendFormEscaped(b *strings.Builder, s string) {
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
