package bbbfacade

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signHS512 signs claims as BBB signs its analytics callback (HS512 with the server's secret).
func signHS512(claims jwt.MapClaims, secret string) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS512, claims).SignedString([]byte(secret))
	if err != nil {
		panic(err)
	}
	return s
}

// verifyHS512 reports whether tok is an unexpired HS512 JWT signed with secret.
func verifyHS512(tok, secret string, now time.Time) bool {
	_, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS512.Alg()}), jwt.WithTimeFunc(func() time.Time { return now }))
	return err == nil
}
