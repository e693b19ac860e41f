package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// cliActor is the audit actor of every operator command.
const cliActor = "cli"

// ops is what the operator commands (servers, status, poll, meetings, tenants) work with: the
// store (behind the Redis cache when REDIS_URL is set, so running instances see the change at
// once), the shared services and a BBB client.
type ops struct {
	e        *env
	app      *app
	cfg      *config.Config
	servers  *scalelite.ServerService
	tenants  *scalelite.TenantService
	meetings *scalelite.MeetingService
	client   *bbb.Client
	backend  *bbb.Backend
}

// openOps opens the store and builds the services; close it when done.
func (e *env) openOps(ctx context.Context) (*ops, error) {
	cfg, err := config.Load(e.getenv)
	if err != nil {
		return nil, fmt.Errorf("configuration:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	// Operator commands print their own results; only warnings and errors are logged.
	logger := newLogger(e.stderr, config.Log{Level: max(cfg.Log.Level, slog.LevelWarn), Format: cfg.Log.Format})
	if err := requireDatabase(cfg.Database); err != nil {
		return nil, err
	}
	a, err := openApp(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	if err := requireSchema(ctx, a, cfg.Database); err != nil {
		a.close()
		return nil, err
	}
	if err := a.migrate(ctx); err != nil {
		a.close()
		return nil, err
	}
	svc, err := a.services()
	if err != nil {
		a.close()
		return nil, err
	}
	return &ops{
		e: e, app: a, cfg: cfg, client: svc.client, backend: svc.backend,
		servers: svc.servers, tenants: svc.tenants, meetings: svc.meetings,
	}, nil
}

func (o *ops) close() { o.app.close() }

// audit records a mutation made from the command line; a failure to record is a warning.
func (o *ops) audit(ctx context.Context, action string, args any, err error) {
	if aerr := scalelite.Audit(ctx, o.app.store, cliActor, action, args, err); aerr != nil {
		fmt.Fprintf(o.e.stderr, "WARNING: %v\n", aerr)
	}
}

func (o *ops) println(a ...any)               { fmt.Fprintln(o.e.stdout, a...) }
func (o *ops) printf(format string, a ...any) { fmt.Fprintf(o.e.stdout, format, a...) }

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// confirm asks question on stdout and reads the answer from stdin; only "yes" confirms. With
// yes set it confirms without asking.
func (o *ops) confirm(question string, yes bool) bool {
	if yes {
		return true
	}
	fmt.Fprintf(o.e.stdout, "%s (yes/no): ", question)
	line, _ := bufio.NewReader(o.e.stdin).ReadString('\n')
	return strings.TrimSpace(strings.ToLower(line)) == "yes"
}

// opsAction wraps an operator command: it checks the argument count, opens ops and closes it.
func (e *env) opsAction(minArgs, maxArgs int, act func(ctx context.Context, o *ops, cmd *cli.Command, args []string) error) cli.ActionFunc {
	return func(ctx context.Context, cmd *cli.Command) error {
		args := cmd.Args().Slice()
		if len(args) < minArgs || (maxArgs >= 0 && len(args) > maxArgs) {
			return usagef("%s: wrong number of arguments (usage: %s %s)", cmd.FullName(), cmd.FullName(), cmd.ArgsUsage)
		}
		o, err := e.openOps(ctx)
		if err != nil {
			return err
		}
		defer o.close()
		return act(ctx, o, cmd, args)
	}
}

var jsonFlag = &cli.BoolFlag{Name: "json", Usage: "print the result as JSON"}
var yesFlag = &cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation"}

// rubyFloat formats like Ruby's Float#to_s for the values we print: 1 -> "1.0", 2.5 -> "2.5".
func rubyFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// cliError turns a domain error into the message an operator reads.
func cliError(err error) error {
	if err == nil {
		return nil
	}
	if code := scalelite.ErrorCode(err); code != scalelite.EINTERNAL {
		return fmt.Errorf("%s", scalelite.ErrorMessage(err))
	}
	return err
}
