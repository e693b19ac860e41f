package db_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// BenchmarkPlaceMeeting measures new-meeting placements over 20 servers, serial and with 16
// concurrent callers (placements serialise, so this shows the cost of waiting for the lock).
func BenchmarkPlaceMeeting(b *testing.B) {
	for _, d := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.SQLite}, {"postgres", dbtest.Postgres}} {
		b.Run(d.name+"/serial", func(b *testing.B) {
			store := d.open(b)
			benchServers(b, store)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				if _, err := store.PlaceMeeting(ctx, scalelitetest.PlaceRequest(fmt.Sprintf("bench-%d", i), "")); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(d.name+"/parallel16", func(b *testing.B) {
			store := d.open(b)
			benchServers(b, store)
			ctx := context.Background()
			var n atomic.Int64
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := fmt.Sprintf("bench-%d", n.Add(1))
					if _, err := store.PlaceMeeting(ctx, scalelitetest.PlaceRequest(id, "")); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
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

func benchServers(b *testing.B, store *db.DB) {
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("srv%02d", i)
	}
	scalelitetest.CreateServers(b, store, ids...)
}
