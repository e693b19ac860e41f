package recordings

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/scalelite-go/scalelite/internal/locale"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// PlaybackConfig configures the playback routes.
type PlaybackConfig struct {
	PublishDir string   // RECORDING_PUBLISH_DIR: only published files are ever served
	Formats    []string // RECORDING_PLAYBACK_FORMATS: formats with a resource route
	// Protected (PROTECTED_RECORDINGS_ENABLED) enforces the cookie on protected recordings'
	// resources.
	Protected bool
	// AccelRedirect answers resources with an empty 200 and X-Accel-Redirect:
	// <AccelPrefix><original path and query> for nginx (production); otherwise the files are
	// served here (ranges, content types).
	AccelRedirect bool
	AccelPrefix   string // default /static-resource
	// PlayerDir, when set, serves the BBB presentation player (bbb-playback) at
	// /playback/presentation/2.3/ with index.html as fallback, as Scalelite's nginx does.
	PlayerDir string
	// Pages holds the strings of the not-found page (nil: built-in English).
	Pages *locale.Catalog
}

// RecordingReader is what playback needs of the recording index.
type RecordingReader interface {
	Recording(ctx context.Context, recordID string) (*scalelite.Recording, error)
}

// TenantFunc returns the tenant id a request is for ("" when multitenancy is off). An error
// (unknown tenant) makes every recording invisible.
type TenantFunc func(r *http.Request) (string, error)

// TenantLookup finds tenants by name.
type TenantLookup interface {
	TenantByName(ctx context.Context, name string) (*scalelite.Tenant, error)
}

// HostTenant derives the tenant from the first label of the request host (multitenancy). host
// returns the host the client asked for (for example honouring X-Forwarded-Host from trusted
// proxies); nil uses r.Host.
func HostTenant(tenants TenantLookup, host func(*http.Request) string) TenantFunc {
	return func(r *http.Request) (string, error) {
		h := r.Host
		if host != nil {
			h = host(r)
		}
		if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.Contains(h[i:], "]") {
			h = h[:i]
		}
		name, _, _ := strings.Cut(h, ".")
		t, err := tenants.TenantByName(r.Context(), strings.ToLower(name))
		if err != nil {
			return "", err
		}
		return t.ID, nil
	}
}

// Playback serves /recording/<record_id>/<format> (protected links), /<format>/<record_id>/...
// (recording files) and the player redirects. Mount it for GET and HEAD on the prefixes
// returned by Prefixes.
type Playback struct {
	cfg       PlaybackConfig
	store     RecordingReader
	protector *Protector
	tenant    TenantFunc
	formats   map[string]bool
	logger    *slog.Logger
}

// NewPlayback returns the playback handler. protector may be nil when no recording is
// protected; tenant is nil without multitenancy.
func NewPlayback(cfg PlaybackConfig, store RecordingReader, protector *Protector, tenant TenantFunc, logger *slog.Logger) *Playback {
	if cfg.AccelPrefix == "" {
		cfg.AccelPrefix = "/static-resource"
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Pages == nil {
		cfg.Pages = locale.English()
	}
	formats := map[string]bool{}
	for _, f := range cfg.Formats {
		formats[f] = true
	}
	return &Playback{cfg: cfg, store: store, protector: protector, tenant: tenant, formats: formats,
		logger: logger.With("component", "playback")}
}

// Prefixes are the path prefixes the handler answers (each ends with "/").
func (p *Playback) Prefixes() []string {
	out := []string{"/recording/", "/playback/"}
	for _, f := range p.cfg.Formats {
		out = append(out, "/"+f+"/")
	}
	return out
}

func (p *Playback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	segs := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 3)
	switch {
	case segs[0] == "recording" && len(segs) == 3 && segs[1] == "screenshare":
		redirect(w, "/screenshare/"+segs[2], r.URL.RawQuery, http.StatusTemporaryRedirect)
	case segs[0] == "recording" && len(segs) == 3:
		p.play(w, r, segs[1], segs[2])
	case segs[0] == "playback":
		p.player(w, r, strings.TrimPrefix(r.URL.Path, "/playback/"))
	case p.formats[segs[0]] && len(segs) >= 2:
		rest := ""
		if len(segs) == 3 {
			rest = segs[2]
		}
		p.resource(w, r, segs[0], segs[1], rest)
	default:
		p.notFound(w, r)
	}
}

