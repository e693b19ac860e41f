package config

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// reader reads variables and collects one error per bad variable. An empty value counts as unset.
type reader struct {
	getenv    func(string) string
	lookupEnv func(string) (string, bool) // nil: empty counts as unset everywhere
	errs      []error
	vars      []Variable     // every variable read, in order (config check)
	index     map[string]int // name -> position in vars
}

// newReader records every variable getenv is asked for; lookup (may be nil) tells an empty
// variable from an unset one.
func newReader(getenv func(string) string, lookup func(string) (string, bool)) *reader {
	r := &reader{index: map[string]int{}, lookupEnv: lookup}
	r.getenv = func(name string) string {
		v := getenv(name)
		if _, ok := r.index[name]; !ok {
			r.index[name] = len(r.vars)
			r.vars = append(r.vars, Variable{Name: name, Value: v})
		}
		return v
	}
	return r
}

// def records what applies when the variable is unset.
func (r *reader) def(name string, value any) {
	r.getenv(name)
	r.vars[r.index[name]].Default = fmt.Sprint(value)
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
}

func (r *reader) str(name, def string) string {
	r.def(name, def)
	if v := r.getenv(name); v != "" {
		return v
	}
	return def
}

// trimmed returns the value without surrounding blanks, "" when unset.
func (r *reader) trimmed(name string) string { return strings.TrimSpace(r.getenv(name)) }

// boolean accepts true or false in any case, as Scalelite compares them.
func (r *reader) boolean(name string, def bool) bool {
	r.def(name, def)
	v := r.trimmed(name)
	switch {
	case v == "":
		return def
	case strings.EqualFold(v, "true"):
		return true
	case strings.EqualFold(v, "false"):
		return false
	}
	r.fail(name, "%q is not a boolean (want true or false)", v)
	return def
}

func (r *reader) integer(name string, def, min int) int {
	r.def(name, def)
	v := r.trimmed(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.fail(name, "%q is not a whole number", v)
		return def
	}
	if n < min {
		r.fail(name, "%d is less than %d", n, min)
		return def
	}
	return n
}

// number reads a non-negative decimal number (Scalelite reads these with to_f).
func (r *reader) number(name string, def float64, positive bool) float64 {
	r.def(name, strconv.FormatFloat(def, 'f', -1, 64))
	v := r.trimmed(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil || math.IsNaN(f) || math.IsInf(f, 0):
		r.fail(name, "%q is not a number", v)
	case f < 0:
		r.fail(name, "%s is negative", v)
	case positive && f == 0:
		r.fail(name, "must be greater than 0")
	case f > 1e9:
		r.fail(name, "%s is too large", v)
	default:
		return f
	}
	return def
}

func (r *reader) seconds(name string, def float64) time.Duration {
	return time.Duration(r.number(name, def, false) * float64(time.Second))
}

func (r *reader) positiveSeconds(name string, def float64) time.Duration {
	return time.Duration(r.number(name, def, true) * float64(time.Second))
}

func (r *reader) minutes(name string, def float64) time.Duration {
	return time.Duration(r.number(name, def, false) * float64(time.Minute))
}

func (r *reader) positiveMinutes(name string, def float64) time.Duration {
	return time.Duration(r.number(name, def, true) * float64(time.Minute))
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	r.def(name, def)
	v := strings.ToLower(r.trimmed(name))
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, "%q is not one of %s", v, strings.Join(allowed, ", "))
	return def
}

func (r *reader) logLevel(name string, def slog.Level) slog.Level {
	r.def(name, strings.ToLower(def.String()))
	switch v := strings.ToLower(r.trimmed(name)); v {
	case "":
		return def
	case "debug":
		return slog.LevelDebug
	case "info":
		return slog.LevelInfo
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		r.fail(name, "%q is not a log level (want debug, info, warn or error)", v)
		return def
	}
}

// listenAddr combines BIND (a host, host:port or Puma's tcp://host:port) with PORT.
func (r *reader) listenAddr(bindName, portName string, defPort int) string {
	port := strconv.Itoa(defPort)
	r.def(bindName, "all interfaces")
	r.def(portName, port)
	if v := r.trimmed(portName); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 65535 {
			r.fail(portName, "%q is not a TCP port (0-65535)", v)
		} else {
			port = strconv.Itoa(n)
		}
	}
	bind := r.trimmed(bindName)
	if bind == "" {
		return net.JoinHostPort("", port)
	}
	if scheme, rest, ok := strings.Cut(bind, "://"); ok {
		if scheme != "tcp" {
			r.fail(bindName, "%q: only tcp:// addresses are supported", bind)
			return net.JoinHostPort("", port)
		}
		bind = strings.TrimSuffix(rest, "/")
	}
	if host, p, err := net.SplitHostPort(bind); err == nil {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
			r.fail(bindName, "%q has no valid port", bind)
			return net.JoinHostPort("", port)
		}
		return net.JoinHostPort(host, p)
	}
	host := strings.TrimSuffix(strings.TrimPrefix(bind, "["), "]")
	if strings.ContainsAny(host, "/ ") {
		r.fail(bindName, "%q is not a host or host:port", bind)
		return net.JoinHostPort("", port)
	}
	return net.JoinHostPort(host, port)
}

