package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scaleliteimport"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

const scaleliteImportUsage = `usage: scalelite-bench import --source postgres://... --target postgres://...|sqlite:PATH [flags]

Fills the empty source database with Scalelite's schema and --count recordings (three metadata
keys, one presentation format and three thumbnails each; generated inside PostgreSQL), then
imports them into the empty target as 'scalelite import-scalelite --database' does, twice: the
import, then a second run that finds everything unchanged. Prints recordings per second and the
process's peak RSS.

  --source DSN   an empty PostgreSQL database for Scalelite's data (required; it is filled)
  --target DSN   an empty database of ours, PostgreSQL or sqlite:PATH (required; it is migrated)
  --count N      recordings (100000)
  --seeded       the source was filled by an earlier run with the same --count
  --batch N      recordings per batch (1000)
`

func scaleliteImportBench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), scaleliteImportUsage) }
	source := fs.String("source", "", "")
	target := fs.String("target", "", "")
	count := fs.Int("count", 100_000, "")
	seeded := fs.Bool("seeded", false, "")
	batch := fs.Int("batch", scaleliteimport.DefaultBatchSize, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(*source, "postgres") || *target == "" {
		return fmt.Errorf("--source (PostgreSQL) and --target are required\n%s", scaleliteImportUsage)
	}
	if !*seeded {
		start := time.Now()
		if err := seedScalelite(ctx, *source, *count); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "seeded %d Scalelite recordings in %.1f s\n", *count, time.Since(start).Seconds())
	}
	store, err := db.Open(ctx, *target, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Migrate(ctx, "up"); err != nil {
		return err
	}
	for _, run := range []string{"import", "second run (unchanged)"} {
		src, err := db.OpenScaleliteSource(ctx, *source)
		if err != nil {
			return err
		}
		start := time.Now()
		sum, err := scaleliteimport.Run(ctx, store, scaleliteimport.Options{SQL: src, BatchSize: *batch})
		src.Close()
		if err != nil {
			return err
		}
		elapsed := time.Since(start)
		var recs *scaleliteimport.Counts
		for _, c := range sum.Kinds {
			if c.Kind == scaleliteimport.KindRecordings {
				recs = c
			}
		}
		fmt.Fprintf(stdout, "%s into %s: %d recordings (%d imported, %d unchanged) in %.1f s: %.0f recordings/s\n",
			run, store.Dialect(), recs.Found, recs.Imported, recs.Unchanged, elapsed.Seconds(), float64(recs.Found)/elapsed.Seconds())
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		fmt.Fprintf(stdout, "peak RSS: %.1f MiB\n", float64(ru.Maxrss)/1024)
	}
	return nil
}

// seedScalelite creates Scalelite's schema in the source and fills it inside PostgreSQL.
func seedScalelite(ctx context.Context, dsn string, n int) error {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return err
	}
	sqldb := stdlib.OpenDB(*cfg)
	defer sqldb.Close()
	var stmts []string
	stmts = append(stmts, scalelitetest.ScaleliteSchema...)
	stmts = append(stmts, scalelitetest.ScaleliteUniformRecordings(n)...)
	stmts = append(stmts, "ANALYZE")
	for _, s := range stmts {
		if _, err := sqldb.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("seed the source: %w", err)
		}
	}
	return nil
}
