package recordings

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash"
	"strings"
	"time"
)

// JWT algorithms used here (HMAC only).
const (
	HS256 = "HS256"
	HS512 = "HS512"
)

var b64 = base64.RawURLEncoding

func hmacFor(alg string) (func() hash.Hash, error) {
	switch alg {
	case HS256:
		return sha256.New, nil
	case HS512:
		return sha512.New, nil
	}
	return nil, errors.New("jwt: unsupported algorithm " + alg)
}

// SignJWT returns a compact JWS of claims signed with key (HS256 or HS512).
func SignJWT(alg string, key []byte, claims any) (string, error) {
	h, err := hmacFor(alg)
	if err != nil {
		return "", err
	}
	header, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT"})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	mac := hmac.New(h, key)
	mac.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(mac.Sum(nil)), nil
}

// cookieClaims are the claims of a protected-recording cookie.
type cookieClaims struct {
	Sub string `json:"sub"`
	Exp int64  `json:"exp"`
}

var errBadToken = errors.New("invalid token")

// verifyHS256 checks a compact HS256 JWS and returns its payload. The header must name HS256
// (no "none", no algorithm confusion).
func verifyHS256(token string, key []byte) ([]byte, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errBadToken
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil {
		return nil, errBadToken
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &header) != nil || header.Alg != HS256 {
		return nil, errBadToken
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, errBadToken
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, errBadToken
	}
	payload, err := b64.DecodeString(parts[1])
	if err != nil {
		return nil, errBadToken
	}
	return payload, nil
}

// verifyCookie checks a cookie JWT: valid HS256 signature, sub equal to want, exp present and
// in the future.
func verifyCookie(token string, key []byte, want string, now time.Time) error {
	payload, err := verifyHS256(token, key)
	if err != nil {
		return err
	}
	var c struct {
		Sub *string `json:"sub"`
		Exp *int64  `json:"exp"`
	}
	if json.Unmarshal(payload, &c) != nil || c.Sub == nil || c.Exp == nil {
		return errBadToken
	}
	if *c.Sub != want || now.Unix() >= *c.Exp {
		return errBadToken
	}
	return nil
}
