package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/recordings"
)

// recordingsCommand is Scalelite's recordings rake tasks plus an import of one archive.
func recordingsCommand(e *env) *cli.Command {
	meeting := &cli.StringFlag{Name: "meeting", Usage: "only the recordings of this meeting ID"}
	return &cli.Command{
		Name:   "recordings",
		Usage:  "list, import and assign recordings",
		Flags:  []cli.Flag{meeting, jsonFlag},
		Action: e.opsAction(0, 0, listRecordings),
		Commands: []*cli.Command{
			{Name: "list", Usage: "list recordings (any state), newest first", Flags: []cli.Flag{meeting, jsonFlag}, Action: e.opsAction(0, 0, listRecordings)},
			{Name: "import", Usage: "import recording archives (a spool or failed archive is deleted once imported)", ArgsUsage: "FILE...", Action: e.opsAction(1, -1, importRecordings)},
			{Name: "update", Usage: "recordings:update: move every recording's files to the directory its index says (published or unpublished)", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, updateRecordings)},
			{Name: "add-to-tenant", Usage: "give every recording without a tenant to TENANT (an id or a name)", ArgsUsage: "TENANT", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, addRecordingsToTenant)},
		},
	}
}

type recordingJSON struct {
	RecordID  string            `json:"recordID"`
	MeetingID string            `json:"meetingID"`
	Name      string            `json:"name"`
	State     string            `json:"state"`
	Published bool              `json:"published"`
	Protected bool              `json:"protected"`
	StartTime *time.Time        `json:"startTime,omitempty"`
	Formats   []string          `json:"formats"`
	Metadata  map[string]string `json:"metadata"`
}

func listRecordings(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	f := scalelite.RecordingFilter{States: scalelite.AllRecordingStates()}
	if m := cmd.String("meeting"); m != "" {
		f.MeetingIDs = []string{m}
	}
	recs, _, err := o.app.store.Recordings(ctx, f)
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		out := make([]recordingJSON, 0, len(recs))
		for _, r := range recs {
			j := recordingJSON{RecordID: r.RecordID, MeetingID: r.MeetingID, Name: r.Name, State: r.State,
				Published: r.Published, Protected: r.Protected, StartTime: r.StartTime, Metadata: r.Metadata, Formats: []string{}}
			for _, pf := range r.Formats {
				j.Formats = append(j.Formats, pf.Format)
			}
			out = append(out, j)
		}
		return writeJSON(o.e.stdout, out)
	}
	for _, r := range recs {
		formats := make([]string, 0, len(r.Formats))
		for _, pf := range r.Formats {
			formats = append(formats, pf.Format)
		}
		start := "-"
		if r.StartTime != nil {
			start = r.StartTime.UTC().Format(time.RFC3339)
		}
		o.printf("%s\t%s\t%s\t%s\tpublished=%t\tprotected=%t\t%s\t%s\n", r.RecordID, r.MeetingID, r.Name, r.State,
			r.Published, r.Protected, start, strings.Join(formats, ","))
	}
	return nil
}

func importRecordings(ctx context.Context, o *ops, _ *cli.Command, args []string) error {
	if o.cfg.Recordings.Disabled {
		return errors.New("recordings are disabled (RECORDING_DISABLED)")
	}
	notifier := newRecordingNotifier(o.cfg.API.Secrets, o.cfg.BBB.ChecksumAlgorithms, o.app.store, o.app.logger)
	im := recordings.NewImporter(recordingsConfig(o.cfg.Recordings), recordings.ImporterDeps{
		Store: o.app.store, Publisher: o.app.pub, Logger: o.app.logger,
		Notifier: syncNotifier{notifier, func(err error) { fmt.Fprintf(o.e.stderr, "WARNING: recording-ready callback: %v\n", err) }},
	})
	var failed int
	bar := o.e.progress()
	for i, path := range args {
		bar.show("[%d/%d] importing %s", i+1, len(args), filepath.Base(path))
		err := im.ImportFile(ctx, path)
		bar.done()
		if err != nil {
			failed++
			fmt.Fprintf(o.e.stderr, "%s: %v\n", path, err)
			continue
		}
		o.printf("%s: imported\n", path)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d archives failed", failed, len(args))
	}
	return nil
}

func addRecordingsToTenant(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	t, err := o.app.store.Tenant(ctx, args[0])
	if scalelite.IsNotFound(err) {
		t, err = o.app.store.TenantByName(ctx, args[0])
	}
	if scalelite.IsNotFound(err) {
		return errors.New("Couldn't find Tenant with id=" + args[0])
	}
	if err != nil {
		return cliError(err)
	}
	n, err := o.app.store.AddTenantToRecordings(ctx, t.ID)
	o.audit(ctx, "addRecordingsToTenant", map[string]any{"tenantId": t.ID}, err)
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"tenantId": t.ID, "updated": n})
	}
	o.printf("Added tenant %s (%s) to %d recordings\n", t.Name, t.ID, n)
	return nil
}

// newRecordingNotifier builds the recording-ready callback sender (run it with Run in serve).
func newRecordingNotifier(secrets, algorithms []string, store recordings.CallbackStore, logger *slog.Logger) *recordings.Notifier {
	return recordings.NewNotifier(recordings.NotifierConfig{Secrets: secrets, Algorithms: algorithms}, store, &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, logger)
}

// syncNotifier sends the callback at once (one round, no retries): the CLI exits afterwards.
type syncNotifier struct {
	n    *recordings.Notifier
	warn func(error)
}

func (s syncNotifier) RecordingReady(ctx context.Context, rec *scalelite.Recording) {
	if _, err := s.n.Notify(ctx, rec.MeetingID, rec.RecordID, rec.Metadata["tenant-id"]); err != nil {
		s.warn(err)
	}
}