// hostPort reads an optional listen address: host:port, :port or a bare port ("" when unset).
func (r *reader) hostPort(name string) string {
	v := r.trimmed(name)
	if v == "" {
		return ""
	}
	if _, err := strconv.Atoi(v); err == nil {
		v = ":" + v
	}
	host, p, err := net.SplitHostPort(v)
	if n, perr := strconv.Atoi(p); err != nil || perr != nil || n < 0 || n > 65535 {
		r.fail(name, "%q is not host:port, :port or a port", v)
		return ""
	}
	return net.JoinHostPort(host, p)
}

// defaultTrustedProxies are Rails' defaults: loopback and private networks.
var defaultTrustedProxies = []string{"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"}

func (r *reader) proxies(name string) []string {
	r.def(name, strings.Join(defaultTrustedProxies, ","))
	v := r.trimmed(name)
	switch {
	case v == "":
		return append([]string(nil), defaultTrustedProxies...)
	case strings.EqualFold(v, "none"):
		return []string{}
	}
	var out []string
	for _, p := range splitList(v, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			r.fail(name, "%q is not an IP address or CIDR", p)
			continue
		}
		out = append(out, p)
	}
	return out
}

func isSQLite(dsn string) bool { return strings.HasPrefix(dsn, "sqlite:") }

// databaseURL checks the scheme. Values are never repeated in errors: they may hold passwords.
func (r *reader) databaseURL(name, v string) string {
	if isSQLite(v) {
		if strings.TrimPrefix(v, "sqlite:") == "" {
			r.fail(name, "sqlite: needs a file path (sqlite:PATH)")
		}
		return v
	}
	u, err := url.Parse(v)
	if err != nil {
		r.fail(name, "not a valid URL")
		return v
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		r.fail(name, "unsupported scheme %q (want postgres://, postgresql:// or sqlite:PATH)", u.Scheme)
	}
	return v
}

func (r *reader) redisURL(name string) string {
	v := r.trimmed(name)
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil {
		r.fail(name, "not a valid URL")
		return ""
	}
	switch u.Scheme {
	case "redis", "rediss", "unix":
	default:
		r.fail(name, "unsupported scheme %q (want redis://, rediss:// or unix://)", u.Scheme)
		return ""
	}
	return v
}

func (r *reader) algorithms(name string) []string {
	v := r.trimmed(name)
	if v == "" {
		return nil
	}
	var out []string
	for _, a := range splitList(v, ":") {
		a = strings.ToUpper(strings.TrimSpace(a))
		switch a {
		case "":
			continue
		case "SHA1", "SHA256", "SHA384", "SHA512":
			out = append(out, a)
		default:
			r.fail(name, "%q is not a checksum algorithm (want SHA1, SHA256, SHA384 or SHA512, ':'-separated)", a)
		}
	}
	return out
}

// params parses Scalelite's k1=v1,k2=v2: split on ',', then once on '='. Values cannot hold commas.
func (r *reader) params(name string) []Param {
	v := r.getenv(name)
	if strings.TrimSpace(v) == "" {
		return nil
	}
	var out []Param
	for _, kv := range strings.Split(v, ",") {
		if strings.TrimSpace(kv) == "" {
			continue
		}
		k, val, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			r.fail(name, "%q is not key=value", kv)
			continue
		}
		out = append(out, Param{Key: k, Value: val})
	}
	return out
}

// names parses a comma-separated list of parameter names.
func (r *reader) names(name string) []string {
	var out []string
	for _, n := range splitList(r.getenv(name), ",") {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

var formatName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// reservedFormats would collide with the balancer's own routes.
var reservedFormats = map[string]bool{"bigbluebutton": true, "scalelite": true, "recording": true, "recordings": true,
	"playback": true, "graphql": true, "admin": true, "metrics": true, "healthz": true, "readyz": true,
	"health_check": true}

func (r *reader) formats(name, def string) []string {
	var out []string
	for _, f := range splitList(r.str(name, def), ":") {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case !formatName.MatchString(f):
			r.fail(name, "%q is not a format name (lower-case letters, digits, '-' and '_')", f)
		case reservedFormats[f]:
			r.fail(name, "%q collides with a route of the balancer", f)
		default:
			out = append(out, f)
		}
	}
	return out
}

func (r *reader) roles(name, def string) Roles {
	roles, err := ParseRoles(r.str(name, def))
	if err != nil {
		r.fail(name, "%v", err)
		roles, _ = ParseRoles(def)
	}
	return roles
}

// splitList splits s on sep and drops empty entries.
func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}
