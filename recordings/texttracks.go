package recordings

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Text track sources.
const (
	TrackUpload = "upload"
	TrackLive   = "live"
)

var langPattern = regexp.MustCompile(`^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}$`)

// ValidLang reports whether lang is a usable language tag (BCP 47 shape, e.g. en-US).
func ValidLang(lang string) bool { return langPattern.MatchString(lang) }

// TextTracks stores caption tracks with their recordings. An uploaded track is converted to
// WebVTT and kept in <CaptionsDir>/<record_id>/<lang>.vtt (the source that survives
// re-imports), indexed in the store, and copied into the presentation format directory as
// caption_<lang>.vtt with captions.json listing every track, which is what the presentation
// player loads. Tracks recorded live arrive in the archive's captions.json and are indexed at
// import.
type TextTracks struct {
	dir    string
	store  scalelite.RecordingStore
	files  *Files
	logger *slog.Logger
}

// NewTextTracks returns the text track store rooted at captionsDir.
func NewTextTracks(captionsDir string, store scalelite.RecordingStore, files *Files, logger *slog.Logger) *TextTracks {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &TextTracks{dir: captionsDir, store: store, files: files, logger: logger}
}

// Href is where the balancer serves a recording's track for a language.
func trackHref(recordID, lang string) string {
	return "/presentation/" + recordID + "/caption_" + lang + ".vtt"
}

// List returns the tracks of a recording ordered by language.
func (t *TextTracks) List(ctx context.Context, recordID string) ([]scalelite.TextTrack, error) {
	tracks, err := t.store.TextTracks(ctx, recordID)
	if err != nil {
		return nil, fmt.Errorf("text tracks of %s: %w", recordID, err)
	}
	sort.Slice(tracks, func(a, b int) bool { return tracks[a].Lang < tracks[b].Lang })
	return tracks, nil
}

// Put stores an uploaded track (SRT, SSA/ASS or WebVTT) for the recording, replacing the
// track of the same language. kind is subtitles or captions; label defaults to lang.
func (t *TextTracks) Put(ctx context.Context, rec *scalelite.Recording, kind, lang, label string, content []byte) error {
	if !ValidRecordID(rec.RecordID) || !ValidLang(lang) {
		return scalelite.Errorf(scalelite.EINVALID, "invalid record id or language")
	}
	vtt, err := toWebVTT(content)
	if err != nil {
		return err
	}
	if label == "" {
		label = lang
	}
	dir := filepath.Join(t.dir, rec.RecordID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("store text track: %w", err)
	}
	tmp := filepath.Join(dir, "."+lang+".vtt.tmp-"+randomSuffix())
	if err := os.WriteFile(tmp, vtt, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("store text track: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, lang+".vtt")); err != nil {
		return fmt.Errorf("store text track: %w", err)
	}
	track := scalelite.TextTrack{RecordID: rec.RecordID, Kind: kind, Lang: lang, Label: label,
		Source: TrackUpload, Href: trackHref(rec.RecordID, lang)}
	if err := t.store.PutTextTrack(ctx, track); err != nil {
		return fmt.Errorf("store text track: %w", err)
	}
	unlock := t.files.Lock(rec.RecordID)
	defer unlock()
	return t.materialize(ctx, rec)
}

// afterImport indexes the live tracks of a freshly placed presentation and copies the uploaded
// ones back into it (the import replaced the directory).
func (t *TextTracks) afterImport(ctx context.Context, rec *scalelite.Recording) error {
	if !hasFormat(rec, "presentation") {
		return nil
	}
	pres := t.files.Path("presentation", rec.RecordID, rec.Published)
	live, err := readCaptionsJSON(filepath.Join(pres, "captions.json"))
	if err != nil {
		t.logger.Warn("unreadable captions.json in recording", "record_id", rec.RecordID, "err", err)
	}
	if len(live) > 0 {
		existing, err := t.store.TextTracks(ctx, rec.RecordID)
		if err != nil {
			return err
		}
		uploaded := map[string]bool{}
		for _, tr := range existing {
			if tr.Source == TrackUpload {
				uploaded[tr.Lang] = true
			}
		}
		for _, c := range live {
			if !ValidLang(c.Locale) || uploaded[c.Locale] {
				continue
			}
			label := c.LocaleName
			if label == "" {
				label = c.Locale
			}
			kind := c.Kind
			if kind == "" {
				kind = "captions"
			}
			err := t.store.PutTextTrack(ctx, scalelite.TextTrack{RecordID: rec.RecordID, Kind: kind,
				Lang: c.Locale, Label: label, Source: TrackLive, Href: trackHref(rec.RecordID, c.Locale)})
			if err != nil {
				return err
			}
		}
	}
	return t.materialize(ctx, rec)
}

// captionEntry is one element of the presentation player's captions.json.
type captionEntry struct {
	Locale     string `json:"locale"`
	LocaleName string `json:"localeName"`
	Kind       string `json:"kind,omitempty"`
	Source     string `json:"source,omitempty"`
}

func readCaptionsJSON(path string) ([]captionEntry, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var entries []captionEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		return nil, err
	}
	return entries, nil
}

// materialize copies the uploaded tracks into the presentation directory and rewrites its
// captions.json from the index. Callers hold the recording's file lock.
func (t *TextTracks) materialize(ctx context.Context, rec *scalelite.Recording) error {
	if !hasFormat(rec, "presentation") {
		return nil
	}
	tracks, err := t.List(ctx, rec.RecordID)
	if err != nil {
		return err
	}
	if len(tracks) == 0 {
		return nil
	}
	pres := t.files.Path("presentation", rec.RecordID, rec.Published)
	if !exists(pres) {
		pres = t.files.Path("presentation", rec.RecordID, !rec.Published)
		if !exists(pres) {
			return nil
		}
	}
	byLang := map[string]scalelite.TextTrack{} // one file per language: uploads win
	for _, tr := range tracks {
		if prev, ok := byLang[tr.Lang]; !ok || prev.Source != TrackUpload {
			byLang[tr.Lang] = tr
		}
	}
	entries := make([]captionEntry, 0, len(byLang))
	for _, tr := range tracks {
		if byLang[tr.Lang] != tr {
			continue
		}
		if tr.Source == TrackUpload {
			src := filepath.Join(t.dir, rec.RecordID, tr.Lang+".vtt")
			if err := t.files.copyFile(src, filepath.Join(pres, "caption_"+tr.Lang+".vtt"), 0o644); err != nil {
				return fmt.Errorf("copy text track %s: %w", tr.Lang, err)
			}
		}
		entries = append(entries, captionEntry{Locale: tr.Lang, LocaleName: tr.Label, Kind: tr.Kind, Source: tr.Source})
	}
	b, err := json.Marshal(entries)
	if err != nil {
		return err
	}
	tmp := filepath.Join(pres, ".captions.json.tmp-"+randomSuffix())
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write captions.json: %w", err)
	}
	return os.Rename(tmp, filepath.Join(pres, "captions.json"))
}

// Remove deletes the stored uploads of a recording (deleteRecordings).
func (t *TextTracks) Remove(recordID string) error {
	if !ValidRecordID(recordID) {
		return nil
	}
	return os.RemoveAll(filepath.Join(t.dir, recordID))
}

func hasFormat(rec *scalelite.Recording, format string) bool {
	for _, f := range rec.Formats {
		if f.Format == format {
			return true
		}
	}
	return false
}
