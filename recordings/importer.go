package recordings

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// LockName is the scalelite.Locker lease that keeps one importer active per cluster.
const LockName = "recording-importer"

// claimDir is the spool subdirectory an archive is renamed into while it is imported, so a
// new archive of the same name can arrive meanwhile; leftovers are imported again at start.
const claimDir = ".importing"

// settleTime is how long an archive must stay unmodified before the scanner takes it (a
// plain cp into the spool is not atomic; rsync and the upload endpoint are).
const settleTime = 2 * time.Second

// ReadyNotifier is told about every imported recording (recording-ready callbacks). It must
// not block.
type ReadyNotifier interface {
	RecordingReady(ctx context.Context, rec *scalelite.Recording)
}

// ImporterDeps are the collaborators of an Importer; Store is required.
type ImporterDeps struct {
	Store     scalelite.RecordingStore
	Files     *Files              // default NewFiles(cfg.PublishDir, cfg.UnpublishDir)
	Tracks    *TextTracks         // default NewTextTracks(cfg, Store, Files, Logger)
	Locker    scalelite.Locker    // nil: no cluster-wide lease
	Publisher scalelite.Publisher // nil: no events
	Notifier  ReadyNotifier       // nil: no callbacks
	// Registerer receives the importer's metrics (queue, imports, failures, lag, bytes); nil:
	// none. NewImporter panics when they are already registered there.
	Registerer prometheus.Registerer
	Logger     *slog.Logger
	Now        func() time.Time
}

// Importer imports recording archives from the spool directory. Nothing is lost: an archive is
// deleted only after every recording in it is indexed and its files are in place; a failing
// archive moves to the failed directory with a reason file.
type Importer struct {
	cfg     Config
	deps    ImporterDeps
	files   *Files
	tracks  *TextTracks
	logger  *slog.Logger
	now     func() time.Time
	metrics *importerMetrics

	mu       sync.Mutex
	inflight map[string]bool
}

// NewImporter returns an importer; call Run for the watch loop or ImportFile for one archive.
func NewImporter(cfg Config, deps ImporterDeps) *Importer {
	cfg = cfg.withDefaults()
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Files == nil {
		deps.Files = NewFiles(cfg.PublishDir, cfg.UnpublishDir)
		deps.Files.NoSync = cfg.NoSync
	}
	if deps.Tracks == nil {
		deps.Tracks = NewTextTracks(cfg.CaptionsDir, deps.Store, deps.Files, deps.Logger)
	}
	m, err := newImporterMetrics(deps.Registerer)
	if err != nil {
		panic(err)
	}
	return &Importer{
		cfg: cfg, deps: deps, files: deps.Files, tracks: deps.Tracks,
		logger: deps.Logger.With("component", "importer"), now: deps.Now, metrics: m,
		inflight: map[string]bool{},
	}
}

// Config returns the effective configuration (defaults applied).
func (im *Importer) Config() Config { return im.cfg }

// ImportFile imports one archive synchronously. An archive in the spool directory is claimed
// first; on success it is deleted, on failure it moves to the failed directory with a reason
// file. An archive already in the failed directory is retried in place (and removed with its
// reason file on success). An archive anywhere else is imported and left where it is.
func (im *Importer) ImportFile(ctx context.Context, path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("import %s: not a regular file", path)
	}
	dir := filepath.Dir(abs)
	switch {
	case sameDir(dir, im.cfg.SpoolDir):
		claimed, err := im.claim(abs)
		if err != nil {
			return err
		}
		return im.importManaged(ctx, claimed, true)
	case sameDir(dir, filepath.Join(im.cfg.SpoolDir, claimDir)):
		return im.importManaged(ctx, abs, true)
	case sameDir(dir, im.cfg.FailedDir):
		return im.importManaged(ctx, abs, false)
	}
	_, err = im.importArchive(ctx, abs)
	return err
}

// claim renames a spool archive into the claim directory.
func (im *Importer) claim(path string) (string, error) {
	dir := filepath.Join(im.cfg.SpoolDir, claimDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("claim %s: %w", path, err)
	}
	claimed := filepath.Join(dir, filepath.Base(path))
	if exists(claimed) {
		// An earlier copy is being imported (or was left by a crash): keep both apart.
		claimed = filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), archiveExt(path))+
			"."+randomSuffix()+archiveExt(path))
	}
	if err := os.Rename(path, claimed); err != nil {
		return "", fmt.Errorf("claim %s: %w", path, err)
	}
	return claimed, nil
}

