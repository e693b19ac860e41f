// Command scalelite-bench measures the balancer on this machine.
//
//	scalelite-bench join   [flags]  bare net/http 302 vs the balancer's join, same load generator
//	scalelite-bench create [flags]  creates per second against simulated BBB servers
//	scalelite-bench poll   [flags]  one poller round over a simulated pool
//	scalelite-bench recordings [flags]  getRecordings and imports
//	scalelite-bench import [flags]  import-scalelite of Scalelite's recordings, PostgreSQL to ours
//
// Everything runs on 127.0.0.1 and stops by itself.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

const usage = `usage: scalelite-bench join|create|poll|recordings|import [flags]   (-h after a scenario for its flags)`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", usage)
	}
	switch args[0] {
	case "join":
		return joinBench(ctx, args[1:], stdout)
	case "create":
		return createBench(ctx, args[1:], stdout)
	case "poll":
		return pollBench(ctx, args[1:], stdout, stderr)
	case "recordings":
		return recordingsBench(ctx, args[1:], stdout)
	case "import":
		return scaleliteImportBench(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown scenario %q\n%s", args[0], usage)
}
