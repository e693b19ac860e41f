package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// wrkResult is what one wrk run reported.
type wrkResult struct {
	rate          float64       // requests per second
	p50, p99      time.Duration // latency percentiles
	requests, bad int           // responses, and those that were errors or not 2xx/3xx
}

func (r wrkResult) String() string {
	return fmt.Sprintf("%9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  (%d requests, %d errors)", r.rate, ms(r.p50), ms(r.p99), r.requests, r.bad)
}

// runWrk loads url with wrk (Debian's package: a separate process, as an outside client would
// be): threads, conc connections, for d, with latency percentiles.
func runWrk(ctx context.Context, url string, threads, conc int, d time.Duration) (wrkResult, error) {
	cmd := exec.CommandContext(ctx, "wrk", "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conc),
		"-d", fmt.Sprintf("%ds", max(int(d.Seconds()), 1)), "--latency", url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	return parseWrk(out)
}

var (
	wrkRate     = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal    = regexp.MustCompile(`(\d+) requests in`)
	wrkPct      = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
	wrkNon2xx3x = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkErrors   = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads wrk's --latency report.
func parseWrk(out []byte) (wrkResult, error) {
	var r wrkResult
	m := wrkRate.FindSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no Requests/sec in wrk's output:\n%s", out)
	}
	r.rate, _ = strconv.ParseFloat(string(m[1]), 64)
	if m := wrkTotal.FindSubmatch(out); m != nil {
		r.requests, _ = strconv.Atoi(string(m[1]))
	}
	for _, m := range wrkPct.FindAllSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(string(m[2]), 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[string(m[3])]
		d := time.Duration(v * float64(unit))
		if bytes.Equal(m[1], []byte("50")) {
			r.p50 = d
		} else {
			r.p99 = d
		}
	}
	if m := wrkNon2xx3x.FindSubmatch(out); m != nil {
		n, _ := strconv.Atoi(string(m[1]))
		r.bad += n
	}
	if m := wrkErrors.FindSubmatch(out); m != nil {
		for _, g := range m[1:] {
			n, _ := strconv.Atoi(string(g))
			r.bad += n
		}
	}
	return r, nil
}
