package main

import (
	"context"
	"fmt"
	"net/url"
	"sort"
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

func statusRows(list []*scalelite.Server) []statusRow {
	rows := make([]statusRow, 0, len(list))
	for _, s := range list {
		host := s.URL
		if u, err := url.Parse(s.URL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		status := "offline"
		if s.Online {
			status = "online"
		}
		j := toServerJSON(s)
		rows = append(rows, statusRow{Hostname: host, ID: s.ID, State: string(s.State), Status: status, Meetings: s.Meetings,
			Users: s.Users, LargestMeeting: s.LargestMeeting, Videos: s.Videos, Load: j.Load, BBBVersion: s.BBBVersion, Tag: s.Tag})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Hostname != rows[j].Hostname {
			return rows[i].Hostname < rows[j].Hostname
		}
		return rows[i].ID < rows[j].ID
	})
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
	tw := tabwriter.NewWriter(o.e.stdout, 0, 0, 2, ' ', 0)
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
		Name:  "poll",
		Usage: "poll every server once now and print the status (does not take the poller lease)",
		Flags: []cli.Flag{jsonFlag},
		Action: e.opsAction(0, 0, func(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
			p, err := o.app.newPoller()
			if err != nil {
				return err
			}
			res, err := p.Round(ctx)
			if err != nil {
				return err
			}
			if cmd.Bool("json") {
				return writeJSON(o.e.stdout, map[string]any{"servers": res.Servers, "failed": res.Failed, "endedMeetings": res.Ended, "durationSeconds": res.Duration.Seconds()})
			}
			o.printf("Polled %d server(s) in %s: %d failed, %s meeting(s) ended\n", res.Servers, res.Duration.Round(1e6), res.Failed, strconv.Itoa(res.Ended))
			return printStatus(ctx, o, cmd, nil)
		}),
	}
}
