package scaleliteimport

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Recordings and callback data, from Scalelite's PostgreSQL, in batches: the next batch is
// read while the last one is written, so memory holds at most three batches.

// readAhead reads batches in the background into a channel of capacity one.
func readAhead[T any](ctx context.Context, read func(ctx context.Context, after int64) ([]T, int64, error)) (<-chan []T, func() error) {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan []T, 1)
	errc := make(chan error, 1)
	go func() {
		defer close(out)
		var after int64
		for {
			batch, last, err := read(ctx, after)
			if err != nil {
				errc <- err
				return
			}
			if len(batch) == 0 {
				errc <- nil
				return
			}
			select {
			case out <- batch:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
			after = last
		}
	}()
	return out, func() error {
		cancel()
		for range out { // let the reader finish
		}
		return <-errc
	}
}

func (r *run) importRecordings(ctx context.Context) error {
	c := r.sum.counts(KindRecordings)
	total, err := r.opt.SQL.CountRecordings(ctx)
	if err != nil {
		return err
	}
	r.progress(KindRecordings, 0, total)
	batches, stop := readAhead(ctx, func(ctx context.Context, after int64) ([]*scalelite.Recording, int64, error) {
		recs, err := r.opt.SQL.Recordings(ctx, after, r.opt.BatchSize)
		if err != nil || len(recs) == 0 {
			return nil, 0, err
		}
		return recs, recs[len(recs)-1].ID, nil
	})
	for batch := range batches {
		if err := r.recordingBatch(ctx, c, batch); err != nil {
			_ = stop()
			return err
		}
		r.progress(KindRecordings, c.Found, max(total, c.Found))
	}
	return stop()
}

func (r *run) recordingBatch(ctx context.Context, c *Counts, batch []*scalelite.Recording) error {
	ids := make([]string, 0, len(batch))
	for _, rec := range batch {
		ids = append(ids, rec.RecordID)
	}
	existing, _, err := r.t.Recordings(ctx, scalelite.RecordingFilter{RecordIDs: ids, States: scalelite.AllRecordingStates()})
	if err != nil {
		return err
	}
	ours := make(map[string]*scalelite.Recording, len(existing))
	for _, rec := range existing {
		ours[rec.RecordID] = rec
	}
	var add, replace []*scalelite.Recording
	for _, rec := range batch {
		c.Found++
		rec.ID = 0
		if rec.RecordID == "" || rec.MeetingID == "" {
			c.skip(fmt.Sprintf("%s (meeting %s)", rec.RecordID, rec.MeetingID), "no record id or meeting id")
			continue
		}
		cur := ours[rec.RecordID]
		switch diff := recordingDiff(cur, rec); {
		case cur == nil:
			add = append(add, rec)
		case len(diff) == 0:
			c.Unchanged++
		case r.opt.Overwrite:
			replace = append(replace, rec)
		default:
			c.conflict(rec.RecordID, "differs from ours in "+joinFields(diff))
		}
	}
	if err := r.write(func() error { return r.t.ImportRecordings(ctx, add, replace) }); err != nil {
		return err
	}
	c.Imported += len(add)
	c.Overwritten += len(replace)
	return nil
}

// recordingDiff lists the fields in which ours (a) differs from Scalelite's (b); nil when a is nil.
func recordingDiff(a, b *scalelite.Recording) []string {
	if a == nil {
		return nil
	}
	var d []string
	add := func(differ bool, name string) {
		if differ {
			d = append(d, name)
		}
	}
	add(a.MeetingID != b.MeetingID, "meeting id")
	add(a.Name != b.Name, "name")
	add(a.State != b.State, "state")
	add(a.Published != b.Published, "published")
	add(a.Protected != b.Protected, "protected")
	add(a.PublishUpdated != b.PublishUpdated, "publish_updated")
	add(!sameInt(a.Participants, b.Participants), "participants")
	add(!sameTime(a.StartTime, b.StartTime), "start time")
	add(!sameTime(a.EndTime, b.EndTime), "end time")
	add(!maps.Equal(a.Metadata, b.Metadata), "metadata")
	add(!slices.EqualFunc(a.Formats, b.Formats, sameFormat), "playback formats")
	return d
}

func sameFormat(a, b scalelite.PlaybackFormat) bool {
	return a.Format == b.Format && a.URL == b.URL && a.Length == b.Length && sameInt(a.ProcessingTime, b.ProcessingTime) &&
		slices.Equal(a.Thumbnails, b.Thumbnails)
}

func sameInt(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func sameTime(a, b *time.Time) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
}

func (r *run) importCallbacks(ctx context.Context) error {
	c := r.sum.counts(KindCallbacks)
	total, err := r.opt.SQL.CountCallbacks(ctx)
	if err != nil {
		return err
	}
	if total == 0 {
		return nil
	}
	r.progress(KindCallbacks, 0, total)
	seen := map[string]int64{}
	batches, stop := readAhead(ctx, func(ctx context.Context, after int64) ([]scalelite.ScaleliteCallback, int64, error) {
		rows, err := r.opt.SQL.Callbacks(ctx, after, r.opt.BatchSize)
		if err != nil || len(rows) == 0 {
			return nil, 0, err
		}
		return rows, rows[len(rows)-1].ID, nil
	})
	for batch := range batches {
		if err := r.callbackBatch(ctx, c, batch, seen); err != nil {
			_ = stop()
			return err
		}
		r.progress(KindCallbacks, c.Found, max(total, c.Found))
	}
	return stop()
}

func (r *run) callbackBatch(ctx context.Context, c *Counts, batch []scalelite.ScaleliteCallback, seen map[string]int64) error {
	var cbs []scalelite.ImportedCallback
	for _, row := range batch {
		c.Found++
		id := fmt.Sprintf("callback_data %d (meeting %s)", row.ID, row.MeetingID)
		if row.MeetingID == "" {
			c.skip(id, "no meeting id")
			continue
		}
		if first, ok := seen[row.MeetingID]; ok {
			c.skip(id, fmt.Sprintf("Scalelite has another callback_data row for this meeting (%d, imported)", first))
			continue
		}
		seen[row.MeetingID] = row.ID
		attrs, err := parseCallbackAttributes(row.Attributes)
		if err != nil {
			c.skip(id, err.Error())
			continue
		}
		cb := scalelite.ImportedCallback{MeetingID: row.MeetingID, RecordID: row.RecordID, TenantID: row.TenantID,
			RecordingReadyURL: attrs.RecordingReadyURL, AnalyticsCallbackURL: attrs.AnalyticsCallbackURL}
		if tenant, ok := r.meetings[row.MeetingID]; ok {
			cb.TenantID = tenant // the running meeting's tenant, as create would store it
		}
		cbs = append(cbs, cb)
	}
	mids := make([]string, len(cbs))
	for i, cb := range cbs {
		mids[i] = cb.MeetingID
	}
	ours, err := r.t.ImportedCallbacks(ctx, mids)
	if err != nil {
		return err
	}
	var write []scalelite.ImportedCallback
	added := 0
	for _, cb := range cbs {
		cur, ok := ours[cb.MeetingID]
		switch {
		case !ok:
			write = append(write, cb)
			added++
		case cur == cb:
			c.Unchanged++
		case r.opt.Overwrite:
			write = append(write, cb)
			c.Overwritten++
		default:
			c.conflict("meeting "+cb.MeetingID, "our callback data for this meeting differs")
		}
	}
	if err := r.write(func() error { return r.t.ImportCallbacks(ctx, write) }); err != nil {
		return err
	}
	c.Imported += added
	return nil
}
