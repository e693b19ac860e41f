package main

import (
	"context"
	"strings"
)

// expandIDLists accepts Scalelite's "id1:id2" lists (its rake tasks take ids that way) beside
// separate arguments. An argument holding a colon stays whole when exists says it is an id
// itself (meeting ids may contain colons); otherwise it is split, empty parts dropped.
func expandIDLists(ctx context.Context, args []string, exists func(ctx context.Context, id string) (bool, error)) ([]string, error) {
	var out []string
	for _, a := range args {
		if !strings.Contains(a, ":") {
			out = append(out, a)
			continue
		}
		ok, err := exists(ctx, a)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, a)
			continue
		}
		for _, p := range strings.Split(a, ":") {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out, nil
}
