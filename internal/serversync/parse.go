// Package serversync implements Scalelite's servers:sync: a YAML file declares the pool and the
// sync creates, updates, cordons and removes servers to match it, and servers:yaml, its export.
//
// The format is
//
//	servers:
//	  <id>:                     # [a-zA-Z0-9_.-]+
//	    url: https://bbb1/bigbluebutton/api   # default https://<id>/bigbluebutton/api
//	    secret: ...             # required
//	    enabled: true           # default true
//	    load_multiplier: 1.0    # default 1.0, must be > 0
//	    tag: name               # optional; absent, null or "" is untagged
//
// The keys load, state, bbb_version and online (written by the verbose export) are ignored; any
// other key is an error naming its line.
package serversync

import (
	"fmt"
	"math"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Entry is one server as the YAML declares it.
type Entry struct {
	ID             string
	URL            string
	Secret         string
	Enabled        bool
	LoadMultiplier float64
	Tag            string
	Line           int // where the entry starts in the YAML
}

var idRE = regexp.MustCompile(`^[a-zA-Z0-9_.\-]+$`)

// ignoredKeys are written by `servers yaml --verbose` and ignored by the sync.
var ignoredKeys = map[string]bool{"load": true, "state": true, "bbb_version": true, "online": true}

// Parse reads a sync document. Errors are EINVALID and name the offending line.
func Parse(data []byte) ([]Entry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, scalelite.Errorf(scalelite.EINVALID, "malformed YAML: %v", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, scalelite.Errorf(scalelite.EINVALID, "line 1: the document must be a mapping with a 'servers' key")
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, lineErr(root, "the document must be a mapping with a 'servers' key")
	}
	var servers *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Value != "servers" {
			return nil, lineErr(k, "unknown top-level key %q (expected 'servers')", k.Value)
		}
		servers = v
	}
	if servers == nil {
		return nil, lineErr(root, "missing 'servers' key")
	}
	if servers.Kind == yaml.ScalarNode && servers.Tag == "!!null" {
		return nil, nil // "servers:" with nothing: an empty pool
	}
	if servers.Kind != yaml.MappingNode {
		return nil, lineErr(servers, "'servers' must be a mapping of server id to settings")
	}
	var out []Entry
	seen := map[string]bool{}
	for i := 0; i+1 < len(servers.Content); i += 2 {
		k, v := servers.Content[i], servers.Content[i+1]
		e, err := parseEntry(k, v)
		if err != nil {
			return nil, err
		}
		if seen[e.ID] {
			return nil, lineErr(k, "server id %q is listed twice", e.ID)
		}
		seen[e.ID] = true
		out = append(out, e)
	}
	return out, nil
}

func parseEntry(k, v *yaml.Node) (Entry, error) {
	e := Entry{ID: k.Value, Enabled: true, LoadMultiplier: 1, Line: k.Line}
	if k.Kind != yaml.ScalarNode || !idRE.MatchString(e.ID) {
		return e, lineErr(k, "invalid server id %q (allowed: letters, digits, '_', '.', '-')", e.ID)
	}
	if v.Kind != yaml.MappingNode {
		return e, lineErr(v, "server %s: settings must be a mapping", e.ID)
	}
	hasSecret := false
	for i := 0; i+1 < len(v.Content); i += 2 {
		fk, fv := v.Content[i], v.Content[i+1]
		if ignoredKeys[fk.Value] {
			continue
		}
		null := fv.Kind == yaml.ScalarNode && fv.Tag == "!!null"
		if fv.Kind != yaml.ScalarNode {
			return e, lineErr(fv, "server %s: %s must be a single value", e.ID, fk.Value)
		}
		switch fk.Value {
		case "url":
			if !null {
				e.URL = fv.Value
			}
		case "secret":
			if null || fv.Value == "" {
				return e, lineErr(fv, "server %s: secret must not be empty", e.ID)
			}
			e.Secret, hasSecret = fv.Value, true
		case "enabled":
			b, err := strconv.ParseBool(fv.Value)
			if err != nil || fv.Tag != "!!bool" {
				return e, lineErr(fv, "server %s: enabled must be true or false, not %q", e.ID, fv.Value)
			}
			e.Enabled = b
		case "load_multiplier":
			if null {
				continue
			}
			m, err := strconv.ParseFloat(fv.Value, 64)
			if err != nil || !(m > 0) || math.IsInf(m, 0) {
				return e, lineErr(fv, "server %s: load_multiplier must be a number > 0, not %q", e.ID, fv.Value)
			}
			e.LoadMultiplier = m
		case "tag":
			if !null {
				e.Tag = fv.Value
			}
		default:
			return e, lineErr(fk, "server %s: unknown key %q", e.ID, fk.Value)
		}
	}
	if !hasSecret {
		return e, lineErr(k, "server %s: secret is required", e.ID)
	}
	if e.URL == "" {
		e.URL = "https://" + e.ID + "/bigbluebutton/api"
	}
	if err := scalelite.ValidateServerURL(e.URL); err != nil {
		return e, lineErr(k, "server %s: url must be http(s) with a host: %q", e.ID, e.URL)
	}
	return e, nil
}

func lineErr(n *yaml.Node, format string, args ...any) error {
	return scalelite.Errorf(scalelite.EINVALID, "line %d: %s", n.Line, fmt.Sprintf(format, args...))
}
