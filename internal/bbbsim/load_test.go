package bbbsim_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestConcurrentUse(t *testing.T) {
	f := setup(t, bbbsim.Options{CallLimit: 1000})
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 8 {
		wg.Go(func() {
			for i := range 12 {
				id := fmt.Sprintf("room-%d-%d", w, i%5)
				p := scalelite.Params{{Key: "name", Value: id}, {Key: "meetingID", Value: id}, {Key: "moderatorPW", Value: "mp"}}
				if _, err := f.c.Do(context.Background(), f.ep, "create", p, nil, nil); err != nil {
					errs <- err
					return
				}
				j := scalelite.Params{{Key: "fullName", Value: "U"}, {Key: "meetingID", Value: id}, {Key: "password", Value: "mp"}, {Key: "redirect", Value: "false"}}
				if _, err := f.c.Do(context.Background(), f.ep, "join", j, nil, nil); err != nil {
					errs <- err
					return
				}
				if i%4 == 0 {
					if _, err := f.c.GetMeetings(context.Background(), f.ep, nil); err != nil {
						errs <- err
						return
					}
				}
				f.srv.SetUsers(id, 3, 1, 1, 1)
				f.srv.Meetings()
				if i%7 == 0 {
					f.c.Do(context.Background(), f.ep, "end", scalelite.Params{{Key: "meetingID", Value: id}}, nil, nil)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	sim, err := bbbsim.Start(context.Background(), 3, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := bbb.NewClient(bbb.SHA256, bbb.Timeouts{Connect: time.Second, Response: 50 * time.Millisecond})
	for _, srv := range sim.Servers() {
		c.GetMeetings(context.Background(), srv.Endpoint(), nil)
	}
	s0, s1 := sim.Servers()[0], sim.Servers()[1]
	s0.SetBlackhole(true)
	s1.SetDelay(time.Hour)
	// Requests stuck in the blackhole and in the delay until Close.
	for _, srv := range []*bbbsim.Server{s0, s1} {
		go c.Do(context.Background(), srv.Endpoint(), "getMeetings", nil, nil, &bbb.Timeouts{Connect: time.Second, Response: time.Hour})
	}
	waitFor(t, func() bool { return len(s0.Calls()) == 2 && len(s1.Calls()) == 2 })
	sim.Servers()[2].SetDown(true)
	sim.Servers()[2].SetDown(false)
	sim.Close()
	c.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d before, %d after Close\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func benchSim(b *testing.B) (*bbbsim.Server, *bbb.Client) {
	sim, err := bbbsim.Start(context.Background(), 1, bbbsim.Options{CallLimit: 10000})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(sim.Close)
	c := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts)
	b.Cleanup(c.CloseIdleConnections)
	srv := sim.Servers()[0]
	for i := range 50 {
		id := fmt.Sprintf("bench-%d", i)
		if _, err := c.Do(context.Background(), srv.Endpoint(), "create", scalelite.Params{{Key: "name", Value: id}, {Key: "meetingID", Value: id}}, nil, nil); err != nil {
			b.Fatal(err)
		}
		srv.SetUsers(id, 10, 1, 5, 2)
	}
	return srv, c
}

// BenchmarkGetMeetings polls a server with 50 meetings of 10 users (the poller's call).
func BenchmarkGetMeetings(b *testing.B) {
	srv, c := benchSim(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetMeetings(context.Background(), srv.Endpoint(), nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCreateJoin is a repeat create plus a join (redirect=false), the facade's hot path.
func BenchmarkCreateJoin(b *testing.B) {
	srv, c := benchSim(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			id := fmt.Sprintf("bench-%d", i%50)
			i++
			if _, err := c.Do(context.Background(), srv.Endpoint(), "isMeetingRunning", scalelite.Params{{Key: "meetingID", Value: id}}, nil, nil); err != nil {
				b.Fatal(err)
			}
			if _, err := c.Do(context.Background(), srv.Endpoint(), "create", scalelite.Params{{Key: "name", Value: id}, {Key: "meetingID", Value: id}}, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkServe measures the simulator alone: pre-signed GETs whose answers are read, not parsed.
func BenchmarkServe(b *testing.B) {
	srv, c := benchSim(b)
	for _, tc := range []struct{ name, action string }{
		{"getMeetings-50x10", "getMeetings"},
		{"isMeetingRunning", "isMeetingRunning"},
		{"index", ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			u := c.SignedURL(srv.Endpoint(), tc.action, scalelite.Params{{Key: "meetingID", Value: "bench-1"}})
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			defer hc.CloseIdleConnections()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					res, err := hc.Get(u)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			})
		})
	}
}
