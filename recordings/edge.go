package recordings

import (
	"net/http"
	"net/url"
	"unicode"
	"unicode/utf8"
)

// cleanText reports whether s is valid UTF-8 without control characters (C0, DEL, C1): what
// may reach a store, a file name, a log line or a redirect from a request.
func cleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// cleanRequest reports whether the decoded path and every query key and value of r are clean
// text (and the query parses): the recording routes refuse anything else at the edge.
func cleanRequest(r *http.Request) bool {
	if !cleanText(r.URL.Path) {
		return false
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return false
	}
	for k, vs := range q {
		if !cleanText(k) {
			return false
		}
		for _, v := range vs {
			if !cleanText(v) {
				return false
			}
		}
	}
	return true
}
