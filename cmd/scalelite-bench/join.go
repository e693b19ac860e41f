package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// joinBench compares a bare net/http server answering a fixed 302 with the balancer's join for
// an existing meeting, under the same load generator: wrk (a separate process, -load wrk, the
// default when it is installed) or an in-process Go client (-load go), which then also runs the
// balancer at half the bare rate to report its latency there. -servers sets the size of the
// simulated pool (20 by default); with -dsn and -redis it runs on PostgreSQL behind the Redis
// cache, the production setup.
func joinBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("join", flag.ContinueOnError)
	dsn := fs.String("dsn", os.Getenv("SCALELITE_BENCH_DSN"), "database: postgres://... (a fresh database is created and dropped) or \"\" for SQLite in a temp dir")
	redisURL := fs.String("redis", os.Getenv("SCALELITE_BENCH_REDIS"), "Redis URL for the client-side cached store (optional)")
	conc := fs.Int("c", 32, "concurrent connections")
	d := fs.Duration("d", 5*time.Second, "duration of each run")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the balancer runs to this file")
	servers := fs.Int("servers", 20, "simulated BBB servers in the pool")
	defaultLoad := "go"
	if _, err := exec.LookPath("wrk"); err == nil {
		defaultLoad = "wrk"
	}
	load := fs.String("load", defaultLoad, "load generator: wrk (a separate process) or go (in process)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := startBalancer(ctx, *dsn, *redisURL, max(*servers, 1))
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

	db := "SQLite"
	if strings.HasPrefix(*dsn, "postgres") {
		db = "PostgreSQL"
	}
	if *redisURL != "" {
		db += " + Redis cache"
	}
	fmt.Fprintf(stdout, "join: %d connections, %s per run, GOMAXPROCS=%d, store %s, %d servers, load from %s\n",
		*conc, *d, runtime.GOMAXPROCS(0), db, *servers, *load)
	if *load == "wrk" {
		return wrkJoin(ctx, b, bareURL, joinURL, *conc, *d, stdout)
	}
	client := newLoadClient(*conc)
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

// wrkJoin runs wrk against the bare server and the balancer's join, alternately, twice each.
func wrkJoin(ctx context.Context, b *balancer, bareURL, joinURL string, conc int, d time.Duration, stdout io.Writer) error {
	if _, err := runWrk(ctx, joinURL, 2, conc, d/5); err != nil { // warm-up
		return err
	}
	for round := 1; round <= 2; round++ {
		bare, err := runWrk(ctx, bareURL+"/join", 2, conc, d)
		if err != nil {
			return err
		}
		lb, err := runWrk(ctx, joinURL, 2, conc, d)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "run %d  bare 302       %s\n", round, bare)
		fmt.Fprintf(stdout, "run %d  balancer join  %s\n", round, lb)
		fmt.Fprintf(stdout, "run %d  ratio          %.2f of the bare server's throughput (target >= 0.8); p99 %.3f ms (target < 5 ms)\n",
			round, lb.rate/bare.rate, ms(lb.p99))
	}
	return b.Meetings.FlushLoad(ctx)
}
