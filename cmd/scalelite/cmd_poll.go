package main

import (
	"context"
	"fmt"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
)

// pollSubcommands are Scalelite's poll:servers, poll:meetings, poll:versions and poll:all, each
// run once now (none takes the poller lease).
func pollSubcommands(e *env) []*cli.Command {
	return []*cli.Command{
		{Name: "all", Usage: "poll:all: the same as poll", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, pollRound)},
		{Name: "servers", Usage: "poll:servers: a poll round (getMeetings on every server: health, load, statistics; meetings reconciled from the same answers); prints each server", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, pollServers)},
		{Name: "meetings", Usage: "poll:meetings: end now every meeting its server (online, not disabled) no longer has; servers' health is not touched", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, pollMeetings)},
		{Name: "versions", Usage: "poll:versions: read and store every server's BBB version", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, pollVersions)},
	}
}

type serverLineJSON struct {
	ID     string   `json:"id"`
	Online bool     `json:"online"`
	Load   *float64 `json:"load"` // null: unavailable
}

func pollServers(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	p, err := o.app.newPoller()
	if err != nil {
		return err
	}
	res, err := p.Round(ctx)
	if err != nil {
		return err
	}
	servers, err := o.app.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return cliError(err)
	}
	lines := make([]serverLineJSON, len(servers))
	for i, s := range servers {
		lines[i] = serverLineJSON{ID: s.ID, Online: s.Online}
		if s.LoadAvailable() {
			lines[i].Load = &s.Load
		}
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"servers": res.Servers, "failed": res.Failed, "endedMeetings": res.Ended,
			"durationSeconds": res.Duration.Seconds(), "status": lines})
	}
	for _, l := range lines { // Scalelite's log line of poll:servers
		state, load := "offline", "unavailable"
		if l.Online {
			state = "online"
		}
		if l.Load != nil {
			load = rubyFloat(*l.Load)
		}
		o.printf("Server id=%s %s load: %s\n", l.ID, state, load)
	}
	o.printf("Polled %d server(s) in %s: %d failed, %d meeting(s) ended\n", res.Servers, res.Duration.Round(1e6), res.Failed, res.Ended)
	return nil
}

type endedMeetingJSON struct {
	MeetingID string `json:"meetingID"`
	ServerID  string `json:"serverId"`
}

func pollMeetings(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	p, err := o.app.newPoller()
	if err != nil {
		return err
	}
	res, err := p.PollMeetings(ctx)
	if err != nil {
		return err
	}
	ended := make([]endedMeetingJSON, len(res.Ended))
	for i, m := range res.Ended {
		ended[i] = endedMeetingJSON{MeetingID: m.MeetingID, ServerID: m.ServerID}
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"servers": res.Servers, "failed": res.Failed, "ended": ended,
			"durationSeconds": res.Duration.Seconds()})
	}
	for _, m := range ended {
		o.printf("Meeting id=%s on server %s ended: its server no longer has it\n", m.MeetingID, m.ServerID)
	}
	o.printf("Asked %d server(s) in %s: %d failed, %d meeting(s) ended\n", res.Servers, res.Duration.Round(1e6), res.Failed, len(ended))
	return nil
}

func pollVersions(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	p, err := o.app.newPoller()
	if err != nil {
		return err
	}
	store, ok := o.app.store.(poller.VersionStore)
	if !ok {
		return fmt.Errorf("poll versions: the store cannot record versions")
	}
	versions, err := p.PollVersions(ctx, store)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, versions)
	}
	failed := 0
	for _, v := range versions {
		if v.Error != "" {
			failed++
			o.printf("Server id=%s failed: %s\n", v.ServerID, v.Error)
			continue
		}
		o.printf("Server id=%s bbb version: %s\n", v.ServerID, v.Version)
	}
	o.printf("Read %d server(s): %d failed\n", len(versions), failed)
	return nil
}
