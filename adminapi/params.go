package adminapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// params are a request's parameters as Rails merges them: the URL query, then the JSON body's
// top-level keys (which win). Values stay raw JSON so that each endpoint reads them the way
// Scalelite does (strings or numbers, presence versus truthiness).
type params map[string]json.RawMessage

func parseParams(query url.Values, body []byte) (params, error) {
	p := params{}
	for k, vs := range query {
		if k == "checksum" || len(vs) == 0 {
			continue
		}
		raw, _ := json.Marshal(vs[0])
		p[k] = raw
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errors.New("the body must be a JSON object")
	}
	for k, v := range obj {
		p[k] = v
	}
	return p, nil
}

// nested returns the object under key (e.g. "server"), or, as Rails' parameter wrapping does,
// the top-level parameters when there is none.
func (p params) nested(key string) params {
	if raw, ok := p[key]; ok {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) == nil && obj != nil {
			return obj
		}
		return params{}
	}
	return p
}

// has reports whether key is present with a non-null value.
func (p params) has(key string) bool {
	raw, ok := p[key]
	return ok && string(bytes.TrimSpace(raw)) != "null"
}

// str returns a string or number parameter as text ("" when absent or null).
func (p params) str(key string) string {
	raw, ok := p[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	var b bool
	if json.Unmarshal(raw, &b) == nil {
		return strconv.FormatBool(b)
	}
	return ""
}

// truthy reports Ruby truthiness: present and neither null nor false. The string "false" is
// truthy, as in Scalelite.
func (p params) truthy(key string) bool {
	if !p.has(key) {
		return false
	}
	return strings.TrimSpace(string(p[key])) != "false"
}

// secrets reads a tenant's secrets: Scalelite's ':'-separated string, or a JSON list.
func (p params) secrets(key string) string {
	raw, ok := p[key]
	if !ok {
		return ""
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ":")
	}
	return p.str(key)
}

// float parses a number or numeric string; ok is false for anything else.
func (p params) float(key string) (float64, bool) {
	s := strings.TrimSpace(p.str(key))
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}
