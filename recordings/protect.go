package recordings

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

var tokenPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Protector issues and checks the credentials of protected recordings: one-time tokens put in
// the playback links getRecordings returns, and the signed cookie the play route sets.
type Protector struct {
	tokens    scalelite.TokenStore
	key       []byte
	tokenTTL  time.Duration
	cookieTTL time.Duration
	now       func() time.Time
}

// NewProtector returns a Protector. secretKeyBase (SECRET_KEY_BASE) signs the cookies;
// tokenTTL is PROTECTED_RECORDINGS_TOKEN_TIMEOUT and cookieTTL PROTECTED_RECORDINGS_TIMEOUT.
func NewProtector(tokens scalelite.TokenStore, secretKeyBase string, tokenTTL, cookieTTL time.Duration, now func() time.Time) *Protector {
	if tokenTTL <= 0 {
		tokenTTL = time.Hour
	}
	if cookieTTL <= 0 {
		cookieTTL = 6 * time.Hour
	}
	if now == nil {
		now = time.Now
	}
	return &Protector{tokens: tokens, key: []byte(secretKeyBase), tokenTTL: tokenTTL, cookieTTL: cookieTTL, now: now}
}

func tokenValue(recordID, format string) string { return recordID + "/" + format }

// MintToken stores a new one-time token for one format of a recording and returns it (64
// lower-case hex characters).
func (p *Protector) MintToken(ctx context.Context, recordID, format string) (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	token := hex.EncodeToString(b[:])
	if err := p.tokens.PutToken(ctx, "protector_token_"+token, tokenValue(recordID, format), p.tokenTTL); err != nil {
		return "", fmt.Errorf("mint playback token: %w", err)
	}
	return token, nil
}

// PlayURL is the protected link of one format: /recording/<id>/<format>?token=<token>.
func PlayURL(recordID, format, token string) string {
	return "/recording/" + recordID + "/" + format + "?token=" + token
}

// takeToken consumes a token; it reports whether it was valid for this recording and format.
func (p *Protector) takeToken(ctx context.Context, token, recordID, format string) (bool, error) {
	if !tokenPattern.MatchString(token) {
		return false, nil
	}
	v, err := p.tokens.TakeToken(ctx, "protector_token_"+token)
	if scalelite.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return v == tokenValue(recordID, format), nil
}

// cookieName is the cookie of one format of a recording.
func cookieName(format, recordID string) string { return "recording_" + format + "_" + recordID }

// resourcePath is the cookie's path and subject.
func resourcePath(format, recordID string) string { return "/" + format + "/" + recordID }

// cookie returns the signed cookie granting access to one format of a recording. SameSite=None
// needs Secure, so on plain HTTP (a local test install) the cookie is Lax and not Secure.
func (p *Protector) cookie(format, recordID string, secure bool) (*http.Cookie, error) {
	claims := jwt.RegisteredClaims{Subject: resourcePath(format, recordID), ExpiresAt: jwt.NewNumericDate(p.now().Add(p.cookieTTL))}
	v, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(p.key)
	if err != nil {
		return nil, fmt.Errorf("sign playback cookie: %w", err)
	}
	c := &http.Cookie{Name: cookieName(format, recordID), Value: v, Path: resourcePath(format, recordID),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if secure {
		c.SameSite = http.SameSiteNoneMode
	}
	return c, nil
}

// allowed reports whether r carries a valid cookie for this format of this recording.
func (p *Protector) allowed(r *http.Request, format, recordID string) bool {
	c, err := r.Cookie(cookieName(format, recordID))
	if err != nil {
		return false
	}
	return p.verifyCookie(c.Value, resourcePath(format, recordID)) == nil
}

// verifyCookie checks a cookie's JWT as Scalelite writes it ({"sub": path, "exp": seconds},
// HS256 with SECRET_KEY_BASE): the header must name HS256 (no "none", no other algorithm), the
// base64 must be canonical (a changed last character cannot decode to the same signature), sub
// must be want and exp a number in the future (MapClaims, unlike RegisteredClaims, refuses an exp
// written as a string, as Scalelite's ruby-jwt does).
func (p *Protector) verifyCookie(token, want string) error {
	_, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return p.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithStrictDecoding(),
		jwt.WithExpirationRequired(), jwt.WithSubject(want), jwt.WithTimeFunc(p.now))
	return err
}
