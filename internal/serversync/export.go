package serversync

import (
	"bytes"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Export writes servers in the sync format (Scalelite's servers:yaml): url, secret,
// load_multiplier, tag (null when untagged) and enabled (true only for enabled servers, so a
// cordoned server stays cordoned when the file is synced back). verbose adds state, load (-1.0
// when unavailable), bbb_version and online, which the sync ignores.
func Export(servers []*scalelite.Server, verbose bool) ([]byte, error) {
	list := &yaml.Node{Kind: yaml.MappingNode}
	for _, srv := range sortedIDs(servers) {
		fields := &yaml.Node{Kind: yaml.MappingNode}
		add := func(key string, value *yaml.Node) {
			fields.Content = append(fields.Content, str(key), value)
		}
		add("url", str(srv.URL))
		add("secret", str(srv.Secret))
		add("load_multiplier", float(srv.LoadMultiplier))
		if srv.Tag == "" {
			add("tag", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
		} else {
			add("tag", str(srv.Tag))
		}
		add("enabled", boolean(srv.State == scalelite.ServerEnabled))
		if verbose {
			load := -1.0
			if srv.LoadAvailable() {
				load = srv.Load
			}
			add("state", str(string(srv.State)))
			add("load", float(load))
			add("bbb_version", str(srv.BBBVersion))
			add("online", boolean(srv.Online))
		}
		list.Content = append(list.Content, str(srv.ID), fields)
	}
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{str("servers"), list}}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

// float writes 1 as 1.0, as Ruby does.
func float(f float64) *yaml.Node {
	v := strconv.FormatFloat(f, 'f', -1, 64)
	if !bytes.ContainsAny([]byte(v), ".eE") {
		v += ".0"
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: v}
}
