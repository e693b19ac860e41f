package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/db"
)

func migrateCommand(e *env) *cli.Command {
	// Only up creates a database that does not exist yet.
	sub := func(name, usage string, act func(ctx context.Context, a *migrator) error) *cli.Command {
		return &cli.Command{
			Name:  name,
			Usage: usage,
			Action: func(ctx context.Context, cmd *cli.Command) error {
				if cmd.Args().Present() {
					return usagef("migrate %s takes no arguments", name)
				}
				m, err := e.openMigrator(ctx, name == "up")
				if err != nil {
					return err
				}
				defer m.close()
				return act(ctx, m)
			},
		}
	}
	return &cli.Command{
		Name:  "migrate",
		Usage: "apply or revert database migrations (DATABASE_URL)",
		Description: `serve applies pending migrations itself; use these to manage the schema by hand.
  up       apply every pending migration
  down     revert the last applied migration
  version  print the applied schema version`,
		Commands: []*cli.Command{
			sub("up", "apply every pending migration", func(ctx context.Context, m *migrator) error {
				if err := m.db.Migrate(ctx, "up"); err != nil {
					return schemaError(err)
				}
				return m.printVersion(ctx)
			}),
			sub("down", "revert the last applied migration", func(ctx context.Context, m *migrator) error {
				if err := m.db.Migrate(ctx, "down"); err != nil {
					return schemaError(err)
				}
				return m.printVersion(ctx)
			}),
			sub("version", "print the applied schema version", func(ctx context.Context, m *migrator) error { return m.printVersion(ctx) }),
		},
		Action: func(_ context.Context, cmd *cli.Command) error {
			if cmd.Args().Present() {
				return usagef("migrate: unknown subcommand %q (want up, down or version)", cmd.Args().First())
			}
			return usagef("migrate needs a subcommand: up, down or version")
		},
	}
}

// migrator is an open database for the migrate subcommands.
type migrator struct {
	e     *env
	db    migrationDB
	close func()
}

func (m *migrator) printVersion(ctx context.Context) error {
	v, dirty, err := m.db.MigrationVersion(ctx)
	if err != nil {
		return err
	}
	latest, err := db.LatestMigration(m.db.Dialect())
	if err != nil {
		return err
	}
	state := ""
	switch {
	case dirty:
		state = " (dirty: the last migration failed half-way)"
	case v > latest:
		state = fmt.Sprintf(" (newer than this binary, which knows up to %d)", latest)
	case v < latest:
		state = fmt.Sprintf(" (this binary knows up to %d: 'scalelite migrate up' applies the rest)", latest)
	}
	fmt.Fprintf(m.e.stdout, "%s schema version %d%s\n", m.db.Dialect(), v, state)
	return nil
}

// migrationDB is the part of *db.DB the migrate subcommands use.
type migrationDB interface {
	Migrate(ctx context.Context, direction string) error
	MigrationVersion(ctx context.Context) (uint, bool, error)
	Dialect() string
}

func (e *env) openMigrator(ctx context.Context, create bool) (*migrator, error) {
	cfg, logger, err := e.loadConfig(e.lookupEnv)
	if err != nil {
		return nil, err
	}
	if !create {
		if err := requireDatabase(cfg.Database); err != nil {
			return nil, err
		}
	}
	store, err := openDB(ctx, cfg.Database, logger)
	if err != nil {
		return nil, err
	}
	return &migrator{e: e, db: store, close: func() { _ = store.Close() }}, nil
}
