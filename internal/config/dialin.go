package config

// DialIn configures the FreeSWITCH dial-plan endpoint, /fsapi (api role).
type DialIn struct {
	// Password is FSAPI_PASSWORD, by default the first LOADBALANCER_SECRET.
	Password string
	// NoAuth is true when FSAPI_PASSWORD is set but empty: authentication is off, as in
	// Scalelite. Without any password (no FSAPI_PASSWORD and no LOADBALANCER_SECRET) every
	// request is refused instead (Scalelite would leave the endpoint open).
	NoAuth bool
	// MaxDuration is FSAPI_MAX_DURATION in minutes (default MAX_MEETING_DURATION; 0 is no limit).
	MaxDuration int
	// MinDigits and MaxDigits are VOICE_BRIDGE_MIN and VOICE_BRIDGE_MAX, the length of the PIN
	// callers are asked for: by default 5 (at most VOICE_BRIDGE_LEN) and VOICE_BRIDGE_LEN+1 (a
	// breakout room's number is its meeting's plus one digit; Scalelite's default of 9 leaves
	// them out).
	MinDigits, MaxDigits int
}

// dialIn reads the dial-in settings; api is the already read API section.
func (r *reader) dialIn(api API) DialIn {
	d := DialIn{MaxDuration: r.integer("FSAPI_MAX_DURATION", api.MaxMeetingDuration, 0)}
	if v, set := r.lookup("FSAPI_PASSWORD"); set {
		d.Password, d.NoAuth = v, v == ""
	} else if len(api.Secrets) > 0 {
		d.Password = api.Secrets[0]
	}
	n := api.VoiceBridgeLen
	d.MinDigits = r.integer("VOICE_BRIDGE_MIN", min(5, n), 1)
	d.MaxDigits = r.integer("VOICE_BRIDGE_MAX", n+1, 1)
	if d.MinDigits > n {
		r.fail("VOICE_BRIDGE_MIN", "%d is more than VOICE_BRIDGE_LEN (%d): callers could not type the meetings' PINs", d.MinDigits, n)
	}
	if d.MaxDigits < n {
		r.fail("VOICE_BRIDGE_MAX", "%d is less than VOICE_BRIDGE_LEN (%d): callers could not type the meetings' PINs", d.MaxDigits, n)
	}
	if d.MaxDigits > 128 {
		r.fail("VOICE_BRIDGE_MAX", "%d is too long (at most 128 digits)", d.MaxDigits)
	}
	return d
}

// lookup reports a variable's value and whether it is set at all (an empty value counts as set
// only when the configuration was loaded with LoadLookup).
func (r *reader) lookup(name string) (string, bool) {
	if r.lookupEnv != nil {
		return r.lookupEnv(name)
	}
	v := r.getenv(name)
	return v, v != ""
}

// LoadLookup is Load with a lookup that tells an empty variable from an unset one (os.LookupEnv):
// the few variables where Scalelite gives "set but empty" a meaning (FSAPI_PASSWORD) read it.
func LoadLookup(lookup func(string) (string, bool)) (*Config, error) {
	_, c, err := InspectLookup(lookup)
	return c, err
}
