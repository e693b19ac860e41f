package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// statusCommand is Scalelite's status rake task: one row per server, sorted by hostname.
func statusCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "status",
		Usage:  "print the state, health, load and statistics of every server",
		Flags:  []cli.Flag{jsonFlag},
		Action: e.opsAction(0, 0, printStatus),
	}
}

type statusRow struct {
	Hostname       string   `json:"hostname"`
	ID             string   `json:"id"`
	State          string   `json:"state"`
	Status         string   `json:"status"`
	Meetings       int      `json:"meetings"`
	Users          int      `json:"users"`
	LargestMeeting int      `json:"largestMeeting"`
	Videos         int      `json:"videos"`
	Load           *float64 `json:"load"`
	BBBVersion     string   `json:"bbbVersion"`
	Tag            string   `json:"tag"`
}

// statusRows renders the cluster status table (scalelite.ClusterStatus) for print and --json.
func statusRows(list []*scalelite.Server) []statusRow {
	st := scalelite.ClusterStatus(list)
	rows := make([]statusRow, 0, len(st.Rows))
	for _, r := range st.Rows {
		s := r.Server
		status := "offline"
		if s.Online {
			status = "online"
		}
		rows = append(rows, statusRow{Hostname: r.Hostname, ID: s.ID, State: string(s.State), Status: status, Meetings: s.Meetings,
			Users: s.Users, LargestMeeting: s.LargestMeeting, Videos: s.Videos, Load: r.Load, BBBVersion: s.BBBVersion, Tag: s.Tag})
	}
	return rows
}

func printStatus(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	list, err := o.app.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return err
	}
	rows := statusRows(list)
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, rows)
	}
	return writeStatusTable(o.e.stdout, rows)
}

// writeStatusTable prints the rows as Scalelite's status table.
func writeStatusTable(w io.Writer, rows []statusRow) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "HOSTNAME\tSTATE\tSTATUS\tMEETINGS\tUSERS\tLARGEST MEETING\tVIDEOS\tLOAD\tBBB VERSION\tTAG")
	for _, r := range rows {
		load := "unavailable"
		if r.Load != nil {
			load = rubyFloat(*r.Load)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%s\n", r.Hostname, r.State, r.Status, r.Meetings, r.Users,
			r.LargestMeeting, r.Videos, load, r.BBBVersion, r.Tag)
	}
	return tw.Flush()
}

// pollCommand runs one poll round now (Scalelite's poll:all, once).
func pollCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:     "poll",
		Usage:    "poll every server once now and print the status (does not take the poller lease)",
		Flags:    []cli.Flag{jsonFlag},
		Commands: pollSubcommands(e),
		Action:   e.opsAction(0, 0, pollRound),
	}
}

// pollRound runs one round and prints the status table.
func pollRound(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	p, err := o.app.newPoller()
	if err != nil {
		return err
	}
	bar := o.e.progress()
	bar.show("polling every server (each answers within %s)...", o.cfg.BBB.ConnectTimeout+o.cfg.BBB.ResponseTimeout)
	res, err := p.Round(ctx)
	bar.done()
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"servers": res.Servers, "failed": res.Failed, "endedMeetings": res.Ended, "durationSeconds": res.Duration.Seconds()})
	}
	o.printf("Polled %d server(s) in %s: %d failed, %s meeting(s) ended\n", res.Servers, res.Duration.Round(1e6), res.Failed, strconv.Itoa(res.Ended))
	return printStatus(ctx, o, cmd, nil)
}
