package bbbsim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

const commandUsage = `Usage: scalelite bbbsim [--servers N] [--port-base P] [--secret S]

Runs N simulated BigBlueButton servers on 127.0.0.1 until interrupted, and prints each server's
API URL and secret (ready for "scalelite servers add").

Options:
  --servers N     number of servers (default 3)
  --port-base P   server i listens on port P+i-1 (default: random free ports)
  --secret S      shared secret of every server (default: a random secret per server)
  --help          show this help
`

// RunCommand implements `scalelite bbbsim`: it starts the servers, prints one line per server
// ("server N URL SECRET", tab-separated) and runs until ctx ends.
func RunCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bbbsim", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("servers", 3, "")
	portBase := fs.Int("port-base", 0, "")
	secret := fs.String("secret", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, err = io.WriteString(stdout, commandUsage)
			return err
		}
		return fmt.Errorf("bbbsim: %w (see --help)", err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bbbsim: unexpected argument %q (see --help)", fs.Arg(0))
	}
	if *n < 1 {
		return fmt.Errorf("bbbsim: --servers must be at least 1, got %d", *n)
	}
	if *portBase < 0 || *portBase+*n-1 > 65535 {
		return fmt.Errorf("bbbsim: --port-base %d does not leave room for %d servers", *portBase, *n)
	}
	opts := Options{CallLimit: 10000} // a long-running demo keeps a bounded call record
	for i := range *n {
		opts.Secrets = append(opts.Secrets, *secret)
		if *portBase > 0 {
			opts.Ports = append(opts.Ports, *portBase+i)
		}
	}
	sim, err := Start(ctx, *n, opts)
	if err != nil {
		return err
	}
	defer sim.Close()
	fmt.Fprintf(stdout, "bbbsim: %d simulated BigBlueButton servers (stop with Ctrl-C)\n", *n)
	for i, srv := range sim.Servers() {
		fmt.Fprintf(stdout, "server %d\t%s\t%s\n", i+1, srv.URL(), srv.Secret())
	}
	<-ctx.Done()
	return nil
}
