package analytics

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signHS512 signs claims as BBB signs its analytics callback (HS512 with the server's secret).
func signHS512(claims jwt.MapClaims, secret string) string {
	return signJWT(jwt.SigningMethodHS512, claims, []byte(secret))
}

func signJWT(m jwt.SigningMethod, claims jwt.MapClaims, key any) string {
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		panic(err)
	}
	return s
}

// The forwarded Bearer JWT is byte for byte Scalelite's; BBB's token verifies only as HS512 with
// the secret, canonical base64 and an unexpired exp.
func TestAnalyticsJWT(t *testing.T) {
	got, err := token("lb-1", time.Unix(1700000000, 0))
	const golden = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJleHAiOjE3MDAwMDAwMDB9.X9IsbCgKWD7ii6OaBZYGHFtV0Z4QBGZ3hHEMCuKc7hyS4uaxok1nQ5CirMiEfAkd3ZmcnW4fDCf9DHw7ZhpDPw"
	if err != nil || got != golden {
		t.Fatalf("analytics token %v\n got %s\nwant %s", err, got, golden)
	}

	now := time.Unix(1700000000-3600, 0)
	valid := jwt.MapClaims{"exp": now.Add(time.Hour).Unix()}
	if !verifyHS512(golden, "lb-1", now) || !verifyHS512(signHS512(jwt.MapClaims{}, "s"), "s", now) {
		t.Fatal("valid token (with exp, without exp) refused")
	}
	// only the padding bits of the last character differ: lenient base64 reads the same signature
	sig := golden[strings.LastIndexByte(golden, '.')+1:]
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	twin := golden[:len(golden)-1] + string(alphabet[strings.IndexByte(alphabet, golden[len(golden)-1])^1])
	a, _ := base64.RawURLEncoding.DecodeString(sig)
	b, _ := base64.RawURLEncoding.DecodeString(twin[strings.LastIndexByte(twin, '.')+1:])
	if string(a) != string(b) {
		t.Fatal("twin decodes differently")
	}
	for name, tc := range map[string]struct{ token, secret string }{
		"alg none":             {signJWT(jwt.SigningMethodNone, valid, jwt.UnsafeAllowNoneSignatureType), "lb-1"},
		"alg HS256, same key":  {signJWT(jwt.SigningMethodHS256, valid, []byte("lb-1")), "lb-1"},
		"alg HS384, same key":  {signJWT(jwt.SigningMethodHS384, valid, []byte("lb-1")), "lb-1"},
		"other secret":         {signHS512(valid, "other"), "lb-1"},
		"empty secret":         {signHS512(valid, ""), ""},
		"expired":              {signHS512(jwt.MapClaims{"exp": now.Unix()}, "lb-1"), "lb-1"},
		"not before later":     {signHS512(jwt.MapClaims{"nbf": now.Add(time.Hour).Unix()}, "lb-1"), "lb-1"},
		"exp as string":        {signHS512(jwt.MapClaims{"exp": "1700000000"}, "lb-1"), "lb-1"},
		"padding bits changed": {twin, "lb-1"},
		"signature changed":    {golden[:len(golden)-5] + "AAAAA", "lb-1"},
		"not a JWT":            {"x.y.z", "lb-1"},
	} {
		if verifyHS512(tc.token, tc.secret, now) {
			t.Errorf("%s: accepted", name)
		}
	}
}
