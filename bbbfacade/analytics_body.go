package bbbfacade

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// analyticsParams reads the learning-dashboard data of an analytics_callback body into the
// parameters forwarded to the front-end, as Rails' params hold them: a form body
// (application/x-www-form-urlencoded or multipart/form-data) by Rack's nested-name rules
// (a[b]=1 is {"a":{"b":"1"}}, a[]=1&a[]=2 is {"a":["1","2"]}, later values win), anything
// else as a JSON object (BBB sends JSON).
func analyticsParams(contentType string, body []byte) (map[string]any, error) {
	params := map[string]any{}
	if len(body) == 0 {
		return params, nil
	}
	mt, mtParams, _ := mime.ParseMediaType(contentType)
	if mt != "application/x-www-form-urlencoded" && mt != "multipart/form-data" {
		if err := json.Unmarshal(body, &params); err != nil {
			return nil, fmt.Errorf("JSON body: %w", err)
		}
		return params, nil
	}
	form, err := parseForm(mt, mtParams, body)
	if err != nil {
		return nil, err
	}
	for _, p := range form {
		setNested(params, p)
	}
	return params, nil
}

// setNested stores one form field under its Rack-style nested name. A name that does not
// follow the rules (an unclosed bracket, [] before the last part, a part that is already of
// another kind) is stored under its whole name.
func setNested(params map[string]any, p scalelite.Param) {
	base, rest, nested := strings.Cut(p.Key, "[")
	if !nested || base == "" || rest == "" {
		params[p.Key] = p.Value
		return
	}
	var keys []string
	for rest != "" {
		key, after, ok := strings.Cut(rest, "]")
		if !ok || (after != "" && !strings.HasPrefix(after, "[")) {
			params[p.Key] = p.Value
			return
		}
		keys = append(keys, key)
		rest = strings.TrimPrefix(after, "[")
	}
	m := params
	path := append([]string{base}, keys...)
	for i, k := range path[:len(path)-1] {
		next := path[i+1]
		if next == "" { // k[]: an array of values, the last part
			if i+1 != len(path)-1 {
				params[p.Key] = p.Value
				return
			}
			list, _ := m[k].([]any)
			m[k] = append(list, p.Value)
			return
		}
		child, ok := m[k].(map[string]any)
		if !ok {
			if _, taken := m[k]; taken {
				params[p.Key] = p.Value
				return
			}
			child = map[string]any{}
			m[k] = child
		}
		m = child
	}
	m[path[len(path)-1]] = p.Value
}
