// Command scalelite is the BigBlueButton load balancer: one binary for the api, poller and
// importer roles, the demo, migrations, the BBB simulator and the operator commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/scalelite-go/scalelite/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := runLookup(ctx, os.Args, withDefaultEnvFile(os.LookupEnv), os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		os.Exit(exitCode(err))
	}
}

// defaultEnvFile is read when SCALELITE_ENV_FILE is unset and it exists: the file the systemd
// units of docker/systemd use, so the operator's commands see serve's configuration.
const defaultEnvFile = "/etc/default/scalelite"

func withDefaultEnvFile(lookup func(string) (string, bool)) func(string) (string, bool) {
	if v, _ := lookup(config.EnvFileVar); v != "" {
		return lookup
	}
	if _, err := os.Stat(defaultEnvFile); err != nil {
		return lookup
	}
	return func(k string) (string, bool) {
		if k == config.EnvFileVar {
			return defaultEnvFile, true
		}
		return lookup(k)
	}
}
