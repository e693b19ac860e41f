package scalelite

import "net/url"

// RedactURL returns a URL fit for logs, error texts and audit entries: its password (user info)
// masked, and its query and fragment dropped, since they may carry passwords too (a database
// URL's ?password=, a front-end's callback token, a BBB call's checksum). "(unparsable URL)" when
// it cannot be parsed.
func RedactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = "", false, "", ""
	return u.Redacted()
}
