// Package loadhistory keeps the recent load, users, meetings and videos of every server and of
// the whole cluster in memory, for the console's charts. Each instance fills its own copy from
// the serverLoad events every instance already receives (Redis pub/sub, or the in-process
// broker), so any api instance answers, and nothing is written to the database per poll.
//
// Each series (the cluster, and every server) keeps three rings of time buckets:
//
//	range  bucket      buckets  span
//	hour   5 seconds   720      1 hour
//	day    2 minutes   720      24 hours
//	week   15 minutes  672      7 days
//
// A bucket holds the mean of the samples that fell into it. A series costs about 70 KB, so a
// pool of 100 servers keeps 7 MB. History starts when the instance starts (a restarted
// instance shows the time since its start) and a removed server's series is dropped.
package loadhistory

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Range is a span of history with its own resolution.
type Range int

const (
	Hour Range = iota
	Day
	Week
)

// tier is the resolution of one range.
type tier struct {
	step    time.Duration
	buckets int
}

var tiers = [...]tier{
	Hour: {5 * time.Second, 720},
	Day:  {2 * time.Minute, 720},
	Week: {15 * time.Minute, 672},
}

// Step returns the bucket width of r.
func (r Range) Step() time.Duration { return tiers[r].step }

// Span returns how far back r reaches.
func (r Range) Span() time.Duration { return tiers[r].step * time.Duration(tiers[r].buckets) }

// Valid reports whether r is one of the ranges.
func (r Range) Valid() bool { return r >= Hour && r <= Week }

// Sample is one observation of a server or of the cluster.
type Sample struct {
	Load          float64
	LoadAvailable bool // false for an offline or disabled server (and a cluster with none in service)
	Users         int
	Meetings      int
	Videos        int
}

// bucket is the sums of the samples of one time bucket. Sums are float32: they add at most a
// few thousand counts per bucket.
type bucket struct {
	index       int64 // bucket number since the epoch; 0 when empty
	samples     uint32
	loadSamples uint32
	load, users float32
	meetings    float32
	videos      float32
}

// ring is the buckets of one tier of one series.
type ring []bucket

func (r ring) add(t tier, at time.Time, s Sample) {
	idx := at.UnixNano() / int64(t.step)
	b := &r[int(idx%int64(len(r)))]
	switch {
	case b.index > idx:
		return // the slot holds newer data: this sample is older than the ring
	case b.index < idx:
		*b = bucket{index: idx}
	}
	b.samples++
	b.users += float32(s.Users)
	b.meetings += float32(s.Meetings)
	b.videos += float32(s.Videos)
	if s.LoadAvailable {
		b.loadSamples++
		b.load += float32(s.Load)
	}
}

// series is the rings of one server or of the cluster.
type series [len(tiers)]ring

func newSeries() *series {
	var s series
	for i, t := range tiers {
		s[i] = make(ring, t.buckets)
	}
	return &s
}

func (s *series) add(at time.Time, v Sample) {
	for i, t := range tiers {
		s[i].add(t, at, v)
	}
}

// Series is the history of one server (or, with ServerID "", of the cluster) in one range: the
// buckets that received samples, oldest first, each value the mean of its bucket's samples.
type Series struct {
	ServerID string
	Times    []time.Time // bucket starts
	Load     []*float64  // nil where the load was unavailable for the whole bucket
	Users    []float64
	Meetings []float64
	Videos   []float64
}

func (s *series) read(r Range, id string, now time.Time) Series {
	t := tiers[r]
	out := Series{ServerID: id, Times: []time.Time{}, Load: []*float64{}, Users: []float64{}, Meetings: []float64{}, Videos: []float64{}}
	if s == nil {
		return out
	}
	last := now.UnixNano() / int64(t.step)
	rg := s[r]
	for idx := last - int64(t.buckets) + 1; idx <= last; idx++ {
		b := rg[int(idx%int64(len(rg)))]
		if b.index != idx || b.samples == 0 {
			continue
		}
		n := float64(b.samples)
		out.Times = append(out.Times, time.Unix(0, idx*int64(t.step)).UTC())
		out.Users = append(out.Users, float64(b.users)/n)
		out.Meetings = append(out.Meetings, float64(b.meetings)/n)
		out.Videos = append(out.Videos, float64(b.videos)/n)
		if b.loadSamples == 0 {
			out.Load = append(out.Load, nil)
		} else {
			l := float64(b.load) / float64(b.loadSamples)
			out.Load = append(out.Load, &l)
		}
	}
	return out
}

