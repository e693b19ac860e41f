package analytics

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type fakeStore struct{ url string }

func (f fakeStore) Servers(context.Context, scalelite.ServerFilter) ([]*scalelite.Server, error) {
	return []*scalelite.Server{{ID: "s1", Secret: "bbb-secret"}}, nil
}

func (f fakeStore) CallbackData(_ context.Context, meetingID string) (*scalelite.CallbackData, error) {
	return &scalelite.CallbackData{MeetingID: meetingID, AnalyticsCallbackURL: f.url}, nil
}

// A failed post names the callback URL without its query (a front-end may keep a secret there),
// whether the front-end answered an error or could not be reached.
func TestForwardErrorsHideTheQuery(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer failing.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	bbbToken := signHS512(jwt.MapClaims{"exp": time.Now().Add(time.Hour).Unix()}, "bbb-secret")
	for _, base := range []string{failing.URL, dead.URL} {
		url := base + "/analytics?token=front-end-secret-9f2"
		f := NewForwarder(fakeStore{url: url}, time.Second, nil, slog.New(slog.DiscardHandler))
		err := f.Forward(context.Background(), Delivery{Token: bbbToken, Params: map[string]any{"meeting_id": "m1"},
			Customer: "scalelite", Secrets: []string{"lb-1", "lb-2"}})
		if err == nil || strings.Contains(err.Error(), "front-end-secret-9f2") || strings.Contains(err.Error(), "token=") ||
			!strings.Contains(err.Error(), base+"/analytics") {
			t.Errorf("error %v: want the URL without its query", err)
		}
	}
	// A token that does not verify posts nothing.
	f := NewForwarder(fakeStore{url: failing.URL}, time.Second, nil, slog.New(slog.DiscardHandler))
	if err := f.Forward(context.Background(), Delivery{Token: signHS512(jwt.MapClaims{}, "other"), Params: map[string]any{"meeting_id": "m1"}}); err == nil {
		t.Error("a token signed with another secret was accepted")
	}
}
