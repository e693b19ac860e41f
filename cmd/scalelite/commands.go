package main

import (
	"context"

	"github.com/urfave/cli/v3"
)

// commands is the table of subcommands. Adding a command is one line here plus its own file
// with a func(*env) *cli.Command.
func commands(e *env) []*cli.Command {
	cmds := []*cli.Command{
		serveCommand(e),
		demoCommand(e),
		migrateCommand(e),
		bbbsimCommand(e),
		versionCommand(e), livenessCommand(e), configCommand(e),
		apiKeysCommand(e),
		serversCommand(e), statusCommand(e), pollCommand(e), meetingsCommand(e), tenantsCommand(e), tenantSettingsCommand(e),
		recordingsCommand(e),
		importScaleliteCommand(e),
	}
	for _, c := range cmds {
		markUsageErrors(c)
	}
	return cmds
}

// markUsageErrors makes bad flags of c and its subcommands usage errors (exit status 2) and
// keeps urfave/cli from printing its own "Incorrect Usage" banner.
func markUsageErrors(c *cli.Command) {
	if c.OnUsageError == nil {
		c.OnUsageError = func(_ context.Context, cmd *cli.Command, err error, _ bool) error {
			return usagef("%s: %v (see 'scalelite %s --help')", cmd.FullName(), err, cmd.FullName())
		}
	}
	for _, sub := range c.Commands {
		markUsageErrors(sub)
	}
}
