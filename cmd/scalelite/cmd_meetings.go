package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// meetingsCommand is Scalelite's meetings rake tasks.
func meetingsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "meetings",
		Usage:     "list, inspect and end running meetings",
		ArgsUsage: "[MEETING-ID...|ID1:ID2:...]",
		Flags:     []cli.Flag{jsonFlag},
		Action:    e.opsAction(0, -1, listMeetings),
		Commands: []*cli.Command{
			{Name: "list", Usage: "list running meetings (all, or the ones given)", ArgsUsage: "[MEETING-ID...|ID1:ID2:...]", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, -1, listMeetings)},
			{Name: "end", Usage: "end running meetings (all, or the ones given), in our records and on BBB", ArgsUsage: "[MEETING-ID...|ID1:ID2:...]", Flags: []cli.Flag{yesFlag, jsonFlag}, Action: e.opsAction(0, -1, endMeetings)},
			{Name: "info", Usage: "ask the meeting's server about it (live getMeetingInfo)", ArgsUsage: "MEETING-ID", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, meetingInfo)},
		},
	}
}

type meetingJSON struct {
	MeetingID   string    `json:"meetingId"`
	Name        string    `json:"name"`
	TenantID    string    `json:"tenantId,omitempty"`
	ServerID    string    `json:"serverId"`
	ServerURL   string    `json:"serverUrl"`
	VoiceBridge string    `json:"voiceBridge"`
	CreatedAt   time.Time `json:"createdAt"`
	MissedPolls int       `json:"missedPolls"`
}

func (o *ops) runningMeetings(ctx context.Context, ids []string) ([]*scalelite.Meeting, error) {
	ids, err := expandIDLists(ctx, ids, o.meetingRunning)
	if err != nil {
		return nil, err
	}
	list, err := o.app.store.Meetings(ctx, scalelite.MeetingFilter{MeetingIDs: ids})
	if err != nil {
		return nil, err
	}
	if len(ids) > 0 {
		found := map[string]bool{}
		for _, m := range list {
			found[m.MeetingID] = true
		}
		var missing []string
		for _, id := range ids {
			if !found[id] {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			return list, fmt.Errorf("no running meeting with id: %s", strings.Join(missing, ", "))
		}
	}
	return list, nil
}

func (o *ops) meetingRunning(ctx context.Context, id string) (bool, error) {
	_, err := o.app.store.Meeting(ctx, id)
	if scalelite.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func (o *ops) serverURLs(ctx context.Context) (map[string]*scalelite.Server, error) {
	list, err := o.app.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*scalelite.Server, len(list))
	for _, s := range list {
		out[s.ID] = s
	}
	return out, nil
}

func listMeetings(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	list, err := o.runningMeetings(ctx, args)
	if err != nil {
		return err
	}
	servers, err := o.serverURLs(ctx)
	if err != nil {
		return err
	}
	out := make([]meetingJSON, 0, len(list))
	for _, m := range list {
		j := meetingJSON{MeetingID: m.MeetingID, Name: m.Name, TenantID: m.TenantID, ServerID: m.ServerID, VoiceBridge: m.VoiceBridge, CreatedAt: m.CreatedAt, MissedPolls: m.MissedPolls}
		if s := servers[m.ServerID]; s != nil {
			j.ServerURL = s.URL
		}
		out = append(out, j)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].MeetingID < out[j].MeetingID })
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, out)
	}
	if len(out) == 0 {
		fmt.Fprintln(o.e.stderr, "No meetings are running")
	}
	for _, m := range out {
		o.printf("MeetingID: %s\n\tServer ID: %s\n\tServer Url: %s\n", m.MeetingID, m.ServerID, m.ServerURL)
	}
	return nil
}

func endMeetings(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	list, err := o.runningMeetings(ctx, args)
	if err != nil {
		return err
	}
	question := fmt.Sprintf("End %d running meeting(s)?", len(list))
	if len(args) == 0 {
		question = fmt.Sprintf("End ALL %d running meetings?", len(list))
	}
	if !o.confirm(question, cmd.Bool("yes")) {
		return fmt.Errorf("no meeting ended: not confirmed (answer yes, or pass --yes)")
	}
	ids := make([]string, len(list))
	for i, m := range list {
		ids[i] = m.MeetingID
	}
	ended, err := o.meetings.EndMeetings(ctx, ids)
	o.audit(ctx, "endMeetings", map[string]any{"meetingIds": ids}, err)
	endedIDs := make([]string, len(ended))
	for i, m := range ended {
		endedIDs[i] = m.MeetingID
	}
	if cmd.Bool("json") {
		if jerr := writeJSON(o.e.stdout, map[string]any{"ended": endedIDs}); jerr != nil {
			return jerr
		}
		return cliError(err)
	}
	for _, id := range endedIDs {
		o.printf("Ended meeting id=%s\n", id)
	}
	if err != nil {
		// The meetings are ended in our records; only the BBB end calls failed.
		fmt.Fprintf(o.e.stderr, "WARNING: %v\n", err)
	}
	o.println("OK")
	return nil
}

// infoMetadata are the metadata Scalelite's meetings:info prints.
var infoMetadata = []string{"bbb-context", "bbb-context-id", "bbb-context-label", "bbb-context-name", "bbb-origin",
	"bbb-origin-server-name", "bbb-origin-version", "bbb-recording-description", "bbb-recording-name",
	"bbb-recording-tags", "analytics-callback-url"}

func meetingInfo(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	m, err := o.app.store.Meeting(ctx, args[0])
	if scalelite.IsNotFound(err) {
		return fmt.Errorf("no running meeting with id: %s", args[0])
	}
	if err != nil {
		return err
	}
	srv, err := o.app.store.Server(ctx, m.ServerID)
	if err != nil {
		return serverErr(m.ServerID, err)
	}
	resp, err := o.client.Do(ctx, bbb.EndpointOf(srv), "getMeetingInfo", scalelite.Params{{Key: "meetingID", Value: m.MeetingID}}, nil, o.backend.TimeoutsFor(srv))
	if err != nil {
		return fmt.Errorf("getMeetingInfo on %s: %w", srv.ID, err)
	}
	info, err := bbb.ParseMeeting(resp.Raw)
	if err != nil {
		return err
	}
	created := ""
	if info.CreateTime > 0 {
		created = time.UnixMilli(info.CreateTime).UTC().Format(time.RFC3339)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{
			"meetingId": info.MeetingID, "name": info.MeetingName, "internalMeetingId": info.InternalMeetingID,
			"createdAt": created, "recording": resp.Text("recording") == "true", "serverId": srv.ID, "serverUrl": srv.URL,
			"participants": info.ParticipantCount, "moderators": info.ModeratorCount, "running": info.Running, "metadata": info.Metadata,
		})
	}
	o.printf("Meeting ID: %s\nName: %s\nInternal MeetingID: %s\nCreated Date: %s\nRecording Enabled: %s\nServer id: %s\nServer url: %s\n",
		info.MeetingID, info.MeetingName, info.InternalMeetingID, created, resp.Text("recording"), srv.ID, srv.URL)
	for _, k := range infoMetadata {
		o.printf("%s: %s\n", k, info.Metadata[k])
	}
	return nil
}
