package recordings

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestRecordingReadyCallback(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		var (
			mu   sync.Mutex
			seen []string
		)
		status := map[string]int{"wrong-1": 401} // tokens signed with wrong-1 are refused
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			tok := r.PostForm.Get("signed_parameters")
			mu.Lock()
			defer mu.Unlock()
			for secret, code := range status {
				if _, err := parseHS(tok, jwt.SigningMethodHS256, secret); err == nil {
					seen = append(seen, secret)
					w.WriteHeader(code)
					return
				}
			}
			claims, err := parseHS(tok, jwt.SigningMethodHS256, "lb-secret")
			if err != nil || claims["record_id"] != "rec-9" || claims["meeting_id"] != "cb-meeting" {
				seen = append(seen, "bad")
				w.WriteHeader(500)
				return
			}
			seen = append(seen, "lb-secret")
		}))
		defer srv.Close()
		if err := store.PutCallbackData(ctx(), &scalelite.CallbackData{MeetingID: "cb-meeting", RecordingReadyURL: srv.URL}); err != nil {
			t.Fatal(err)
		}
		n := NewNotifier(NotifierConfig{Secrets: []string{"wrong-1", "lb-secret"}, Algorithms: []string{"SHA1", "SHA256"}}, store, nil, testLogger(t))
		done, err := n.Notify(ctx(), "cb-meeting", "rec-9", "")
		if !done || err != nil {
			t.Fatalf("notify: %v %v", done, err)
		}
		if strings.Join(seen, ",") != "wrong-1,lb-secret" {
			t.Fatalf("calls: %v", seen)
		}
		if done, err := n.Notify(ctx(), "no-callback", "rec-9", ""); !done || err != nil {
			t.Fatalf("no callback data: %v %v", done, err)
		}
		// every secret refused: not done, to be retried
		status["lb-secret"] = 500
		if done, _ := n.Notify(ctx(), "cb-meeting", "rec-9", ""); done {
			t.Fatal("refused callback reported done")
		}
		if got := jwtAlgorithm([]string{"SHA1", "SHA512"}); got != jwt.SigningMethodHS512 {
			t.Fatalf("algorithm: %s", got)
		}
	})
}

// A callback URL's query may hold a front-end's own secret: a failed callback's error names the
// URL without it.
func TestRecordingReadyCallbackErrorHidesQuery(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		srv := httptest.NewServer(http.NotFoundHandler())
		target := srv.URL + "/callback?action=ready&key=front-end-secret-1"
		srv.Close() // refused from now on
		if err := store.PutCallbackData(ctx(), &scalelite.CallbackData{MeetingID: "cb-q", RecordingReadyURL: target}); err != nil {
			t.Fatal(err)
		}
		n := NewNotifier(NotifierConfig{Secrets: []string{"lb-secret"}}, store, nil, testLogger(t))
		done, err := n.Notify(ctx(), "cb-q", "rec-9", "")
		if done || err == nil {
			t.Fatalf("notify to a closed server: done %v err %v", done, err)
		}
		if strings.Contains(err.Error(), "front-end-secret-1") || !strings.Contains(err.Error(), "/callback") {
			t.Errorf("error %q", err)
		}
	})
}
