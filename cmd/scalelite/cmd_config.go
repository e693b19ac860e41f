package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/redisstore"
)

func configCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "config",
		Usage: "check the configuration",
		Commands: []*cli.Command{{
			Name:  "check",
			Usage: "validate the environment and print the effective configuration, secrets masked",
			Description: `Reads the configuration as serve would (the environment, over --env-file or SCALELITE_ENV_FILE),
reports every bad variable at once, checks what the roles need, and prints each variable with
its effective value and where it comes from (environment, env file, default). Secrets, passwords
and keys are shown only as set or not; URLs without their passwords. --connect also connects
to the database (never creating it) and Redis. Exits 1 when anything is wrong.`,
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "roles", Usage: "roles to check for (default: SCALELITE_ROLES, or api,poller,importer)"},
				&cli.BoolFlag{Name: "connect", Usage: "also connect to the database and Redis"},
				jsonFlag,
			},
			Action: func(ctx context.Context, cmd *cli.Command) error {
				if cmd.Args().Present() {
					return usagef("config check takes no arguments (got %q)", cmd.Args().First())
				}
				return e.configCheck(ctx, cmd)
			},
		}},
		Action: func(_ context.Context, cmd *cli.Command) error {
			return usagef("config needs a subcommand: check")
		},
	}
}

// configReport is what config check found, also its --json output.
type configReport struct {
	Valid     bool             `json:"valid"`
	Roles     string           `json:"roles"`
	EnvFile   string           `json:"envFile,omitempty"`
	Problems  []string         `json:"problems"`
	Variables []configVariable `json:"variables"`
	Checks    []configCheck    `json:"checks,omitempty"`
}

type configVariable struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Source string `json:"source"`
}

type configCheck struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

func (e *env) configCheck(ctx context.Context, cmd *cli.Command) error {
	vars, cfg, err := config.InspectLookup(e.lookupEnv)
	rep := configReport{EnvFile: e.envFile, Problems: []string{}}
	if err != nil {
		rep.Problems = append(rep.Problems, strings.Split(err.Error(), "\n")...)
	}
	roles := config.AllRoles()
	if s := cmd.String("roles"); s != "" {
		if roles, err = config.ParseRoles(s); err != nil {
			return usagef("--roles: %v", err)
		}
	} else if cfg != nil {
		roles = cfg.Roles
	}
	rep.Roles = roles.String()
	if cfg != nil {
		if err := cfg.ValidateFor(roles); err != nil {
			rep.Problems = append(rep.Problems, strings.Split(err.Error(), "\n")...)
		}
	}
	for _, v := range vars {
		source := "default"
		switch {
		case processValue(e, v.Name) != "":
			source = "environment"
		case v.IsSet():
			source = "env file"
		case v.Default == "":
			source = "unset"
		}
		rep.Variables = append(rep.Variables, configVariable{Name: v.Name, Value: v.Masked(), Source: source})
	}
	if cfg != nil && cmd.Bool("connect") {
		rep.Checks = connectChecks(ctx, cfg)
		for _, c := range rep.Checks {
			if !c.OK {
				rep.Problems = append(rep.Problems, c.Name+": "+c.Detail)
			}
		}
	}
	rep.Valid = len(rep.Problems) == 0
	if cmd.Bool("json") {
		if err := writeJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		printConfigReport(e, rep)
	}
	if !rep.Valid {
		return fmt.Errorf("the configuration has %d problem(s)", len(rep.Problems))
	}
	return nil
}

func printConfigReport(e *env, rep configReport) {
	from := "the environment"
	if rep.EnvFile != "" {
		from += " and " + rep.EnvFile
	}
	fmt.Fprintf(e.stdout, "Configuration for roles %s, from %s (secrets masked):\n\n", rep.Roles, from)
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	for _, v := range rep.Variables {
		fmt.Fprintf(tw, "  %s\t%s\t(%s)\n", v.Name, v.Value, v.Source)
	}
	tw.Flush()
	if len(rep.Checks) > 0 {
		fmt.Fprintln(e.stdout)
		for _, c := range rep.Checks {
			word := "ok"
			if !c.OK {
				word = "FAILED"
			}
			fmt.Fprintf(e.stdout, "  %s: %s (%s)\n", c.Name, word, c.Detail)
		}
	}
	fmt.Fprintln(e.stdout)
	if rep.Valid {
		fmt.Fprintln(e.stdout, "OK")
		return
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stderr, "problem: %s\n", p)
	}
}

// connectChecks opens the database (without creating it) and Redis, each within 10 seconds.
func connectChecks(ctx context.Context, cfg *config.Config) []configCheck {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)
	dbCheck := configCheck{Name: "database"}
	if err := requireDatabase(cfg.Database); err != nil {
		dbCheck.Detail = err.Error()
	} else if store, err := openDB(ctx, cfg.Database, quiet); err != nil {
		dbCheck.Detail = err.Error()
	} else {
		v, dirty, err := store.MigrationVersion(ctx)
		switch {
		case err != nil:
			dbCheck.Detail = err.Error()
		case dirty:
			dbCheck.Detail = fmt.Sprintf("%s, schema version %d is dirty (a migration failed half-way)", store.Dialect(), v)
		default:
			dbCheck.OK, dbCheck.Detail = true, fmt.Sprintf("%s, schema version %d", store.Dialect(), v)
		}
		_ = store.Close()
	}
	checks := []configCheck{dbCheck}
	if cfg.Redis.Enabled() {
		rc := configCheck{Name: "redis"}
		client, err := redisstore.Connect(ctx, cfg.Redis.URL, cfg.Redis.Namespace, quiet)
		if err == nil {
			err = client.Ping(ctx)
			client.Close()
		}
		if err != nil {
			rc.Detail = err.Error()
		} else {
			rc.OK, rc.Detail = true, "namespace "+cfg.Redis.Namespace
		}
		checks = append(checks, rc)
	}
	return checks
}

// processValue is the variable as the process environment has it (without the env file).
func processValue(e *env, name string) string {
	v, _ := e.processEnv(name)
	return v
}
