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
