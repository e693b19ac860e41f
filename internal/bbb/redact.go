package bbb

import (
	"errors"
	"net/url"
)

// RedactURLError strips the query (and any user info) from the URL of a *url.Error in err, so
// an error text never carries what a query holds: passwords, checksums, secrets.
func RedactURLError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: RedactURL(ue.URL), Err: ue.Err}
}

// RedactURL returns u without its query, fragment and user info ("(unparsable URL)" when it
// cannot be parsed).
func RedactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unparsable URL)"
	}
	p.RawQuery, p.ForceQuery, p.Fragment, p.RawFragment, p.User = "", false, "", "", nil
	return p.String()
}
