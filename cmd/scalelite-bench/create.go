package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// createBench measures creates per second over simulated servers: each create of a new meeting
// is a placement (group-committed) plus the backend create. With -meetings below -n the creates
// cycle over that many meetings, so the later ones find their meeting running (Greenlight sends
// create before every join): a read and the backend create, no write.
func createBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("create", flag.ContinueOnError)
	dsn := fs.String("dsn", os.Getenv("SCALELITE_BENCH_DSN"), "database: postgres://... (a fresh database is created and dropped) or \"\" for SQLite in a temp dir")
	servers := fs.Int("servers", 10, "simulated BBB servers")
	conc := fs.Int("c", 32, "concurrent clients")
	n := fs.Int("n", 5000, "creates")
	meetings := fs.Int("meetings", 0, "distinct meetings the creates cycle over (0 = -n: every create places a new meeting)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *meetings <= 0 || *meetings > *n {
		*meetings = *n
	}
	b, err := startBalancer(ctx, *dsn, "", *servers)
	if err != nil {
		return err
	}
	defer b.Close()
	client := newLoadClient(*conc)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var next, failed atomic.Int64
	lat := make([][]time.Duration, *conc)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *conc {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1)
				if i > int64(*n) {
					return
				}
				u := signedURL(b.URL, "create", fmt.Sprintf("meetingID=bench-%06d&name=Bench&attendeePW=ap&moderatorPW=mp", (i-1)%int64(*meetings)+1))
				t0 := time.Now()
				resp, err := client.Get(u)
				if err != nil {
					failed.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if !strings.Contains(string(body), "<returncode>SUCCESS</returncode>") {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	res := loadResult{Duration: time.Since(start), Errors: int(failed.Load())}
	for _, l := range lat {
		res.Latencies = append(res.Latencies, l...)
	}
	res.Requests = len(res.Latencies)
	sortDurations(res.Latencies)
	db := "SQLite"
	if strings.HasPrefix(*dsn, "postgres") {
		db = "PostgreSQL"
	}
	fmt.Fprintf(stdout, "create: %d creates of %d meetings over %d simulated servers, %d clients, GOMAXPROCS=%d, store %s\n",
		*n, *meetings, *servers, *conc, runtime.GOMAXPROCS(0), db)
	fmt.Fprintf(stdout, "balancer create   %s  (target >= 1000/s on PostgreSQL)\n", res)
	count, err := b.Store.CountMeetings(ctx, scalelite.MeetingFilter{})
	if err != nil {
		return err
	}
	per := make([]int, 0, *servers)
	for _, s := range b.Sim.Servers() {
		per = append(per, len(s.Meetings()))
	}
	fmt.Fprintf(stdout, "meetings stored %d; per server %v\n", count, per)
	return nil
}
