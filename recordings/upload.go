package recordings

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// UploadPath is where the post_publish script uploads archives.
const UploadPath = "/recordings/upload"

// Upload request headers.
const (
	HeaderServer    = "X-Recording-Server"    // server id, or the host of its API URL
	HeaderRecordID  = "X-Recording-ID"        // record id of the archive
	HeaderTimestamp = "X-Recording-Timestamp" // unix seconds
	HeaderSHA256    = "X-Recording-SHA256"    // hex SHA-256 of the body
	HeaderSignature = "X-Recording-Signature" // hex HMAC-SHA256(server secret, UploadMessage(...))
)

// UploadMessage is the string a BBB server signs with its secret to upload an archive.
func UploadMessage(server, recordID, timestamp, bodySHA256 string) string {
	return "scalelite-recording-upload\n" + server + "\n" + recordID + "\n" + timestamp + "\n" + bodySHA256
}

// UploadSignature returns the hex HMAC-SHA256 of UploadMessage with the server's secret.
func UploadSignature(secret, server, recordID, timestamp, bodySHA256 string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(UploadMessage(server, recordID, timestamp, bodySHA256)))
	return hex.EncodeToString(mac.Sum(nil))
}

// ServerLookup finds the BBB server that sends an upload.
type ServerLookup interface {
	Server(ctx context.Context, id string) (*scalelite.Server, error)
	Servers(ctx context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error)
}

// UploadConfig configures the upload endpoint.
type UploadConfig struct {
	SpoolDir string        // RECORDING_SPOOL_DIR
	MaxBytes int64         // largest accepted archive, default 64 GiB
	Window   time.Duration // accepted clock difference, default 5 minutes
}

// Upload receives recording archives from BBB servers over HTTPS (POST UploadPath). The sender
// is authenticated by an HMAC over the server, record id, timestamp and body hash with that
// server's secret, the body is streamed to a dot-temp file in the spool directory, checked
// against the signed hash, synced and renamed to <record_id>.tar, so the importer never sees
// a partial archive.
type Upload struct {
	cfg     UploadConfig
	servers ServerLookup
	logger  *slog.Logger
	now     func() time.Time
}

// NewUpload returns the upload handler.
func NewUpload(cfg UploadConfig, servers ServerLookup, logger *slog.Logger, now func() time.Time) *Upload {
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 30
	}
	if cfg.Window <= 0 {
		cfg.Window = 5 * time.Minute
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Upload{cfg: cfg, servers: servers, logger: logger.With("component", "recording-upload"), now: now}
}

func (u *Upload) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		w.Header().Set("Allow", "POST, PUT")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	server := r.Header.Get(HeaderServer)
	recordID := r.Header.Get(HeaderRecordID)
	ts := r.Header.Get(HeaderTimestamp)
	sum := strings.ToLower(r.Header.Get(HeaderSHA256))
	sig := r.Header.Get(HeaderSignature)
	if !cleanText(server) || !cleanText(ts) || !cleanText(sum) || !cleanText(sig) || !cleanRequest(r) {
		http.Error(w, "invalid characters in the request", http.StatusBadRequest)
		return
	}
	log := u.logger.With("server_id", server, "record_id", recordID, "remote", r.RemoteAddr)
	if !ValidRecordID(recordID) || len(sum) != 64 || server == "" {
		http.Error(w, "missing or invalid "+HeaderServer+", "+HeaderRecordID+" or "+HeaderSHA256, http.StatusBadRequest)
		return
	}
	if r.ContentLength > u.cfg.MaxBytes {
		http.Error(w, "archive too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := u.authenticate(r.Context(), server, recordID, ts, sum, sig); err != nil {
		log.Warn("upload refused", "reason", err)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	name, status, err := u.store(w, r, recordID, sum)
	if err != nil {
		log.Error("upload failed", "status", status, "err", err)
		http.Error(w, err.Error(), status)
		return
	}
	log.Info("archive uploaded", "archive", name)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]string{"archive": name, "recordID": recordID})
}

var errUnauthorized = errors.New("unauthorized")

func (u *Upload) authenticate(ctx context.Context, server, recordID, ts, sum, sig string) error {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp", errUnauthorized)
	}
	if d := u.now().Sub(time.Unix(sec, 0)); d > u.cfg.Window || d < -u.cfg.Window {
		return fmt.Errorf("%w: timestamp outside the %s window", errUnauthorized, u.cfg.Window)
	}
	srv, err := u.findServer(ctx, server)
	if err != nil {
		return err
	}
	want := UploadSignature(srv.Secret, server, recordID, ts, sum)
	got, err := hex.DecodeString(strings.ToLower(sig))
	if err != nil || !hmac.Equal(got, mustHex(want)) {
		return fmt.Errorf("%w: bad signature", errUnauthorized)
	}
	return nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// findServer looks a server up by id, else by the host of its API URL.
func (u *Upload) findServer(ctx context.Context, ident string) (*scalelite.Server, error) {
	srv, err := u.servers.Server(ctx, ident)
	if err == nil {
		return srv, nil
	}
	if !scalelite.IsNotFound(err) {
		return nil, err
	}
	all, err := u.servers.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return nil, err
	}
	for _, s := range all {
		if pu, err := url.Parse(s.URL); err == nil && strings.EqualFold(pu.Hostname(), ident) {
			return s, nil
		}
	}
	return nil, fmt.Errorf("%w: unknown server %q", errUnauthorized, ident)
}

// store streams the body to the spool and returns the archive's name.
func (u *Upload) store(w http.ResponseWriter, r *http.Request, recordID, sum string) (string, int, error) {
	if err := os.MkdirAll(u.cfg.SpoolDir, 0o755); err != nil {
		return "", http.StatusInternalServerError, fmt.Errorf("spool dir: %w", err)
	}
	tmp, err := os.CreateTemp(u.cfg.SpoolDir, ".upload-*.tar")
	if err != nil {
		return "", http.StatusInternalServerError, fmt.Errorf("spool dir: %w", err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	body := http.MaxBytesReader(w, r.Body, u.cfg.MaxBytes)
	if _, err := io.Copy(io.MultiWriter(tmp, h), body); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", http.StatusRequestEntityTooLarge, errors.New("archive too large")
		}
		return "", http.StatusInternalServerError, fmt.Errorf("receive archive: %w", err)
	}
	if hex.EncodeToString(h.Sum(nil)) != sum {
		return "", http.StatusBadRequest, errors.New("body does not match " + HeaderSHA256)
	}
	if err := tmp.Sync(); err != nil {
		return "", http.StatusInsufficientStorage, fmt.Errorf("sync archive: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", http.StatusInsufficientStorage, fmt.Errorf("close archive: %w", err)
	}
	name := recordID + ".tar"
	if err := os.Rename(tmp.Name(), filepath.Join(u.cfg.SpoolDir, name)); err != nil {
		return "", http.StatusInternalServerError, fmt.Errorf("spool archive: %w", err)
	}
	keep = true
	return name, http.StatusCreated, nil
}
