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
	err := run(ctx, os.Args, withDefaultEnvFile(os.Getenv), os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		os.Exit(exitCode(err))
	}
}

// defaultEnvFile is read when SCALELITE_ENV_FILE is unset and it exists: the file the systemd
// units of docker/systemd use, so the operator's commands see serve's configuration.
const defaultEnvFile = "/etc/default/scalelite"

func withDefaultEnvFile(getenv func(string) string) func(string) string {
	if getenv(config.EnvFileVar) != "" {
		return getenv
	}
	if _, err := os.Stat(defaultEnvFile); err != nil {
		return getenv
	}
	return func(k string) string {
		if k == config.EnvFileVar {
			return defaultEnvFile
		}
		return getenv(k)
	}
}
