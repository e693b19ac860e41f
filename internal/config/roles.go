package config

import (
	"fmt"
	"strings"
)

// Role is one job a serve process can do.
type Role string

const (
	RoleAPI      Role = "api"      // HTTP: BBB API, control plane, playback, health, metrics
	RolePoller   Role = "poller"   // polls the BBB servers; one active per cluster
	RoleImporter Role = "importer" // imports recordings from the spool; one active per cluster
)

// AllRoles lists every role in start order.
func AllRoles() Roles { return Roles{RoleAPI, RolePoller, RoleImporter} }

// Roles is a set of roles in the order of AllRoles.
type Roles []Role

// Has reports whether r includes role.
func (r Roles) Has(role Role) bool {
	for _, x := range r {
		if x == role {
			return true
		}
	}
	return false
}

func (r Roles) String() string {
	s := make([]string, len(r))
	for i, x := range r {
		s[i] = string(x)
	}
	return strings.Join(s, ",")
}

// ParseRoles parses a comma-separated list such as "api,poller". Case and blanks are ignored,
// duplicates collapse, and the result follows the order of AllRoles.
func ParseRoles(list string) (Roles, error) {
	seen := map[Role]bool{}
	for _, p := range strings.Split(list, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if !AllRoles().Has(Role(p)) {
			return nil, fmt.Errorf("unknown role %q (want %s)", p, AllRoles())
		}
		seen[Role(p)] = true
	}
	if len(seen) == 0 {
		return nil, fmt.Errorf("no role given (want some of %s)", AllRoles())
	}
	var out Roles
	for _, r := range AllRoles() {
		if seen[r] {
			out = append(out, r)
		}
	}
	return out, nil
}
