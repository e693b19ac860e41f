package bbbfacade

import (
	"net/http"
	"testing"

	"github.com/scalelite-go/scalelite/db"
)

// Items 1-2: the API root answers without a checksum, GET and POST, with build only when set.
func TestIndex(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 0)
		for _, path := range []string{APIPath, APIPath + "/"} {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				code, body, resp := e.do(method, e.ts.URL+path, "", "")
				if code != 200 || resp.Header.Get("Content-Type") != "application/xml; charset=utf-8" {
					t.Errorf("%s %s: %d %s", method, path, code, resp.Header.Get("Content-Type"))
				}
				golden(t, "index", body)
			}
		}
		e2 := newEnv(t, store, 0, func(c *envConfig) { c.BuildNumber = "42" })
		_, body, _ := e2.do(http.MethodGet, e2.ts.URL+APIPath, "", "")
		golden(t, "index_build", body)
	})
}

// The index takes form POST bodies only (content-type rule applies, no checksum).
func TestIndexContentType(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 0)
		_, body, _ := e.do(http.MethodPost, e.ts.URL+APIPath, "application/json", `{"a":1}`)
		checkError(t, body, keyUnsupportedContentType, msgUnsupportedContentType)
		_, body, _ = e.do(http.MethodPost, e.ts.URL+APIPath, "application/x-www-form-urlencoded", "a=1")
		golden(t, "index", body)
	})
}
