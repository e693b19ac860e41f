package recordings

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// parseHS verifies a token as a front-end does: header alg must be method's, signed with secret.
func parseHS(token string, method jwt.SigningMethod, secret string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{method.Alg()}), jwt.WithStrictDecoding())
	return claims, err
}

// lenientTwin changes the last character of token's signature so that only its padding bits
// differ: Go's default (lenient) base64 decodes both to the same bytes.
func lenientTwin(t *testing.T, token string) string {
	t.Helper()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, token[len(token)-1])
	twin := token[:len(token)-1] + string(alphabet[last^1])
	sig, twinSig := token[strings.LastIndexByte(token, '.')+1:], twin[strings.LastIndexByte(twin, '.')+1:]
	a, errA := base64.RawURLEncoding.DecodeString(sig)
	b, errB := base64.RawURLEncoding.DecodeString(twinSig)
	if errA != nil || errB != nil || string(a) != string(b) {
		t.Fatalf("twin of %s does not decode leniently to the same signature", sig)
	}
	return twin
}

// The playback cookie is byte for byte the JWT Scalelite writes ({"sub","exp"}, HS256 with
// SECRET_KEY_BASE), and only such a JWT, unexpired, for this resource, opens it.
func TestPlaybackCookieJWT(t *testing.T) {
	now := time.Unix(1700000000-6*3600, 0)
	p := NewProtector(nil, "secret-key-base", 0, 6*time.Hour, func() time.Time { return now })
	c, err := p.cookie("presentation", "abc-1", false)
	if err != nil {
		t.Fatal(err)
	}
	const golden = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIvcHJlc2VudGF0aW9uL2FiYy0xIiwiZXhwIjoxNzAwMDAwMDAwfQ.aQOjxfuG822yd4YajdGjIGTFA2hhvalMgcNRfdWF2ts"
	if c.Value != golden {
		t.Fatalf("cookie JWT\n got %s\nwant %s", c.Value, golden)
	}
	want := resourcePath("presentation", "abc-1")
	if err := p.verifyCookie(c.Value, want); err != nil {
		t.Fatalf("own cookie refused: %v", err)
	}
	key := []byte("secret-key-base")
	claims := jwt.RegisteredClaims{Subject: want, ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}
	sign := func(m jwt.SigningMethod, key any, claims jwt.Claims) string {
		s, err := jwt.NewWithClaims(m, claims).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, token := range map[string]string{
		"alg none":             sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims),
		"alg HS512, same key":  sign(jwt.SigningMethodHS512, key, claims),
		"alg HS384, same key":  sign(jwt.SigningMethodHS384, key, claims),
		"other key":            sign(jwt.SigningMethodHS256, []byte("other"), claims),
		"other resource":       sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{Subject: "/presentation/abc-2", ExpiresAt: claims.ExpiresAt}),
		"no sub":               sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{ExpiresAt: claims.ExpiresAt}),
		"no exp":               sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{Subject: want}),
		"exp now":              sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{Subject: want, ExpiresAt: jwt.NewNumericDate(now)}),
		"expired":              sign(jwt.SigningMethodHS256, key, jwt.RegisteredClaims{Subject: want, ExpiresAt: jwt.NewNumericDate(now.Add(-time.Second))}),
		"exp as string":        sign(jwt.SigningMethodHS256, key, jwt.MapClaims{"sub": want, "exp": "1700000000"}),
		"padding bits changed": lenientTwin(t, golden),
		"signature changed":    golden[:len(golden)-5] + "AAAAA",
		"payload changed":      strings.Replace(golden, ".eyJzdWIiOiIvcHJlc2VudGF0aW9uL2FiYy0", ".eyJzdWIiOiIvcHJlc2VudGF0aW9uL2FiYy1", 1),
		"two parts":            golden[:strings.LastIndexByte(golden, '.')],
	} {
		if err := p.verifyCookie(token, want); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := p.verifyCookie(sign(jwt.SigningMethodHS256, key, claims), want); err != nil {
		t.Errorf("valid cookie refused: %v", err)
	}
}

// A recording-ready callback's signed_parameters is byte for byte Scalelite's JWT: {"meeting_id",
// "record_id"}, HS256 when SHA256 is allowed, else HS512 when SHA512 is.
func TestRecordingReadyJWTBytes(t *testing.T) {
	dbtest.EachDB(t, func(t *testing.T, store *db.DB) {
		var (
			mu  sync.Mutex
			got []string
		)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			mu.Lock()
			got = append(got, r.PostForm.Get("signed_parameters"))
			mu.Unlock()
		}))
		defer srv.Close()
		if err := store.PutCallbackData(ctx(), &scalelite.CallbackData{MeetingID: "m-1", RecordingReadyURL: srv.URL}); err != nil {
			t.Fatal(err)
		}
		for _, algs := range [][]string{nil, {"SHA1", "SHA512"}} {
			n := NewNotifier(NotifierConfig{Secrets: []string{"lb-secret"}, Algorithms: algs}, store, nil, testLogger(t))
			if done, err := n.Notify(ctx(), "m-1", "r-1", ""); !done || err != nil {
				t.Fatalf("notify: %v %v", done, err)
			}
		}
		want := []string{
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJtZWV0aW5nX2lkIjoibS0xIiwicmVjb3JkX2lkIjoici0xIn0.3rv9CaUO4Oz3ESFeT_XdKOO7_j81fuvBVNnn09-3X84",
			"eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJtZWV0aW5nX2lkIjoibS0xIiwicmVjb3JkX2lkIjoici0xIn0.9tIJl62IUbERlrwxaq25DrbL2XjELjeH60x5FcVhVA_Uh_tG-WL-gM0MyPjLRUtB36AL3oVRfMfbqc_j954MOw",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("tokens\n got %q\nwant %q", got, want)
		}
	})
}
