package bbbfacade

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
)

// frontEnd records the analytics posts it receives and answers status.
type frontEnd struct {
	mu     sync.Mutex
	status int
	posts  []*http.Request
	bodies []map[string]any
}

func (f *frontEnd) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	f.mu.Lock()
	f.posts = append(f.posts, r)
	f.bodies = append(f.bodies, m)
	status := f.status
	f.mu.Unlock()
	w.WriteHeader(status)
}

func (e *env) postAnalytics(host, token, body string) int {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+APIPath+"/analytics_callback", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if host != "" {
		req.Host = host
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Items 28, 33-34: the stored analytics URL receives BBB's data with customer, signed with our
// secret; non-2xx answers make it try the next secret; every outcome answers 204.
func TestAnalyticsCallback(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		fe := &frontEnd{status: http.StatusOK}
		feServer := httptest.NewServer(fe)
		defer feServer.Close()
		e := newEnv(t, store, 1, func(c *envConfig) { c.Secrets = []string{"lb-1", "lb-2", "lb-3"}; c.URLHost = "lb.example.com" })
		q := "meetingID=room-1&name=Room&meta_analytics-callback-url=" + url.QueryEscape(feServer.URL+"/analytics")
		if got := e.getWith("lb-2", "create", q); !strings.Contains(got, "SUCCESS") {
			t.Fatal(got)
		}
		bbbToken := signHS512(map[string]any{"exp": time.Now().Add(time.Hour).Unix()}, e.bbbServer(0).Secret())
		body := `{"meeting_id":"room-1","data":{"duration":42}}`
		if code := e.postAnalytics("", bbbToken, body); code != http.StatusNoContent {
			t.Errorf("HTTP %d", code)
		}
		if len(fe.posts) != 1 {
			t.Fatalf("%d posts", len(fe.posts))
		}
		r, m := fe.posts[0], fe.bodies[0]
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if r.Header.Get("User-Agent") != "BigBlueButton Analytics Callback" || !verifyHS512(tok, "lb-1", time.Now()) ||
			m["customer"] != "scalelite" || m["meeting_id"] != "room-1" || m["data"].(map[string]any)["duration"] != 42.0 {
			t.Errorf("post %v %v", r.Header, m)
		}
		// Bad tokens are ignored (still 204).
		for _, tok := range []string{"x.y.z", signHS512(map[string]any{"exp": time.Now().Add(time.Hour).Unix()}, "other"),
			signHS512(map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}, e.bbbServer(0).Secret())} {
			if code := e.postAnalytics("", tok, body); code != http.StatusNoContent {
				t.Errorf("HTTP %d", code)
			}
		}
		if len(fe.posts) != 1 {
			t.Errorf("%d posts after bad tokens", len(fe.posts))
		}
		// Non-2xx: each LB secret in turn.
		fe.status = http.StatusInternalServerError
		e.postAnalytics("", bbbToken, body)
		if len(fe.posts) != 4 {
			t.Errorf("%d posts, want 1 + 3 (one per secret)", len(fe.posts))
		}

		// A tenant with two secrets: two tries, customer is the tenant's name.
		mtH := newEnvOn(t, store, e, multitenant)
		mtH.addTenant("bn", "bn-1", "bn-2")
		mtH.tenantGet("bn", "bn-1", "create", "meetingID=room-2&name=Room&meta_analytics-callback-url="+url.QueryEscape(feServer.URL+"/a2"))
		before := len(fe.posts)
		if code := mtH.postAnalytics("bn.lb.example.com", bbbToken, `{"meeting_id":"room-2"}`); code != http.StatusNoContent {
			t.Errorf("HTTP %d", code)
		}
		if n := len(fe.posts) - before; n != 2 || fe.bodies[len(fe.bodies)-1]["customer"] != "bn" {
			t.Errorf("%d tenant posts, last %v", n, fe.bodies[len(fe.bodies)-1])
		}
	})
}

func (e *env) getWith(secret, action, query string) string {
	e.t.Helper()
	_, body, _ := e.do(http.MethodGet, e.signedWith("SHA256", secret, action, query), "", "")
	return body
}
