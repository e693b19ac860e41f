package bbbfacade

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

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
		out, err := http.NewRequestWithContext(ctx, http.MethodPost, cd.AnalyticsCallbackURL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		out.Header.Set("Content-Type", "application/json")
		out.Header.Set("User-Agent", "BigBlueButton Analytics Callback")
		out.Header.Set("Authorization", "Bearer "+signHS512(map[string]any{"exp": h.now().Add(24 * time.Hour).Unix()}, secret))
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

var b64 = base64.RawURLEncoding

// signHS512 returns a compact JWT (HS512) of claims.
func signHS512(claims map[string]any, secret string) string {
	payload, _ := json.Marshal(claims)
	signing := b64.EncodeToString([]byte(`{"alg":"HS512","typ":"JWT"}`)) + "." + b64.EncodeToString(payload)
	mac := hmac.New(sha512.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + b64.EncodeToString(mac.Sum(nil))
}

// verifyHS512 reports whether token is an HS512 JWT signed with secret whose exp (when present)
// is in the future.
func verifyHS512(token, secret string, now time.Time) bool {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || secret == "" {
		return false
	}
	var header struct {
		Alg string `json:"alg"`
	}
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &header) != nil || header.Alg != "HS512" {
		return false
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return false
	}
	mac := hmac.New(sha512.New, []byte(secret))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return false
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &claims) != nil {
		return false
	}
	return claims.Exp == nil || now.Before(time.Unix(int64(*claims.Exp), 0))
}
