package recordings

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/db/dbtest"
)

// The importer's series tell an operator how far behind it is and what it did: a scan counts
// the waiting and failed archives and the oldest one's age; an import adds archives,
// recordings and bytes; a failure counts by whether it is retried.
func TestImporterMetrics(t *testing.T) {
	store := dbtest.SQLite(t)
	e := newEnv(t, store, nil)
	reg := prometheus.NewRegistry()
	im := NewImporter(e.cfg, ImporterDeps{Store: store, Files: e.files, Registerer: reg, Logger: testLogger(t)})

	r := recSpec{ID: testRecordID("metrics", 1), MeetingID: "metrics", Published: true}
	good := buildTar(t, recordingEntries(r, "presentation", "video"))
	e.spool(r.ID+".tar", good)
	e.spool("bad.tar", buildTar(t, []tarEntry{{Name: "presentation/x/index.html", Body: "x"}}))
	waiting := im.candidates(func() {}, true)
	if len(waiting) != 2 {
		t.Fatalf("candidates %v, want the two archives", waiting)
	}
	if got := gathered(t, reg, "scalelite_importer_queue_archives"); got != 2 {
		t.Errorf("queue = %v, want 2", got)
	}
	if got := gathered(t, reg, "scalelite_importer_oldest_archive_age_seconds"); got < 59 {
		t.Errorf("oldest archive age = %v s, want about 60 (spooled a minute ago)", got)
	}
	for _, p := range waiting {
		_ = im.ImportFile(ctx(), p)
	}
	im.candidates(func() {}, true)
	checks := []struct {
		name string
		want float64
	}{
		{"queue_archives", 0},
		{"oldest_archive_age_seconds", 0},
		{"failed_archives", 1},
		{"archives_imported_total", 1},
		{"recordings_imported_total", 1},
		{"imported_bytes_total", float64(len(good))},
		{`archives_failed_total{retry="no"}`, 1},
		{`archives_failed_total{retry="yes"}`, 0},
		{"import_lag_seconds_count", 1},
		{"import_duration_seconds_count", 1},
	}
	for _, c := range checks {
		if got := gathered(t, reg, "scalelite_importer_"+c.name); got != c.want {
			t.Errorf("%s = %v, want %v", c.name, got, c.want)
		}
	}
	mustExist(t, filepath.Join(e.cfg.FailedDir, "bad.tar"))
}

// gathered returns the value of one series, written as in the exposition format: name or
// name{label="value"}; a histogram's name_count is its sample count.
func gathered(t *testing.T, reg *prometheus.Registry, series string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	name, labels, _ := strings.Cut(strings.TrimSuffix(series, "}"), "{")
	for _, f := range families {
		for _, m := range f.GetMetric() {
			var ls []string
			for _, l := range m.GetLabel() {
				ls = append(ls, l.GetName()+`="`+l.GetValue()+`"`)
			}
			if strings.Join(ls, ",") != labels {
				continue
			}
			switch {
			case f.GetName() == name && m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			case f.GetName() == name && m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case f.GetName()+"_count" == name && m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	t.Fatalf("no series %s", series)
	return 0
}