// importManaged imports an archive the importer owns (claimed or failed) and then deletes it
// or files it as failed.
func (im *Importer) importManaged(ctx context.Context, path string, claimed bool) error {
	start := im.now()
	fi, statErr := os.Stat(path)
	recs, err := im.importArchive(ctx, path)
	if err != nil && ctx.Err() != nil {
		// Interrupted: not the archive's fault. A claimed archive goes back to the spool.
		if claimed {
			back := filepath.Join(im.cfg.SpoolDir, im.originalName(path))
			if !exists(back) {
				os.Rename(path, back)
			}
		}
		return err
	}
	if err != nil {
		im.fail(path, err)
		im.metrics.failed(!isRejected(err))
		return err
	}
	if statErr == nil {
		end := im.now()
		im.metrics.imported(fi.Size(), len(recs), end.Sub(start), end.Sub(fi.ModTime()))
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		im.logger.Error("remove imported archive", "archive", path, "err", err)
	}
	if !claimed {
		os.Remove(path + ".reason")
	}
	im.logger.Info("imported archive", "archive", filepath.Base(path), "recordings", len(recs))
	for _, rec := range recs {
		if im.deps.Notifier != nil {
			im.deps.Notifier.RecordingReady(context.WithoutCancel(ctx), rec)
		}
	}
	return nil
}

// originalName strips the suffix claim added to keep two copies apart.
func (im *Importer) originalName(path string) string {
	base := filepath.Base(path)
	ext := archiveExt(base)
	stem := strings.TrimSuffix(base, ext)
	if i := strings.LastIndexByte(stem, '.'); i > 0 && len(stem)-i == 13 {
		stem = stem[:i]
	}
	return stem + ext
}

// importArchive extracts the archive and imports every recording in it. It returns the stored
// recordings; an error means at least one part failed (the others may have been imported).
func (im *Importer) importArchive(ctx context.Context, path string) ([]*scalelite.Recording, error) {
	if err := os.MkdirAll(im.cfg.WorkDir, 0o755); err != nil {
		return nil, fmt.Errorf("import %s: work dir: %w", filepath.Base(path), err)
	}
	work, err := os.MkdirTemp(im.cfg.WorkDir, "import-*")
	if err != nil {
		return nil, fmt.Errorf("import %s: work dir: %w", filepath.Base(path), err)
	}
	defer os.RemoveAll(work)
	lim := Limits{MaxBytes: im.cfg.MaxArchiveBytes, MaxEntries: im.cfg.MaxEntries, NoSync: im.cfg.NoSync}
	if err := extractArchive(ctx, path, work, lim); err != nil {
		return nil, fmt.Errorf("import %s: %w", filepath.Base(path), err)
	}
	var (
		recs []*scalelite.Recording
		errs []error
		pe   *partialError
	)
	groups, err := readParts(work)
	switch {
	case errors.As(err, &pe):
		errs = append(errs, pe.err)
	case err != nil:
		return nil, fmt.Errorf("import %s: %w", filepath.Base(path), err)
	}
	for _, parts := range groups {
		rec, err := im.importRecording(ctx, parts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, rec)
	}
	if err := errors.Join(errs...); err != nil {
		return recs, fmt.Errorf("import %s: %w", filepath.Base(path), err)
	}
	return recs, nil
}

// part is one extracted format of one recording.
type part struct {
	format string
	dir    string
	rec    *scalelite.Recording
}

// readParts parses every <format>/<record_id>/metadata.xml under work, grouped by record id.
func readParts(work string) ([][]part, error) {
	dirs, err := filepath.Glob(filepath.Join(work, "*", "*"))
	if err != nil {
		return nil, err
	}
	byID := map[string][]part{}
	var errs []error
	for _, dir := range dirs {
		if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
			continue
		}
		format, id := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		f, err := os.Open(filepath.Join(dir, "metadata.xml"))
		if err != nil {
			errs = append(errs, rejectf("%s/%s: no metadata.xml", format, id))
			continue
		}
		rec, err := ParseMetadata(f)
		f.Close()
		if err != nil {
			errs = append(errs, rejectf("%s/%s: %v", format, id, err))
			continue
		}
		if rec.RecordID != id || rec.Formats[0].Format != format {
			errs = append(errs, rejectf("%s/%s: metadata.xml describes %s/%s", format, id,
				rec.Formats[0].Format, rec.RecordID))
			continue
		}
		byID[id] = append(byID[id], part{format: format, dir: dir, rec: rec})
	}
	if len(byID) == 0 && len(errs) == 0 {
		return nil, rejectf("no <format>/<record_id>/metadata.xml in archive")
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	groups := make([][]part, 0, len(ids))
	for _, id := range ids {
		groups = append(groups, byID[id])
	}
	if len(errs) > 0 {
		// Import what is good, but keep the archive for the operator.
		return groups, &partialError{groups: groups, err: errors.Join(errs...)}
	}
	return groups, nil
}

