package bbb

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// LRSPayloads makes Scalelite's meta_secret-lrs-payload: a tenant's learning-record-store
// credentials for bbb-webhooks (>= 3.2), encrypted with the chosen server's secret. With
// Keycloak settings it first asks the tenant's token URL for an access token.
type LRSPayloads struct {
	http   *http.Client
	logger *slog.Logger
}

var _ scalelite.LRSPayloads = (*LRSPayloads)(nil)

// NewLRSPayloads returns a payload maker whose token requests time out after timeout.
func NewLRSPayloads(timeout time.Duration, logger *slog.Logger) *LRSPayloads {
	return &LRSPayloads{http: &http.Client{Timeout: timeout}, logger: logger.With("component", "lrs")}
}

// LRSPayload returns the encrypted payload for a tenant with an LRS endpoint, "" when it has none
// or when the Keycloak token cannot be obtained (logged, as Scalelite warns and skips).
func (l *LRSPayloads) LRSPayload(ctx context.Context, t *scalelite.Tenant, serverSecret string) string {
	if t == nil || t.LRSEndpoint == "" {
		return ""
	}
	plain := map[string]string{"lrs_endpoint": t.LRSEndpoint}
	if t.LRSUsername != "" {
		plain["lrs_username"], plain["lrs_password"] = t.LRSUsername, t.LRSPassword
	} else {
		token, err := l.keycloakToken(ctx, t)
		if err != nil {
			l.logger.WarnContext(ctx, "LRS token", "tenant", t.Name, "error", err)
			return ""
		}
		plain["lrs_token"] = token
	}
	js, err := json.Marshal(plain)
	if err != nil {
		return ""
	}
	out, err := encryptLRSPayload(js, serverSecret)
	if err != nil {
		l.logger.WarnContext(ctx, "LRS payload", "tenant", t.Name, "error", err)
		return ""
	}
	return out
}

// keycloakToken asks the tenant's token URL for an access token (password grant). Errors name
// the token URL's host only: the form carries the client secret and password.
func (l *LRSPayloads) keycloakToken(ctx context.Context, t *scalelite.Tenant) (string, error) {
	form := url.Values{"client_id": {t.KCClientID}, "client_secret": {t.KCClientSecret},
		"username": {t.KCUsername}, "password": {t.KCPassword}, "grant_type": {"password"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.KCTokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token URL: %w", RedactURLError(err))
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := l.http.Do(req)
	if err != nil {
		return "", RedactURLError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token URL answered HTTP %d", resp.StatusCode)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.AccessToken == "" {
		return "", fmt.Errorf("no access_token in the answer: %v", err)
	}
	return body.AccessToken, nil
}

// encryptLRSPayload encrypts as Scalelite does: key and IV from PBKDF2-HMAC-SHA256(secret, 8-byte
// random salt, 10000 iterations, 48 bytes), AES-256-CBC with PKCS#7 padding, and
// base64(8 filler bytes ‖ salt ‖ ciphertext).
func encryptLRSPayload(plain []byte, secret string) (string, error) {
	salt := make([]byte, 8)
	filler := make([]byte, 8)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if _, err := rand.Read(filler); err != nil {
		return "", err
	}
	kiv, err := pbkdf2.Key(sha256.New, secret, salt, 10000, 48)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(kiv[:32])
	if err != nil {
		return "", err
	}
	pad := aes.BlockSize - len(plain)%aes.BlockSize
	buf := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, kiv[32:48]).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(append(append(filler, salt...), buf...)), nil
}
