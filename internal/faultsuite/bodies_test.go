//go:build linux

package faultsuite

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Thirty parallel 30 MiB POSTs without a checksum (form bodies the BBB API would have to read
// to find one) do not grow the process: bodies are limited per call and refused early, so the
// peak resident size grows by far less than the 900 MiB sent.
func TestUnauthenticatedBodiesDoNotGrowMemory(t *testing.T) {
	s := startAll(t, 1, nil)
	pid := s.p.pid()
	_, peakBefore := rss(pid)
	body := append([]byte("meetingID=x&name="), bytes.Repeat([]byte("a"), 30<<20)...)
	var wg sync.WaitGroup
	var mu sync.Mutex
	statuses := map[string]int{}
	start := time.Now()
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := "error"
			resp, err := http.Post(s.p.base+"/bigbluebutton/api/create", "application/x-www-form-urlencoded", bytes.NewReader(body))
			if err == nil {
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
				resp.Body.Close()
				status = resp.Status
				if strings.Contains(string(b), "<returncode>SUCCESS</returncode>") {
					status = "SUCCESS"
				}
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	_, peakAfter := rss(pid)
	growth := peakAfter - peakBefore
	t.Logf("30 x 30 MiB unauthenticated POSTs answered in %.1fs (%v); peak RSS %d MiB -> %d MiB",
		time.Since(start).Seconds(), statuses, peakBefore>>20, peakAfter>>20)
	if statuses["SUCCESS"] > 0 {
		t.Errorf("%d unauthenticated creates succeeded", statuses["SUCCESS"])
	}
	if growth > 128<<20 {
		t.Errorf("peak resident size grew by %d MiB, want at most 128 MiB", growth>>20)
	}
	if !s.api.create("after-the-flood").success() {
		t.Error("the balancer does not serve after the flood")
	}
}
