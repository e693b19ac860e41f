package recordings

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// NotifierConfig configures recording-ready callbacks.
type NotifierConfig struct {
	// Secrets are the balancer's secrets (LOADBALANCER_SECRET then _SECRETS), used for
	// recordings without a tenant.
	Secrets []string
	// Algorithms are the allowed checksum algorithms (LOADBALANCER_CHECKSUM_ALGORITHM, e.g.
	// "SHA256"); they choose the JWT algorithm as Scalelite: HS256 if SHA256 is allowed, else
	// HS512 if SHA512 is, else HS256. Empty allows all.
	Algorithms []string
	Attempts   int           // rounds over all secrets before giving up, default 5
	Backoff    time.Duration // delay before the second round, doubled each round, default 30s
	Timeout    time.Duration // per HTTP request, default 10s
	QueueSize  int           // pending callbacks, default 1000 (more are dropped and logged)
}

// CallbackStore is what the notifier needs of the store.
type CallbackStore interface {
	CallbackData(ctx context.Context, meetingID string) (*scalelite.CallbackData, error)
	Tenant(ctx context.Context, id string) (*scalelite.Tenant, error)
}

// Notifier sends recording-ready callbacks after imports (section 11.1): a form POST of
// signed_parameters=<JWT {meeting_id, record_id}> to the URL stored at create, signed with each
// of the tenant's (or the balancer's) secrets in turn until one is accepted; 2xx, 404 and 410
// end it. Failed rounds are retried with growing delays. RecordingReady never blocks.
type Notifier struct {
	cfg     NotifierConfig
	secrets atomic.Pointer[[]string] // cfg.Secrets, replaced by SetSecrets
	store   CallbackStore
	client  *http.Client
	logger  *slog.Logger
	alg     *jwt.SigningMethodHMAC

	queue chan readyJob
	wg    sync.WaitGroup
}

type readyJob struct {
	meetingID, recordID, tenantID string
	attempt                       int
}

// NewNotifier returns a notifier; start its workers with Run. client nil uses a default.
func NewNotifier(cfg NotifierConfig, store CallbackStore, client *http.Client, logger *slog.Logger) *Notifier {
	if cfg.Attempts <= 0 {
		cfg.Attempts = 5
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 30 * time.Second
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 1000
	}
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	n := &Notifier{cfg: cfg, store: store, client: client, logger: logger.With("component", "recording-ready"),
		alg: jwtAlgorithm(cfg.Algorithms), queue: make(chan readyJob, cfg.QueueSize)}
	n.secrets.Store(&cfg.Secrets)
	return n
}

// SetSecrets replaces the balancer's secrets (NotifierConfig.Secrets) while running: a
// configuration reload (SIGHUP).
func (n *Notifier) SetSecrets(secrets []string) { n.secrets.Store(&secrets) }

// jwtAlgorithm picks the recording-ready JWT algorithm from the allowed checksum algorithms.
func jwtAlgorithm(allowed []string) *jwt.SigningMethodHMAC {
	has := func(a string) bool {
		for _, x := range allowed {
			if strings.EqualFold(strings.TrimSpace(x), a) {
				return true
			}
		}
		return false
	}
	switch {
	case len(allowed) == 0 || has("SHA256"):
		return jwt.SigningMethodHS256
	case has("SHA512"):
		return jwt.SigningMethodHS512
	}
	return jwt.SigningMethodHS256
}

// RecordingReady queues the callback of an imported recording.
func (n *Notifier) RecordingReady(ctx context.Context, rec *scalelite.Recording) {
	n.enqueue(readyJob{meetingID: rec.MeetingID, recordID: rec.RecordID, tenantID: rec.Metadata["tenant-id"]})
}

func (n *Notifier) enqueue(j readyJob) {
	select {
	case n.queue <- j:
	default:
		n.logger.Error("callback queue full; recording-ready callback dropped", "record_id", j.recordID,
			"meeting_id", j.meetingID)
	}
}

// Run sends queued callbacks with a few workers until ctx ends.
func (n *Notifier) Run(ctx context.Context) error {
	for range 4 {
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-n.queue:
					n.handle(ctx, j)
				}
			}
		}()
	}
	n.wg.Wait()
	return nil
}

func (n *Notifier) handle(ctx context.Context, j readyJob) {
	log := n.logger.With("record_id", j.recordID, "meeting_id", j.meetingID)
	done, err := n.Notify(ctx, j.meetingID, j.recordID, j.tenantID)
	if done {
		return
	}
	j.attempt++
	if j.attempt >= n.cfg.Attempts || ctx.Err() != nil {
		log.Error("recording-ready callback failed; giving up", "attempts", j.attempt, "err", err)
		return
	}
	delay := n.cfg.Backoff << (j.attempt - 1)
	log.Warn("recording-ready callback failed; will retry", "attempt", j.attempt, "retry_in", delay, "err", err)
	time.AfterFunc(delay, func() {
		if ctx.Err() == nil {
			n.enqueue(j)
		}
	})
}

// Notify sends one round of the callback synchronously. done is true when nothing more is
// to be done: no callback registered, or an answer of 2xx, 404 or 410 to one of the secrets.
func (n *Notifier) Notify(ctx context.Context, meetingID, recordID, tenantID string) (done bool, err error) {
	cd, err := n.store.CallbackData(ctx, meetingID)
	if scalelite.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("callback data: %w", err)
	}
	if cd.RecordingReadyURL == "" {
		return true, nil
	}
	secrets := *n.secrets.Load()
	if tenantID != "" {
		t, err := n.store.Tenant(ctx, tenantID)
		switch {
		case err == nil:
			secrets = t.Secrets
		case scalelite.IsNotFound(err):
			n.logger.Warn("recording's tenant is gone; signing with the balancer secrets", "tenant", tenantID)
		default:
			return false, fmt.Errorf("tenant %s: %w", tenantID, err)
		}
	}
	if len(secrets) == 0 {
		return true, fmt.Errorf("no secret to sign the callback")
	}
	claims := jwt.MapClaims{"meeting_id": meetingID, "record_id": recordID}
	var lastErr error
	for _, secret := range secrets {
		token, err := jwt.NewWithClaims(n.alg, claims).SignedString([]byte(secret))
		if err != nil {
			return true, fmt.Errorf("sign recording-ready callback: %w", err)
		}
		status, err := n.post(ctx, cd.RecordingReadyURL, token)
		if err != nil {
			lastErr = err
			continue
		}
		if status/100 == 2 || status == http.StatusNotFound || status == http.StatusGone {
			n.logger.Info("recording-ready callback sent", "record_id", recordID, "status", status)
			return true, nil
		}
		lastErr = fmt.Errorf("callback answered HTTP %d", status)
	}
	return false, lastErr
}

func (n *Notifier) post(ctx context.Context, target, token string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	body := url.Values{"signed_parameters": {token}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(body))
	if err != nil {
		return 0, bbb.RedactURLError(err) // a front-end may put a secret of its own in the query
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "Scalelite")
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, bbb.RedactURLError(err) // a front-end may put a secret of its own in the query
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}
