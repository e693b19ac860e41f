package recordings

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Messages of the recording API errors, as Scalelite words them.
const (
	MsgNotFound       = "We could not find recordings"
	MsgPublishFailed  = "Unable to publish/unpublish recording."
	MsgDeleteFailed   = "Unable to delete recording."
	MsgTextTrackError = "Unable to store the text track."
)

// Service is the recording API shared by the BBB facade, the control plane and the CLI: every
// change to a recording's index goes together with the matching change on disk.
type Service struct {
	store     scalelite.RecordingStore
	files     *Files
	tracks    *TextTracks
	protector *Protector
	publisher scalelite.Publisher
	logger    *slog.Logger
	now       func() time.Time
}

// ServiceDeps are the collaborators of a Service; Store and Files are required.
type ServiceDeps struct {
	Store     scalelite.RecordingStore
	Files     *Files
	Tracks    *TextTracks         // default NewTextTracks(CaptionsDir of Config defaults)
	Protector *Protector          // nil: protected links cannot be minted
	Publisher scalelite.Publisher // nil: no events
	Logger    *slog.Logger
	Now       func() time.Time
}

// NewService returns the recording service.
func NewService(deps ServiceDeps) *Service {
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Tracks == nil {
		cfg := Config{PublishDir: deps.Files.PublishDir}.withDefaults()
		deps.Tracks = NewTextTracks(cfg.CaptionsDir, deps.Store, deps.Files, deps.Logger)
	}
	return &Service{store: deps.Store, files: deps.Files, tracks: deps.Tracks, protector: deps.Protector,
		publisher: deps.Publisher, logger: deps.Logger.With("component", "recordings"), now: deps.Now}
}

// Protector returns the protector used for playback links (nil when none).
func (s *Service) Protector() *Protector { return s.protector }

// List returns one page of recordings and the total (the store's ordering).
func (s *Service) List(ctx context.Context, f scalelite.RecordingFilter) ([]*scalelite.Recording, int, error) {
	return s.store.Recordings(ctx, f)
}

// Recording returns a recording visible to the tenant ("" = any), ENOTFOUND otherwise.
func (s *Service) Recording(ctx context.Context, tenantID, recordID string) (*scalelite.Recording, error) {
	rec, err := s.store.Recording(ctx, recordID)
	if err != nil {
		return nil, err
	}
	if tenantID != "" && rec.Metadata["tenant-id"] != tenantID {
		return nil, scalelite.Errorf(scalelite.ENOTFOUND, "recording %s not found", recordID)
	}
	return rec, nil
}

func (s *Service) match(ctx context.Context, tenantID string, ids, states []string) ([]*scalelite.Recording, error) {
	recs, _, err := s.store.Recordings(ctx, scalelite.RecordingFilter{RecordIDs: ids, States: states, TenantID: tenantID})
	return recs, err
}

// Publish publishes or unpublishes the listed recordings (exact ids, tenant-scoped, state
// published, unpublished or none): files move between the trees, then the index records the change
// as made through the API (re-imports keep it). ENOTFOUND when nothing matches.
func (s *Service) Publish(ctx context.Context, tenantID string, recordIDs []string, publish bool) error {
	recs, err := s.match(ctx, tenantID, recordIDs, scalelite.ListedRecordingStates())
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return scalelite.Errorf(scalelite.ENOTFOUND, MsgNotFound)
	}
	for _, rec := range recs {
		if err := s.publishOne(ctx, rec.RecordID, publish); err != nil {
			s.logger.Error("publish recording", "record_id", rec.RecordID, "publish", publish, "err", err)
			return &scalelite.Error{Code: scalelite.EINTERNAL, Message: MsgPublishFailed, Err: err}
		}
	}
	return nil
}

func (s *Service) publishOne(ctx context.Context, recordID string, publish bool) error {
	unlock := s.files.Lock(recordID)
	defer unlock()
	rec, err := s.store.Recording(ctx, recordID) // fresh, under the lock
	if err != nil {
		return err
	}
	if rec.Published == publish {
		return nil
	}
	for _, f := range rec.Formats {
		if err := s.files.SetPublished(f.Format, recordID, publish); err != nil {
			return err
		}
	}
	if err := s.store.SetPublished(ctx, recordID, publish); err != nil {
		return err
	}
	typ := "unpublished"
	if publish {
		typ = "published"
	}
	s.event(ctx, typ, rec)
	return nil
}

