package bbbfacade

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// redirectFound answers byte for byte what c.Redirect does.
func TestRedirectFoundMatchesGin(t *testing.T) {
	locations := []string{
		"http://127.0.0.1:1234/bigbluebutton/api/join?fullName=A+B&meetingID=m%26&password=ap&checksum=abc",
		"https://bbb.example.com/bigbluebutton/api/join?x=<y>&q=\"'&checksum=0",
		"http://h/p?é=1",
		"/relative/../path?x=1",
		"relative?x=1",
		"ftp://h/x",
	}
	serve := func(method, loc string, withCT bool, fast bool) *httptest.ResponseRecorder {
		gin.SetMode(gin.ReleaseMode)
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(method, "/bigbluebutton/api/join?a=b", nil)
		if withCT {
			c.Header("Content-Type", "text/plain")
		}
		if fast {
			redirectFound(c, loc)
		} else {
			c.Redirect(http.StatusFound, loc)
		}
		c.Writer.WriteHeaderNow() // as the engine does after the handlers
		return w
	}
	for _, loc := range locations {
		for _, method := range []string{http.MethodGet, http.MethodHead, http.MethodPost} {
			for _, withCT := range []bool{false, true} {
				got, want := serve(method, loc, withCT, true), serve(method, loc, withCT, false)
				if got.Code != want.Code || got.Body.String() != want.Body.String() {
					t.Errorf("%s %s ct=%v: got %d %q, want %d %q", method, loc, withCT, got.Code, got.Body, want.Code, want.Body)
				}
				for _, k := range []string{"Location", "Content-Type"} {
					if g, w := got.Header().Values(k), want.Header().Values(k); len(g) != len(w) || len(g) > 0 && g[0] != w[0] {
						t.Errorf("%s %s ct=%v: %s %q, want %q", method, loc, withCT, k, g, w)
					}
				}
				if len(got.Header()) != len(want.Header()) {
					t.Errorf("%s %s ct=%v: headers %v, want %v", method, loc, withCT, got.Header(), want.Header())
				}
			}
		}
	}
}