// find returns the recording and format if they may be shown to this request.
func (p *Playback) find(r *http.Request, recordID, format string) (*scalelite.Recording, *scalelite.PlaybackFormat, bool, error) {
	if !ValidRecordID(recordID) || !validFormat(format) {
		return nil, nil, false, nil
	}
	rec, err := p.store.Recording(r.Context(), recordID)
	if scalelite.IsNotFound(err) {
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, false, err
	}
	var pf *scalelite.PlaybackFormat
	for i := range rec.Formats {
		if rec.Formats[i].Format == format {
			pf = &rec.Formats[i]
		}
	}
	if pf == nil || !rec.Published || rec.State == scalelite.RecordingDeleted {
		return nil, nil, false, nil
	}
	if p.tenant != nil {
		tenantID, err := p.tenant(r)
		if err != nil || tenantID == "" || rec.Metadata["tenant-id"] != tenantID {
			return nil, nil, false, nil
		}
	}
	return rec, pf, true, nil
}

// play consumes a one-time token, sets the recording's cookie and redirects to the player.
func (p *Playback) play(w http.ResponseWriter, r *http.Request, recordID, format string) {
	rec, pf, ok, err := p.find(r, recordID, format)
	if err != nil {
		p.internal(w, err)
		return
	}
	if !ok {
		p.notFound(w, r)
		return
	}
	if rec.Protected {
		if p.protector == nil {
			p.notFound(w, r)
			return
		}
		valid, err := p.protector.takeToken(r.Context(), r.URL.Query().Get("token"), recordID, format)
		if err != nil {
			p.internal(w, err)
			return
		}
		if !valid {
			p.notFound(w, r)
			return
		}
		c, err := p.protector.cookie(format, recordID, isHTTPS(r))
		if err != nil {
			p.internal(w, err)
			return
		}
		http.SetCookie(w, c)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, pf.URL, http.StatusTemporaryRedirect)
}

// resource serves one file of a published recording.
func (p *Playback) resource(w http.ResponseWriter, r *http.Request, format, recordID, rest string) {
	rec, _, ok, err := p.find(r, recordID, format)
	if err != nil {
		p.internal(w, err)
		return
	}
	if !ok {
		p.notFound(w, r)
		return
	}
	if p.cfg.Protected && rec.Protected {
		if p.protector == nil || !p.protector.allowed(r, format, recordID) {
			p.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "private, no-store")
	}
	if format != "presentation" && format != "video" && format != "screenshare" {
		w.Header().Set("Content-Disposition", "attachment")
	}
	if p.cfg.AccelRedirect {
		w.Header().Set("X-Accel-Redirect", p.cfg.AccelPrefix+r.URL.RequestURI())
		w.WriteHeader(http.StatusOK)
		return
	}
	p.serveFile(w, r, filepath.Join(p.cfg.PublishDir, format, recordID), rest, false)
}

// serveFile serves rel below dir (symlinks may not leave it); a directory serves its
// index.html; with fallback, a missing file serves the top index.html.
func (p *Playback) serveFile(w http.ResponseWriter, r *http.Request, dir, rel string, fallback bool) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		p.notFound(w, r)
		return
	}
	defer root.Close()
	name := strings.TrimPrefix(path.Clean("/"+rel), "/")
	if name == "" {
		name = "."
	}
	f, err := root.Open(name)
	if err != nil && fallback {
		name = "index.html"
		f, err = root.Open(name)
	}
	if err != nil {
		p.notFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		f.Close()
		name = path.Join(name, "index.html")
		if f, err = root.Open(name); err == nil {
			defer f.Close()
			fi, err = f.Stat()
		}
	}
	if err != nil || !fi.Mode().IsRegular() {
		p.notFound(w, r)
		return
	}
	if ct := contentType(name); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

func redirect(w http.ResponseWriter, to, rawQuery string, code int) {
	if rawQuery != "" {
		to += "?" + rawQuery
	}
	w.Header().Set("Location", to)
	w.WriteHeader(code)
}

func (p *Playback) internal(w http.ResponseWriter, err error) {
	p.logger.Error("playback", "err", err)
	http.Error(w, "Internal Server Error", http.StatusInternalServerError)
}

func isHTTPS(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// playbackTypes covers the files BBB recordings contain; Go's built-in table lacks several.
var playbackTypes = map[string]string{
	".webm": "video/webm", ".mp4": "video/mp4", ".m4v": "video/mp4", ".m4a": "audio/mp4",
	".ogg": "audio/ogg", ".oga": "audio/ogg", ".opus": "audio/ogg", ".mp3": "audio/mpeg",
	".wav": "audio/wav", ".vtt": "text/vtt; charset=utf-8", ".srt": "text/plain; charset=utf-8",
	".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
	".gif": "image/gif", ".xml": "text/xml; charset=utf-8", ".json": "application/json",
	".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8", ".pdf": "application/pdf",
	".woff": "font/woff", ".woff2": "font/woff2", ".ico": "image/x-icon",
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := playbackTypes[ext]; ok {
		return t
	}
	return mime.TypeByExtension(ext)
}
