package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/redisstore"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scaleliteimport"
)

// importScaleliteCommand brings a running Scalelite's data over (docs/migrating-from-scalelite.md).
func importScaleliteCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "import-scalelite",
		Usage: "bring a running Scalelite's servers, tenants, running meetings and recordings over (reads its stores only)",
		Description: `Reads Scalelite's Redis (servers, tenants and their settings, running meetings) and its
PostgreSQL database (recordings with metadata, formats and thumbnails, callback data) and
writes them into this balancer's database (DATABASE_URL), keeping Scalelite's ids. Scalelite's
stores are only read. Items already here and identical are left alone, so a second run changes
nothing; items here that differ are conflicts, listed and skipped unless --overwrite.
Recording files stay where they are (RECORDING_PUBLISH_DIR, RECORDING_UNPUBLISH_DIR).

  scalelite import-scalelite --redis redis://scalelite-redis:6379 --database postgres://... --dry-run`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "redis", Usage: "Scalelite's REDIS_URL (servers, tenants, meetings)"},
			&cli.StringFlag{Name: "redis-namespace", Value: "scalelite", Usage: "Scalelite's REDIS_NAMESPACE"},
			&cli.StringFlag{Name: "database", Usage: "Scalelite's DATABASE_URL (recordings, callback data)"},
			&cli.BoolFlag{Name: "dry-run", Usage: "print what would be imported, conflicts and skips; write nothing"},
			&cli.BoolFlag{Name: "overwrite", Usage: "replace what is ours where Scalelite's differs (conflicts are skipped without it)"},
			&cli.IntFlag{Name: "batch-size", Value: scaleliteimport.DefaultBatchSize, Usage: "recordings read and written at once"},
			jsonFlag,
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Present() {
				return usagef("import-scalelite takes no arguments (see --help)")
			}
			if cmd.String("redis") == "" && cmd.String("database") == "" {
				return usagef("import-scalelite needs --redis, --database or both (Scalelite's REDIS_URL and DATABASE_URL)")
			}
			if cmd.Int("batch-size") < 1 {
				return usagef("--batch-size must be at least 1")
			}
			return e.opsAction(0, 0, importScalelite)(ctx, cmd)
		},
	}
}

func importScalelite(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	target, ok := o.app.store.(scaleliteimport.Target)
	if !ok {
		return fmt.Errorf("this store cannot import")
	}
	opt := scaleliteimport.Options{DryRun: cmd.Bool("dry-run"), Overwrite: cmd.Bool("overwrite"), BatchSize: int(cmd.Int("batch-size"))}
	redisURL, namespace, dbURL := cmd.String("redis"), cmd.String("redis-namespace"), cmd.String("database")
	if redisURL != "" {
		r, err := redisstore.OpenReader(ctx, redisURL, namespace)
		if err != nil {
			return fmt.Errorf("Scalelite's Redis: %w", err)
		}
		defer r.Close()
		opt.Redis = r
	}
	if dbURL != "" {
		src, err := db.OpenScaleliteSource(ctx, dbURL)
		if err != nil {
			return cliError(err)
		}
		defer src.Close()
		opt.SQL = src
	}
	progress := newProgressPrinter(o.e.stderr)
	opt.Progress = progress.update
	sum, err := scaleliteimport.Run(ctx, target, opt)
	progress.done()
	if !opt.DryRun {
		o.audit(ctx, "importScalelite", importAuditArgs(redisURL, namespace, dbURL, opt, sum), err)
	}
	if err != nil {
		if sum != nil {
			writeImportSummary(o.e.stderr, sum)
		}
		return fmt.Errorf("import stopped: %w (what was written before stays; run it again to continue)", err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, struct {
			*scaleliteimport.Summary
			Changed int `json:"changed"`
		}{sum, sum.Changed()})
	}
	writeImportSummary(o.e.stdout, sum)
	return nil
}

