package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// joinBench compares a bare net/http server answering a fixed 302 with the balancer's join for
// an existing meeting, under the same load generator in this process, then runs the balancer at
// half the bare rate to report its latency there.
func joinBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("join", flag.ContinueOnError)
	dsn := fs.String("dsn", os.Getenv("SCALELITE_BENCH_DSN"), "database: postgres://... (a fresh database is created and dropped) or \"\" for SQLite in a temp dir")
	redisURL := fs.String("redis", os.Getenv("SCALELITE_BENCH_REDIS"), "Redis URL for the client-side cached store (optional)")
	conc := fs.Int("c", 32, "concurrent connections")
	d := fs.Duration("d", 5*time.Second, "duration of each run")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the balancer runs to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := startBalancer(ctx, *dsn, *redisURL, 1)
	if err != nil {
		return err
	}
	defer b.Close()
	if body, err := get(ctx, signedURL(b.URL, "create", "meetingID=bench-room&name=Bench&attendeePW=ap&moderatorPW=mp")); err != nil || !strings.Contains(body, "SUCCESS") {
		return fmt.Errorf("create the meeting: %v %s", err, body)
	}
	joinURL := signedURL(b.URL, "join", "fullName=Bench+User&meetingID=bench-room&password=ap")
	location := b.Sim.Servers()[0].URL() + "/join?fullName=Bench+User&meetingID=bench-room&password=ap&checksum=" + strings.Repeat("0", 64)
	bareURL, stopBare, err := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, location, http.StatusFound)
	}))
	if err != nil {
		return err
	}
	defer stopBare()

	client := newLoadClient(*conc)
	db := "SQLite"
	if strings.HasPrefix(*dsn, "postgres") {
		db = "PostgreSQL"
	}
	if *redisURL != "" {
		db += " + Redis cache"
	}
	fmt.Fprintf(stdout, "join: %d connections, %s per run, GOMAXPROCS=%d, store %s\n", *conc, *d, runtime.GOMAXPROCS(0), db)
	generate(ctx, client, bareURL+"/warmup", http.StatusFound, *conc, *d/5, 0)
	generate(ctx, client, joinURL, http.StatusFound, *conc, *d/5, 0)
	bare := generate(ctx, client, bareURL+"/join", http.StatusFound, *conc, *d, 0)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	lb := generate(ctx, client, joinURL, http.StatusFound, *conc, *d, 0)
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	half := generate(ctx, client, joinURL, http.StatusFound, *conc, *d, bare.Throughput()/2)
	fmt.Fprintf(stdout, "bare 302          %s\n", bare)
	fmt.Fprintf(stdout, "balancer join     %s\n", lb)
	fmt.Fprintf(stdout, "ratio             %.1f%% of the bare server's throughput (target >= 50%%)\n", 100*lb.Throughput()/bare.Throughput())
	fmt.Fprintf(stdout, "join at %6.0f/s  %s  (target p99 < 5 ms)\n", bare.Throughput()/2, half)
	if err := b.Meetings.FlushLoad(ctx); err != nil {
		return err
	}
	srv, err := b.Store.Server(ctx, "bench-001")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "server load after the runs: %.0f (15 reserved + one per join)\n", srv.Load)
	return nil
}