// partialError carries the good parts of an archive that also has bad ones.
type partialError struct {
	groups [][]part
	err    error
}

func (e *partialError) Error() string { return e.err.Error() }
func (e *partialError) Unwrap() error { return e.err }

// mergeParts combines the formats of one recording into one row: scalar fields from the first
// format (by name), metadata merged, published if any format says so.
func mergeParts(parts []part) *scalelite.Recording {
	sort.Slice(parts, func(a, b int) bool { return parts[a].format < parts[b].format })
	rec := *parts[0].rec
	rec.Metadata = map[string]string{}
	rec.Formats = nil
	for _, p := range parts {
		for k, v := range p.rec.Metadata {
			if _, ok := rec.Metadata[k]; !ok {
				rec.Metadata[k] = v
			}
		}
		rec.Published = rec.Published || p.rec.Published
		rec.Formats = append(rec.Formats, p.rec.Formats...)
	}
	return &rec
}

// importRecording places the files of one recording and indexes it. Each step is idempotent,
// so an interrupted import is repaired by importing the archive again.
func (im *Importer) importRecording(ctx context.Context, parts []part) (*scalelite.Recording, error) {
	rec := mergeParts(parts)
	id := rec.RecordID
	unlock := im.files.Lock(id)
	defer unlock()

	existing, err := im.deps.Store.Recording(ctx, id)
	switch {
	case scalelite.IsNotFound(err):
		existing = nil
	case err != nil:
		return nil, fmt.Errorf("recording %s: read index: %w", id, err)
	}
	published := rec.Published
	switch {
	case existing != nil && existing.PublishUpdated:
		published = existing.Published // an API (un)publish survives re-imports
	case im.cfg.ImportUnpublished:
		published = false
	}
	rec.Published = published
	rec.Protected = im.cfg.Protected
	if existing != nil {
		rec.Protected = existing.Protected
	}
	for _, p := range parts {
		if err := im.files.Place(p.dir, p.format, id, published); err != nil {
			return nil, fmt.Errorf("recording %s: %w", id, err)
		}
	}
	stored, err := im.deps.Store.UpsertRecording(ctx, rec)
	if err != nil {
		return nil, fmt.Errorf("recording %s: index: %w", id, err)
	}
	if stored.Published != published {
		for _, p := range parts {
			if err := im.files.SetPublished(p.format, id, stored.Published); err != nil {
				return nil, fmt.Errorf("recording %s: %w", id, err)
			}
		}
	}
	if err := im.tracks.afterImport(ctx, stored); err != nil {
		return nil, fmt.Errorf("recording %s: text tracks: %w", id, err)
	}
	cd, err := im.deps.Store.CallbackData(ctx, stored.MeetingID)
	switch {
	case err == nil:
		cd.RecordingID = &stored.ID
		if err := im.deps.Store.PutCallbackData(ctx, cd); err != nil {
			return nil, fmt.Errorf("recording %s: callback data: %w", id, err)
		}
	case !scalelite.IsNotFound(err):
		return nil, fmt.Errorf("recording %s: callback data: %w", id, err)
	}
	if im.deps.Publisher != nil {
		ev := scalelite.Event{Topic: scalelite.TopicRecordings, Type: "imported", Time: im.now(),
			MeetingID: stored.MeetingID, RecordID: id, TenantID: stored.Metadata["tenant-id"]}
		if err := im.deps.Publisher.Publish(ctx, ev); err != nil {
			im.logger.Warn("publish event", "record_id", id, "err", err)
		}
	}
	im.logger.Info("imported recording", "record_id", id, "meeting_id", stored.MeetingID,
		"published", stored.Published, "formats", len(parts))
	return stored, nil
}

func sameDir(a, b string) bool {
	ca, errA := filepath.Abs(a)
	cb, errB := filepath.Abs(b)
	return errA == nil && errB == nil && filepath.Clean(ca) == filepath.Clean(cb)
}

// archiveExt returns the archive suffix of a name, or "" when it is not an archive.
func archiveExt(name string) string {
	for _, ext := range []string{".tar.gz", ".tgz", ".tar"} {
		if strings.HasSuffix(name, ext) {
			return ext
		}
	}
	return ""
}
