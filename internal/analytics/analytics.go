// Package analytics forwards BigBlueButton's learning-dashboard data to the front-end that asked
// for it, as Scalelite's analytics_callback does: a create's meta_analytics-callback-url is
// rewritten to the balancer's own endpoint, and what BBB posts there is verified (BBB's HS512
// Bearer JWT with the secret of one of our servers) and posted on to the URL stored at create,
// with a Bearer JWT signed with one of our secrets.
package analytics

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Store is what the forwarder reads: the servers (their secrets verify BBB's token) and the
// callback URL stored at create.
type Store interface {
	Servers(ctx context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error)
	CallbackData(ctx context.Context, meetingID string) (*scalelite.CallbackData, error)
}

// Forwarder posts learning-dashboard data on to front-ends.
type Forwarder struct {
	store  Store
	http   *http.Client
	now    func() time.Time
	logger *slog.Logger
}

// NewForwarder returns a forwarder whose posts time out after timeout; now may be nil.
func NewForwarder(store Store, timeout time.Duration, now func() time.Time, logger *slog.Logger) *Forwarder {
	if now == nil {
		now = time.Now
	}
	return &Forwarder{store: store, http: &http.Client{Timeout: timeout}, now: now, logger: logger.With("component", "analytics")}
}

// Delivery is one post of BBB's: its Bearer token and its data (the request's parameters).
type Delivery struct {
	Token  string
	Params map[string]any
	// Customer is the tenant's name ("scalelite" without multitenancy) and Secrets the secrets
	// the forwarded post is signed with, tried in turn until the front-end answers 2xx.
	Customer string
	Secrets  []string
}

// Forward verifies d's token and posts its data, with "customer", to the meeting's analytics
// callback URL. A meeting without one is not an error. Errors never carry the URL's query (a
// front-end may put a secret of its own there).
func (f *Forwarder) Forward(ctx context.Context, d Delivery) error {
	if d.Token == "" {
		return errors.New("no bearer token")
	}
	servers, err := f.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return fmt.Errorf("list servers: %w", err)
	}
	verified := false
	for _, s := range servers {
		if verifyHS512(d.Token, s.Secret, f.now()) {
			verified = true
			break
		}
	}
	if !verified {
		return errors.New("token does not verify with any server's secret")
	}
	meetingID, _ := d.Params["meeting_id"].(string)
	if meetingID == "" {
		return errors.New("no meeting_id")
	}
	cd, err := f.store.CallbackData(ctx, meetingID)
	if scalelite.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("callback data of %s: %w", meetingID, err)
	}
	if cd.AnalyticsCallbackURL == "" {
		return nil
	}
	params := make(map[string]any, len(d.Params)+4)
	for k, v := range d.Params {
		params[k] = v
	}
	params["customer"] = d.Customer
	params["controller"], params["action"], params["format"] = "bigbluebutton_api", "analytics_callback", "xml"
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	var errs []error
	for _, secret := range d.Secrets {
		status, err := f.post(ctx, cd.AnalyticsCallbackURL, secret, body)
		if err == nil && status >= 200 && status < 300 {
			return nil
		}
		if err == nil {
			err = fmt.Errorf("HTTP %d", status)
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("post analytics of %s to %s: %w", meetingID, scalelite.RedactURL(cd.AnalyticsCallbackURL), errors.Join(errs...))
}

func (f *Forwarder) post(ctx context.Context, url, secret string, body []byte) (int, error) {
	bearer, err := token(secret, f.now().Add(24*time.Hour))
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, bbb.RedactURLError(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "BigBlueButton Analytics Callback")
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := f.http.Do(req)
	if err != nil {
		return 0, bbb.RedactURLError(err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// token is the Bearer JWT of a forwarded analytics post: {"exp": seconds}, HS512 with one of our
// secrets, as Scalelite sends it.
func token(secret string, exp time.Time) (string, error) {
	t, err := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"exp": exp.Unix()}).SignedString([]byte(secret))
	if err != nil {
		return "", fmt.Errorf("sign analytics callback: %w", err)
	}
	return t, nil
}

// verifyHS512 reports whether tok is a JWT whose header names HS512 (no "none", no other
// algorithm), in canonical base64, signed with secret (never empty), and whose exp, when present,
// is after now.
func verifyHS512(tok, secret string, now time.Time) bool {
	if secret == "" {
		return false
	}
	_, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS512.Alg()}), jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(func() time.Time { return now }))
	return err == nil
}
