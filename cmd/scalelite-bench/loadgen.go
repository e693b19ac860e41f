package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is what one load run measured.
type loadResult struct {
	Requests  int
	Errors    int
	Duration  time.Duration
	Latencies []time.Duration
}

func (r loadResult) Throughput() float64 { return float64(r.Requests) / r.Duration.Seconds() }

func (r loadResult) Percentile(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[min(len(r.Latencies)-1, int(p*float64(len(r.Latencies))))]
}

func (r loadResult) String() string {
	return fmt.Sprintf("%9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  (%d requests, %d errors)",
		r.Throughput(), ms(r.Percentile(0.50)), ms(r.Percentile(0.99)), r.Requests, r.Errors)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// newLoadClient returns an HTTP client for conc workers on loopback that does not follow
// redirects (a 302 is the answer we measure).
func newLoadClient(conc int) *http.Client {
	tr := &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, IdleConnTimeout: time.Minute}
	return &http.Client{Transport: tr, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// generate sends GET url from conc workers for d. With rate > 0 the workers together pace
// themselves to that many requests per second (latency then excludes queueing in the client).
// A request counts as an error unless it answers wantStatus.
func generate(ctx context.Context, client *http.Client, url string, wantStatus, conc int, d time.Duration, rate float64) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var interval time.Duration
	if rate > 0 {
		interval = time.Duration(float64(conc) / rate * float64(time.Second))
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := range conc {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1<<14)
			next := start.Add(time.Duration(w) * interval / time.Duration(conc))
			for ctx.Err() == nil {
				if interval > 0 {
					if wait := time.Until(next); wait > 0 {
						select {
						case <-time.After(wait):
						case <-ctx.Done():
							continue
						}
					}
					next = next.Add(interval)
				}
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs.Add(1)
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				if resp.StatusCode != wantStatus {
					errs.Add(1)
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(all)
	return loadResult{Requests: len(all), Errors: int(errs.Load()), Duration: elapsed, Latencies: all}
}

func sortDurations(d []time.Duration) { slices.Sort(d) }
