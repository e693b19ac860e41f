package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
)

const pollUsage = `usage: scalelite-bench poll [flags]

Polls a pool of simulated BBB servers (run in a child process, so the figures are the poller's
own) holding meetings, some of them blackholed (they accept connections and never answer), and
reports each round's wall time and the poller process's CPU time and memory.

  --servers N            simulated servers (1000)
  --meetings N           meetings per server (20)
  --dead N               servers that never answer (100)
  --users N              each meeting gets 1..N participants (40)
  --rounds N             poll rounds (3)
  --threads N            POLLER_THREADS (5)
  --in-flight N          getMeetings requests in flight (poller default)
  --connect-timeout D    CONNECT_TIMEOUT (1s)
  --response-timeout D   RESPONSE_TIMEOUT (2s)
  --db DSN               database (default: SQLite in a temporary directory)
  --records=false        do not place the meetings in our records (no reconciliation work)
  --cpuprofile FILE      write a CPU profile of the rounds
`

// pollBench is the "poll" scenario.
func pollBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "--sim-child" {
		return pollSimChild(ctx, args[1:], stdout)
	}
	fs := flag.NewFlagSet("poll", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	servers := fs.Int("servers", 1000, "")
	meetings := fs.Int("meetings", 20, "")
	dead := fs.Int("dead", 100, "")
	users := fs.Int("users", 40, "")
	rounds := fs.Int("rounds", 3, "")
	threads := fs.Int("threads", 5, "")
	inFlight := fs.Int("in-flight", 0, "")
	connect := fs.Duration("connect-timeout", time.Second, "")
	response := fs.Duration("response-timeout", 2*time.Second, "")
	dsn := fs.String("db", "", "")
	records := fs.Bool("records", true, "")
	cpuProfile := fs.String("cpuprofile", "", "")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			_, err = io.WriteString(stdout, pollUsage)
			return err
		}
		return fmt.Errorf("poll: %w\n%s", err, pollUsage)
	}

	// The simulated pool runs in a child process (this binary again).
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	child := exec.CommandContext(ctx, exe, "poll", "--sim-child", "-servers", strconv.Itoa(*servers), "-meetings", strconv.Itoa(*meetings), "-dead", strconv.Itoa(*dead), "-users", strconv.Itoa(*users))
	child.Stderr = stderr
	childIn, err := child.StdinPipe()
	if err != nil {
		return err
	}
	childOut, err := child.StdoutPipe()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := child.Start(); err != nil {
		return err
	}
	defer func() { _ = childIn.Close(); _ = child.Wait() }()
	type simServer struct{ url, secret string }
	var pool []simServer
	sc := bufio.NewScanner(childOut)
	for sc.Scan() {
		line := sc.Text()
		if line == "ready" {
			break
		}
		f := strings.Split(line, "\t")
		if len(f) == 2 {
			pool = append(pool, simServer{f[0], f[1]})
		}
	}
	if len(pool) != *servers {
		return fmt.Errorf("simulator started %d of %d servers", len(pool), *servers)
	}
	fmt.Fprintf(stdout, "simulator: %d servers x %d meetings, %d blackholed, ready in %s\n", *servers, *meetings, *dead, time.Since(start).Round(time.Millisecond))

	if *dsn == "" {
		dir, err := os.MkdirTemp("", "scalelite-bench-poll")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dsn = "sqlite:" + filepath.Join(dir, "bench.db")
	}
	store, err := db.Open(ctx, *dsn, nil)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Migrate(ctx, "up"); err != nil {
		return err
	}
	start = time.Now()
	svc := scalelite.NewServerService(store, nil, nil, false)
	ids := make([]string, len(pool))
	for i, s := range pool {
		ids[i] = fmt.Sprintf("bench-%04d", i)
		if _, _, err := svc.Add(ctx, scalelite.NewServer{ID: ids[i], URL: s.url, Secret: s.secret, LoadMultiplier: 1, State: scalelite.ServerEnabled}); err != nil {
			return err
		}
		if _, err := store.RecordPoll(ctx, ids[i], scalelite.PollResult{Time: time.Now(), Online: true}); err != nil {
			return err
		}
	}
	if *records {
		if err := placeBenchMeetings(ctx, store, ids, *meetings); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "store: %s, %d servers and %d meeting records in %s\n", store.Dialect(), len(ids), len(ids)*(*meetings)*btoi(*records), time.Since(start).Round(time.Millisecond))

	timeouts := bbb.Timeouts{Connect: *connect, Response: *response}
	p, err := poller.New(poller.Config{Threads: *threads, MaxInFlight: *inFlight, Timeouts: timeouts}, poller.Deps{Store: store, BBB: bbb.NewClient(bbb.SHA256, timeouts)})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "poller: POLLER_THREADS=%d, in flight %d, CONNECT_TIMEOUT=%s RESPONSE_TIMEOUT=%s, GOMAXPROCS=%d; target: a round in at most 2s + %s\n",
		p.Config().Threads, p.Config().MaxInFlight, *connect, *response, runtime.GOMAXPROCS(0), *response)
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
	fmt.Fprintln(stdout, "round\twall\tfailed\tCPU (user+sys)\theap in use\tallocated\tmax RSS")
	for r := 1; r <= *rounds; r++ {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		cpu0 := cpuTime()
		res, err := p.Round(ctx)
		if err != nil {
			return err
		}
		cpu := cpuTime() - cpu0
		runtime.ReadMemStats(&after)
		fmt.Fprintf(stdout, "%d\t%s\t%d\t%s\t%.1f MiB\t%.1f MiB\t%.1f MiB\n", r, res.Duration.Round(time.Millisecond), res.Failed,
			cpu.Round(time.Millisecond), mib(after.HeapInuse), mib(after.TotalAlloc-before.TotalAlloc), float64(maxRSS())/1024)
	}
	list, err := store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return err
	}
	reasons := map[string]int{}
	for _, s := range list {
		if s.LastPollError != "" {
			msg := failureKind(s.LastPollError)
			reasons[msg]++
		}
	}
	for msg, n := range reasons {
		fmt.Fprintf(stdout, "last round failures: %d x %s\n", n, msg)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// maxRSS is this process's peak resident set in KiB (Linux).
func maxRSS() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Maxrss
}

