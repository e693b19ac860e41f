package bbbfacade

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// analyticsCallback receives BBB's learning-dashboard data (create rewrote
// meta_analytics-callback-url to this endpoint) and forwards it to the front-end's URL stored at
// create, as Scalelite does: the data comes as JSON or as a form (analyticsParams); BBB's Bearer
// JWT must verify (HS512, exp) with the secret of one of our servers; the request parameters plus
// "customer" (tenant name or "scalelite") are POSTed as JSON with a Bearer JWT signed with each of
// our secrets in turn until one answer is 2xx. Every outcome answers 204.
func (h *Handler) analyticsCallback(c *gin.Context, req *apiRequest) {
	if err := h.forwardAnalytics(c.Request.Context(), c.Request, req); err != nil {
		h.logger.WarnContext(c.Request.Context(), "analytics callback", "error", err)
	}
	c.Status(http.StatusNoContent)
}

func (h *Handler) forwardAnalytics(ctx context.Context, r *http.Request, req *apiRequest) error {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return errors.New("no bearer token")
	}
	servers, err := h.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return fmt.Errorf("list servers: %w", err)
	}
	verified := false
	for _, s := range servers {
		if verifyHS512(token, s.Secret, h.now()) {
			verified = true
			break
		}
	}
	if !verified {
		return errors.New("token does not verify with any server's secret")
	}

	params, err := analyticsParams(r.Header.Get("Content-Type"), req.Body)
	if err != nil {
		return err
	}
	for _, p := range req.Params {
		params[p.Key] = p.Value
	}
	meetingID, _ := params["meeting_id"].(string)
	if meetingID == "" {
		return errors.New("no meeting_id")
	}
	cd, err := h.store.CallbackData(ctx, meetingID)
	if scalelite.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("callback data of %s: %w", meetingID, err)
	}
	if cd.AnalyticsCallbackURL == "" {
		return nil
	}
	secrets, customer := h.secretList(), "scalelite"
	if req.Tenant != nil {
		secrets, customer = req.Tenant.Secrets, req.Tenant.Name
	}
	params["customer"] = customer
	params["controller"], params["action"], params["format"] = "bigbluebutton_api", "analytics_callback", "xml"
	body, err := json.Marshal(params)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: h.cfg.Timeouts.Connect + h.cfg.Timeouts.Response}
	var errs []error
	for _, secret := range secrets {
		bearer, err := analyticsToken(secret, h.now().Add(24*time.Hour))
		if err != nil {
			return err
		}
		out, err := http.NewRequestWithContext(ctx, http.MethodPost, cd.AnalyticsCallbackURL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		out.Header.Set("Content-Type", "application/json")
		out.Header.Set("User-Agent", "BigBlueButton Analytics Callback")
		out.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := client.Do(out)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return nil
		}
		errs = append(errs, fmt.Errorf("HTTP %d", resp.StatusCode))
	}
	return fmt.Errorf("post analytics of %s to %s: %w", meetingID, cd.AnalyticsCallbackURL, errors.Join(errs...))
}

// analyticsToken is the Bearer JWT of a forwarded analytics post: {"exp": seconds}, HS512 with
// one of our secrets, as Scalelite sends it.
func analyticsToken(secret string, exp time.Time) (string, error) {
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS512, jwt.MapClaims{"exp": exp.Unix()}).SignedString([]byte(secret))
	if err != nil {
		return "", fmt.Errorf("sign analytics callback: %w", err)
	}
	return token, nil
}

// verifyHS512 reports whether token is a JWT whose header names HS512 (no "none", no other
// algorithm), in canonical base64, signed with secret (never empty), and whose exp, when present,
// is after now.
func verifyHS512(token, secret string, now time.Time) bool {
	if secret == "" {
		return false
	}
	_, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS512.Alg()}), jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(func() time.Time { return now }))
	return err == nil
}
