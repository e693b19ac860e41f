package loadhistory_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/loadhistory"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// BenchmarkRecord measures one serverLoad event (a server's poll): its series and the cluster's.
// A poll round of N servers costs N events. It reports the memory the recorder holds per series
// (every server's and the cluster's).
func BenchmarkRecord(b *testing.B) {
	for _, servers := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("servers=%d", servers), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r := loadhistory.NewRecorder(nil, nil)
			events := make([]scalelite.Event, servers)
			for i := range events {
				events[i] = loadEvent("polled", fmt.Sprintf("bbb-%d", i), t0, true, scalelite.ServerEnabled, 40, 30, 2, 4)
				r.Record(events[i])
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			held := float64(after.HeapAlloc-before.HeapAlloc) / float64(servers+1) / 1024
			b.ResetTimer()
			for i := range b.N {
				e := events[i%servers]
				e.Time = t0.Add(time.Duration(i) * time.Millisecond)
				r.Record(e)
			}
			b.ReportMetric(held, "KB/series")
		})
	}
}

// BenchmarkHistory measures a loadHistory answer: the cluster and one server over each range.
func BenchmarkHistory(b *testing.B) {
	r := loadhistory.NewRecorder(nil, func() time.Time { return t0.Add(7 * 24 * time.Hour) })
	for i := range 7 * 24 * 60 { // a week of one poll a minute, 10 servers
		for s := range 10 {
			r.Record(loadEvent("polled", fmt.Sprintf("bbb-%d", s), t0.Add(time.Duration(i)*time.Minute), true, scalelite.ServerEnabled, 40, 30, 2, 4))
		}
	}
	for _, rg := range []loadhistory.Range{loadhistory.Hour, loadhistory.Day, loadhistory.Week} {
		b.Run(fmt.Sprintf("range=%v", rg.Span()), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				_ = r.History(rg, []string{"bbb-1"})
			}
		})
	}
}