func benchMeetingID(server, j int) string { return fmt.Sprintf("m-%04d-%02d", server, j) }

// placeBenchMeetings puts every simulated meeting in our records, as the facade would have.
func placeBenchMeetings(ctx context.Context, store *db.DB, ids []string, perServer int) error {
	workers := 8
	if store.Dialect() == "sqlite" {
		workers = 1
	}
	jobs := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				others := slices.Delete(slices.Clone(ids), i, i+1) // every server but ids[i]
				for j := range perServer {
					mid := benchMeetingID(i, j)
					_, err := store.PlaceMeeting(ctx, scalelite.PlaceRequest{
						Meeting:      scalelite.Meeting{MeetingID: mid, Name: mid, ModeratorPW: "mp", AttendeePW: "ap", CreateQuery: "meetingID=" + mid},
						Avoid:        others,
						VoiceBridges: scalelite.VoiceBridgeRequest{Length: scalelite.DefaultVoiceBridgeLen},
						Reservation:  1,
					})
					if err != nil {
						errs <- fmt.Errorf("place %s: %w", mid, err)
						return
					}
				}
			}
		}()
	}
	var err error
loop:
	for i := range ids {
		select {
		case jobs <- i:
		case err = <-errs:
			break loop
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// pollSimChild runs the simulated pool: it prints "URL\tSECRET" per server, then "ready", and
// serves until its stdin closes.
func pollSimChild(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	n := fs.Int("servers", 1000, "")
	perServer := fs.Int("meetings", 20, "")
	dead := fs.Int("dead", 100, "")
	maxUsers := fs.Int("users", 40, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sim, err := bbbsim.Start(ctx, *n, bbbsim.Options{CallLimit: 16})
	if err != nil {
		return err
	}
	defer sim.Close()
	client := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				s := sim.Servers()[i]
				for j := range *perServer {
					mid := benchMeetingID(i, j)
					p := scalelite.Params{{Key: "meetingID", Value: mid}, {Key: "name", Value: mid}, {Key: "moderatorPW", Value: "mp"}, {Key: "attendeePW", Value: "ap"}}
					if _, err := client.Do(ctx, s.Endpoint(), "create", p, nil, nil); err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						return
					}
					users := 1 + rand.IntN(max(*maxUsers, 1))
					s.SetUsers(mid, users, 1, users/2, rand.IntN(4))
				}
			}
		}()
	}
	for i := range *n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	// Spread the dead servers over the pool.
	for k := range *dead {
		sim.Servers()[k**n / *dead].SetBlackhole(true)
	}
	w := bufio.NewWriter(stdout)
	for _, s := range sim.Servers() {
		fmt.Fprintf(w, "%s\t%s\n", s.URL(), s.Secret())
	}
	fmt.Fprintln(w, "ready")
	if err := w.Flush(); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	return nil
}

// failureKind classifies a poll error for the summary.
func failureKind(msg string) string {
	for _, k := range []string{"no response within", "i/o timeout", "deadline exceeded", "connection refused", "HTTP status"} {
		if strings.Contains(msg, k) {
			return k
		}
	}
	return msg
}
