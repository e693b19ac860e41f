package config

import (
	"fmt"
	"net/url"
	"strings"
)

// Variable is one environment variable as Load read it.
type Variable struct {
	Name    string
	Value   string // as set; "" when unset
	Default string // what applies when unset ("" when nothing does)
}

// IsSet reports whether the variable has a value (an empty one counts as unset).
func (v Variable) IsSet() bool { return v.Value != "" }

// IsSecret reports whether the value must never be shown: secrets, passwords and keys.
func (v Variable) IsSecret() bool {
	for _, part := range []string{"SECRET", "PASSWORD", "API_KEY", "PRIVATE_KEY"} {
		if strings.Contains(v.Name, part) {
			return true
		}
	}
	return false
}

// Masked is the effective value for printing: a secret as "(set, N characters)", a URL with
// its password and password-like query parameters replaced by "xxxxx", the default when unset.
func (v Variable) Masked() string {
	switch {
	case !v.IsSet():
		return v.Default
	case v.IsSecret():
		return fmt.Sprintf("(set, %d characters)", len(v.Value))
	case strings.HasSuffix(v.Name, "_URL"):
		return maskURL(v.Value)
	}
	return v.Value
}

// maskURL hides a URL's password and any query parameter naming a password or secret; a value
// that does not parse is hidden whole.
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(set, not a URL)"
	}
	if u.Opaque != "" { // sqlite:PATH
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	for k := range q {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "pass") || strings.Contains(lk, "secret") || strings.Contains(lk, "key") {
			q.Set(k, "xxxxx")
		}
	}
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