func importAuditArgs(redisURL, namespace, dbURL string, opt scaleliteimport.Options, sum *scaleliteimport.Summary) map[string]any {
	counts := map[string]any{}
	if sum != nil {
		for _, c := range sum.Kinds {
			counts[c.Kind] = map[string]int{"found": c.Found, "imported": c.Imported, "unchanged": c.Unchanged,
				"overwritten": c.Overwritten, "conflicts": c.Conflicts, "skipped": c.Skipped}
		}
	}
	return map[string]any{"redis": scalelite.RedactURL(redisURL), "redisNamespace": namespace, "database": scalelite.RedactURL(dbURL),
		"overwrite": opt.Overwrite, "counts": counts}
}

func writeImportSummary(w io.Writer, sum *scaleliteimport.Summary) {
	if sum.DryRun {
		fmt.Fprintln(w, "Dry run: nothing was written. A real run would do this:")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tFOUND\tIMPORTED\tUNCHANGED\tOVERWRITTEN\tCONFLICTS\tSKIPPED")
	for _, c := range sum.Kinds {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", c.Kind, c.Found, c.Imported, c.Unchanged, c.Overwritten, c.Conflicts, c.Skipped)
	}
	tw.Flush()
	for _, c := range sum.Kinds {
		for _, n := range c.Notes {
			what := "skipped"
			if n.Conflict {
				what = "conflict"
			}
			fmt.Fprintf(w, "%s %s %s: %s\n", what, c.Kind, n.ID, n.Reason)
		}
		if c.MoreNotes > 0 {
			fmt.Fprintf(w, "... and %d more %s (--json lists %d per kind)\n", c.MoreNotes, c.Kind, len(c.Notes))
		}
	}
	if n := sum.Conflicts(); n > 0 && !sum.Overwrite {
		fmt.Fprintf(w, "%d conflict(s) skipped: ours differs from Scalelite's; --overwrite replaces ours.\n", n)
	}
	switch changed := sum.Changed(); {
	case sum.DryRun:
	case changed == 0:
		fmt.Fprintf(w, "Nothing changed: everything importable is already here (%.1f s).\n", sum.Seconds)
	default:
		fmt.Fprintf(w, "Imported or overwrote %d item(s) in %.1f s.\n", changed, sum.Seconds)
	}
}

// progressPrinter shows the progress of the recordings: one line rewritten in place on a
// terminal, plain lines every few seconds otherwise.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	start    time.Time
	kind     string
	last     time.Time
	line     bool // a progress line is open (terminal)
	p        scaleliteimport.Progress
	printed  scaleliteimport.Progress // the last one printed
}

func newProgressPrinter(w io.Writer) *progressPrinter {
	p := &progressPrinter{w: w}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progressPrinter) update(pr scaleliteimport.Progress) {
	now := time.Now()
	if pr.Kind != p.kind {
		p.done()
		p.kind, p.start, p.last = pr.Kind, now, time.Time{}
	}
	p.p = pr
	interval := 5 * time.Second
	if p.terminal {
		interval = 200 * time.Millisecond
	}
	if pr.Done == pr.Total || now.Sub(p.last) >= interval {
		p.print(now)
	}
}

func (p *progressPrinter) print(now time.Time) {
	p.last, p.printed = now, p.p
	pr := p.p
	elapsed := now.Sub(p.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(pr.Done) / elapsed
	}
	pct := 100.0
	if pr.Total > 0 {
		pct = 100 * float64(pr.Done) / float64(pr.Total)
	}
	left := "?"
	if rate > 0 {
		left = time.Duration(float64(pr.Total-pr.Done) / rate * float64(time.Second)).Round(time.Second).String()
	}
	text := fmt.Sprintf("%s: %d/%d (%.0f%%), %.0f/s, %s left", pr.Kind, pr.Done, pr.Total, pct, rate, left)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\033[K%s", text)
		p.line = true
		return
	}
	fmt.Fprintln(p.w, text)
}

// done ends the current kind's progress (a final line when it was not printed yet).
func (p *progressPrinter) done() {
	if p.kind == "" {
		return
	}
	if p.printed != p.p {
		p.print(time.Now())
	}
	if p.terminal && p.line {
		fmt.Fprintln(p.w)
		p.line = false
	}
	p.kind = ""
}