// Update applies meta_* changes (non-empty upserts, empty deletes; keys lower-cased) and
// protect to every listed recording (any state). Like Scalelite, when the ids do not all match (unknown,
// another tenant's, duplicates) nothing changes and updated is false. With a tenant, the
// tenant-id key cannot be changed.
func (s *Service) Update(ctx context.Context, tenantID string, recordIDs []string, meta map[string]string, protect *bool) (bool, error) {
	recs, err := s.match(ctx, tenantID, recordIDs, scalelite.AllRecordingStates())
	if err != nil {
		return false, err
	}
	if len(recs) != len(recordIDs) {
		return false, nil
	}
	changes := map[string]string{}
	for k, v := range meta {
		k = strings.ToLower(k)
		if tenantID != "" && k == "tenant-id" {
			continue
		}
		changes[k] = v
	}
	updated := false
	if len(changes) > 0 {
		if err := s.store.UpdateMetadata(ctx, recordIDs, changes); err != nil {
			return false, err
		}
		updated = true
	}
	if protect != nil {
		if err := s.store.SetProtected(ctx, recordIDs, *protect); err != nil {
			return false, err
		}
		updated = true
	}
	if updated {
		for _, rec := range recs {
			s.event(ctx, "updated", rec)
		}
	}
	return updated, nil
}

// Delete removes the listed recordings (exact ids, tenant-scoped, any state, none included): both the
// published and the unpublished copies and the uploaded text tracks are deleted, then the
// index row is marked deleted (its metadata and formats removed). ENOTFOUND when nothing
// matches.
func (s *Service) Delete(ctx context.Context, tenantID string, recordIDs []string) error {
	recs, err := s.match(ctx, tenantID, recordIDs, scalelite.AllRecordingStates())
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		return scalelite.Errorf(scalelite.ENOTFOUND, MsgNotFound)
	}
	for _, rec := range recs {
		if err := s.deleteOne(ctx, rec); err != nil {
			s.logger.Error("delete recording", "record_id", rec.RecordID, "err", err)
			return &scalelite.Error{Code: scalelite.EINTERNAL, Message: MsgDeleteFailed, Err: err}
		}
	}
	return nil
}

func (s *Service) deleteOne(ctx context.Context, rec *scalelite.Recording) error {
	unlock := s.files.Lock(rec.RecordID)
	defer unlock()
	if err := s.files.Remove(rec.RecordID); err != nil {
		return err
	}
	if err := s.tracks.Remove(rec.RecordID); err != nil {
		return err
	}
	if err := s.store.MarkDeleted(ctx, rec.RecordID); err != nil {
		return err
	}
	s.event(ctx, "deleted", rec)
	return nil
}

// AddToTenant gives every recording without a tenant-id the tenant (recordings:addToTenant).
func (s *Service) AddToTenant(ctx context.Context, tenantID string) (int, error) {
	if tenantID == "" {
		return 0, scalelite.Errorf(scalelite.EINVALID, "tenant id is required")
	}
	return s.store.AddTenantToRecordings(ctx, tenantID)
}

// TextTracks lists the tracks of a recording visible to the tenant.
func (s *Service) TextTracks(ctx context.Context, tenantID, recordID string) ([]scalelite.TextTrack, error) {
	if _, err := s.Recording(ctx, tenantID, recordID); err != nil {
		return nil, err
	}
	return s.tracks.List(ctx, recordID)
}

// PutTextTrack stores an uploaded track for a recording visible to the tenant. EINVALID for
// content that is not SRT, SSA/ASS or WebVTT.
func (s *Service) PutTextTrack(ctx context.Context, tenantID, recordID, kind, lang, label string, content []byte) error {
	rec, err := s.Recording(ctx, tenantID, recordID)
	if err != nil {
		return err
	}
	return s.tracks.Put(ctx, rec, kind, lang, label, content)
}

// MintToken mints a one-time playback token for a protected recording's format.
func (s *Service) MintToken(ctx context.Context, recordID, format string) (string, error) {
	if s.protector == nil {
		return "", errors.New("protected recordings are not configured")
	}
	return s.protector.MintToken(ctx, recordID, format)
}

func (s *Service) event(ctx context.Context, typ string, rec *scalelite.Recording) {
	if s.publisher == nil {
		return
	}
	ev := scalelite.Event{Topic: scalelite.TopicRecordings, Type: typ, Time: s.now(), RecordID: rec.RecordID,
		MeetingID: rec.MeetingID, TenantID: rec.Metadata["tenant-id"]}
	if err := s.publisher.Publish(ctx, ev); err != nil {
		s.logger.Warn("publish event", "record_id", rec.RecordID, "err", err)
	}
}
