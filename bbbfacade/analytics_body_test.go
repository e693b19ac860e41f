package bbbfacade

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
)

func TestAnalyticsParams(t *testing.T) {
	for _, tc := range []struct{ contentType, body, want string }{
		{"application/json", `{"meeting_id":"m","data":{"n":1}}`, `{"data":{"n":1},"meeting_id":"m"}`},
		{"", `{"meeting_id":"m"}`, `{"meeting_id":"m"}`},
		{"application/x-www-form-urlencoded", "meeting_id=m&data%5Bduration%5D=42&data%5Battendees%5D%5B%5D=a&data%5Battendees%5D%5B%5D=b",
			`{"data":{"attendees":["a","b"],"duration":"42"},"meeting_id":"m"}`},
		{"application/x-www-form-urlencoded; charset=utf-8", "a=1&a=2&b[=x&c[][d]=y&e]=z&f[g]h=1", `{"a":"2","b[":"x","c[][d]":"y","e]":"z","f[g]h":"1"}`},
		{"application/x-www-form-urlencoded", "a=1&a[b]=2", `{"a":"1","a[b]":"2"}`},
	} {
		got, err := analyticsParams(tc.contentType, []byte(tc.body))
		if err != nil {
			t.Errorf("%s %q: %v", tc.contentType, tc.body, err)
			continue
		}
		if b, _ := json.Marshal(got); string(b) != tc.want {
			t.Errorf("%s %q: %s, want %s", tc.contentType, tc.body, b, tc.want)
		}
	}
	if _, err := analyticsParams("application/json", []byte("not json")); err == nil {
		t.Error("bad JSON accepted")
	}
}

// Item 4 of issue 11: the learning-dashboard data may come as a form body (url-encoded or
// multipart), as Scalelite accepts it; the front-end receives it as JSON.
func TestAnalyticsCallbackFormBody(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		fe := &frontEnd{status: http.StatusOK}
		feServer := httptest.NewServer(fe)
		defer feServer.Close()
		e := newEnv(t, store, 1, func(c *envConfig) { c.URLHost = "lb.example.com" })
		q := "meetingID=room-1&name=Room&meta_analytics-callback-url=" + url.QueryEscape(feServer.URL+"/analytics")
		if got := e.get("create", q); !strings.Contains(got, "SUCCESS") {
			t.Fatal(got)
		}
		token := signHS512(map[string]any{"exp": time.Now().Add(time.Hour).Unix()}, e.bbbServer(0).Secret())

		var mp bytes.Buffer
		w := multipart.NewWriter(&mp)
		w.WriteField("meeting_id", "room-1")
		w.WriteField("data[duration]", "42")
		w.Close()
		for _, body := range []struct{ contentType, body string }{
			{"application/x-www-form-urlencoded", "meeting_id=room-1&data%5Bduration%5D=42"},
			{w.FormDataContentType(), mp.String()},
		} {
			req, _ := http.NewRequest(http.MethodPost, e.ts.URL+APIPath+"/analytics_callback", strings.NewReader(body.body))
			req.Header.Set("Content-Type", body.contentType)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNoContent {
				t.Errorf("%s: HTTP %d", body.contentType, resp.StatusCode)
			}
		}
		fe.mu.Lock()
		defer fe.mu.Unlock()
		if len(fe.bodies) != 2 {
			t.Fatalf("%d posts, want 2", len(fe.bodies))
		}
		for _, m := range fe.bodies {
			if m["meeting_id"] != "room-1" || m["customer"] != "scalelite" || m["data"].(map[string]any)["duration"] != "42" {
				t.Errorf("front-end got %v", m)
			}
		}
		if ct := fe.posts[0].Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("forwarded as %s", ct)
		}
	})
}
