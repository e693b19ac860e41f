package scaleliteimport

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// callbackAttributes are the URLs Scalelite keeps in callback_data.callback_attributes.
type callbackAttributes struct {
	RecordingReadyURL    string
	AnalyticsCallbackURL string
}

// parseCallbackAttributes reads the hash Rails serialised with YAML: keys are symbols
// (":recording_ready_url") or strings, the hash may carry a Ruby tag
// ("!ruby/hash:ActiveSupport::HashWithIndifferentAccess"), and an ActionController::Parameters
// object keeps it under "parameters". Unknown keys are ignored; an empty text has no URLs.
func parseCallbackAttributes(text string) (callbackAttributes, error) {
	var out callbackAttributes
	if strings.TrimSpace(text) == "" {
		return out, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return out, fmt.Errorf("callback_attributes are not YAML: %v", err)
	}
	if len(doc.Content) == 0 {
		return out, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return out, fmt.Errorf("callback_attributes are not a hash")
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := strings.TrimPrefix(n.Content[i].Value, ":"), n.Content[i+1]
			value := strings.TrimSpace(val.Value)
			if val.Tag == "!!null" {
				value = ""
			}
			switch {
			case val.Kind == yaml.MappingNode && key == "parameters":
				walk(val)
			case val.Kind != yaml.ScalarNode:
			case key == "recording_ready_url":
				out.RecordingReadyURL = value
			case key == "analytics_callback_url":
				out.AnalyticsCallbackURL = value
			}
		}
	}
	walk(root)
	return out, nil
}
