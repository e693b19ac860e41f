package db_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// BenchmarkPlaceMeeting measures new-meeting placements over 20 servers with 1, 16 and 64
// concurrent callers (ns/op is the time per placement, so 1e9/ns_op is placements per second;
// placements/batch is the mean size of the group-committed transactions), and the lock-free
// answer for a meeting that is already running.
func BenchmarkPlaceMeeting(b *testing.B) {
	for _, d := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		for _, callers := range []int{1, 16, 64} {
			b.Run(fmt.Sprintf("%s/callers=%d", d.name, callers), func(b *testing.B) {
				store := d.open(b)
				benchServers(b, store)
				before := store.PlacementStats()
				b.ResetTimer()
				placeConcurrently(b, store, callers)
				b.StopTimer()
				after := store.PlacementStats()
				if n := after.Batches - before.Batches; n > 0 {
					b.ReportMetric(float64(after.Batched-before.Batched)/float64(n), "placements/batch")
				}
			})
		}
		b.Run(d.name+"/existing", func(b *testing.B) {
			store := d.open(b)
			benchServers(b, store)
			ctx := context.Background()
			if _, err := store.PlaceMeeting(ctx, scalelitetest.PlaceRequest("same", "")); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := store.PlaceMeeting(ctx, scalelitetest.PlaceRequest("same", "")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// placeConcurrently places b.N distinct new meetings from callers goroutines.
func placeConcurrently(b *testing.B, store *db.DB, callers int) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				if _, err := store.PlaceMeeting(ctx, scalelitetest.PlaceRequest(fmt.Sprintf("bench-%d", i), "")); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func benchServers(b *testing.B, store *db.DB) {
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("srv%02d", i)
	}
	scalelitetest.CreateServers(b, store, ids...)
}
