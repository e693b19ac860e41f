package bbbfacade

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
)

// The errors spec: unknown paths and wrong methods under the API (and, through NoRoute, outside
// it) answer unsupportedRequest with HTTP 200.
func TestUnsupportedRequest(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 0)
		for _, tt := range []struct{ method, path string }{
			{http.MethodGet, APIPath + "/getMeetings.xml"},
			{http.MethodGet, APIPath + "/getRecordingTextTracks"},
			{http.MethodGet, APIPath + "/hooks/create"},
			{http.MethodGet, APIPath + "/nope/deeper"},
			{http.MethodPut, APIPath + "/create"},
			{http.MethodDelete, APIPath},
			{http.MethodGet, "/somewhere/else"},
		} {
			code, body, _ := e.do(tt.method, e.ts.URL+tt.path, "", "")
			if code != http.StatusOK {
				t.Errorf("%s %s: HTTP %d", tt.method, tt.path, code)
			}
			checkError(t, body, keyUnsupportedRequest, msgUnsupportedRequest)
		}
		golden(t, "unsupported_request", string(bbb.ErrorDocument(keyUnsupportedRequest, msgUnsupportedRequest)))
	})
}

// Checksums: all four algorithms by length (SHA-384 too, unlike Scalelite), upper-case hex,
// the allowed list, several secrets, and the failures.
func TestChecksum(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 0, func(c *envConfig) { c.Secrets = []string{"first", testSecret} })
		ok := func(u string) bool {
			_, body, _ := e.do(http.MethodGet, u, "", "")
			return strings.Contains(body, "noMeetings")
		}
		for _, alg := range []bbb.Algorithm{bbb.SHA1, bbb.SHA256, bbb.SHA384, bbb.SHA512} {
			if !ok(e.signedWith(alg, testSecret, "getMeetings", "")) {
				t.Errorf("%s rejected", alg)
			}
			sum := bbb.Checksum(alg, "getMeetings", "", "first")
			if !ok(e.ts.URL + APIPath + "/getMeetings?checksum=" + strings.ToUpper(sum)) {
				t.Errorf("%s upper-case rejected", alg)
			}
		}
		for name, u := range map[string]string{
			"missing":      e.ts.URL + APIPath + "/getMeetings",
			"blank":        e.ts.URL + APIPath + "/getMeetings?checksum=",
			"40 x":         e.ts.URL + APIPath + "/getMeetings?checksum=" + strings.Repeat("x", 40),
			"wrong length": e.ts.URL + APIPath + "/getMeetings?checksum=abc",
			"wrong secret": e.signedWith(bbb.SHA256, "nope", "getMeetings", ""),
			"wrong action": e.ts.URL + APIPath + "/getMeetings?checksum=" + checksumOf("create", ""),
			"query edited": e.signed("getMeetingInfo", "meetingID=a") + "&x=1",
		} {
			_, body, _ := e.do(http.MethodGet, u, "", "")
			if !strings.Contains(body, keyChecksumError) {
				t.Errorf("%s accepted: %s", name, body)
			}
		}
		// The client's exact encoding is what is signed ('+' vs %20 both fine when consistent).
		if !ok(e.signed("getMeetings", "a=b%20c")) || !ok(e.signed("getMeetings", "a=b+c")) {
			t.Error("encoding variants rejected")
		}
		// ?&checksum= (the bbb-api npm client) is valid.
		if !ok(e.ts.URL + APIPath + "/getMeetings?&checksum=" + checksumOf("getMeetings", "")) {
			t.Error("?&checksum= rejected")
		}
		restricted := newEnvOn(t, store, e, func(c *envConfig) { c.Algorithms = []bbb.Algorithm{bbb.SHA512} })
		_, body, _ := restricted.do(http.MethodGet, restricted.signedWith(bbb.SHA256, testSecret, "getMeetings", ""), "", "")
		checkError(t, body, keyChecksumError, msgChecksumError)
		none := newEnvOn(t, store, e, func(c *envConfig) { c.Secrets = nil })
		_, body, _ = none.do(http.MethodGet, none.signed("getMeetings", ""), "", "")
		checkError(t, body, keyChecksumError, msgChecksumError)
	})
}