// History is what the console charts: the cluster and the asked-for servers in one range.
type History struct {
	Range    Range
	From, To time.Time
	// Since is when this instance recorded its first event; zero before any.
	Since   time.Time
	Cluster Series
	Servers []Series
}

// Recorder keeps the history. It is safe for concurrent use.
type Recorder struct {
	log *slog.Logger
	now func() time.Time

	mu      sync.Mutex
	since   time.Time
	latest  map[string]latest // every server's last sample
	total   total             // the sum of latest: the cluster's sample
	servers map[string]*series
	cluster *series
}

// total sums samples; load only over those where it is available.
type total struct {
	load                    float64
	available               int
	users, meetings, videos int
}

func (t *total) add(s Sample, sign int) {
	t.users += sign * s.Users
	t.meetings += sign * s.Meetings
	t.videos += sign * s.Videos
	if s.LoadAvailable {
		t.load += float64(sign) * s.Load
		t.available += sign
	}
}

func (t total) sample() Sample {
	return Sample{Load: t.load, LoadAvailable: t.available > 0, Users: t.users, Meetings: t.meetings, Videos: t.videos}
}

// setLatest replaces a server's latest sample (nil: removes it) and keeps the total.
func (r *Recorder) setLatest(id string, l *latest) {
	if prev, ok := r.latest[id]; ok {
		r.total.add(prev.Sample, -1)
		delete(r.latest, id)
	}
	if l != nil {
		r.latest[id] = *l
		r.total.add(l.Sample, 1)
	}
}

// NewRecorder returns an empty recorder; now is the clock of History (nil: time.Now).
func NewRecorder(log *slog.Logger, now func() time.Time) *Recorder {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return &Recorder{log: log, now: now, latest: map[string]latest{}, servers: map[string]*series{}, cluster: newSeries()}
}

// latest is a server's most recent sample and its time.
type latest struct {
	at time.Time
	Sample
}

// Seed sets every server's latest sample from the store's current state, so that the cluster's
// first samples after a start sum every server rather than those polled so far. It records no
// history itself.
func (r *Recorder) Seed(servers []*scalelite.Server, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range servers {
		if _, ok := r.latest[s.ID]; !ok {
			r.setLatest(s.ID, &latest{at: at, Sample: sampleOf(s.Snapshot())})
		}
	}
}

// Record adds a serverLoad event (scalelite.TopicServerLoad, with a server snapshot) to the
// server's series and the cluster's: the cluster's sample is the sum of every server's latest.
// A removed server leaves the cluster's sum and its series is dropped. An event older than the
// server's latest one (pub/sub may reorder) is ignored, and so are other events.
func (r *Recorder) Record(e scalelite.Event) {
	if e.Topic != scalelite.TopicServerLoad || e.Server == nil || e.Server.ID == "" {
		return
	}
	at := e.Time
	if at.IsZero() {
		at = r.now()
	}
	id := e.Server.ID
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev, ok := r.latest[id]; ok && at.Before(prev.at) {
		return
	}
	if r.since.IsZero() || at.Before(r.since) {
		r.since = at
	}
	if e.Type == scalelite.ServerRemoved {
		r.setLatest(id, nil)
		delete(r.servers, id)
	} else {
		s := sampleOf(e.Server)
		r.setLatest(id, &latest{at: at, Sample: s})
		ser := r.servers[id]
		if ser == nil {
			ser = newSeries()
			r.servers[id] = ser
		}
		ser.add(at, s)
	}
	r.cluster.add(at, r.total.sample())
}

func sampleOf(s *scalelite.ServerSnapshot) Sample {
	return Sample{Load: s.Load, LoadAvailable: s.Online && s.State != scalelite.ServerDisabled,
		Users: s.Users, Meetings: s.Meetings, Videos: s.Videos}
}

// History returns the cluster's series and those of serverIDs (in that order; an unknown server
// has no points) over rg, up to now.
func (r *Recorder) History(rg Range, serverIDs []string) History {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	h := History{Range: rg, From: now.Add(-rg.Span()), To: now, Since: r.since, Cluster: r.cluster.read(rg, "", now),
		Servers: make([]Series, 0, len(serverIDs))}
	for _, id := range serverIDs {
		h.Servers = append(h.Servers, r.servers[id].read(rg, id, now))
	}
	return h
}

// Run records the serverLoad events of sub until ctx ends. A subscription the broker drops (this
// reader fell behind) or fails to open is opened again after a second.
func (r *Recorder) Run(ctx context.Context, sub scalelite.Subscriber) error {
	for {
		ch, err := sub.Subscribe(ctx, scalelite.TopicServerLoad)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("load history: subscribe to server load events", "err", err)
			}
		} else {
			for e := range ch {
				r.Record(e)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}
