package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v3"
	"gopkg.in/yaml.v3"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/serversync"
)

// serversCommand is Scalelite's servers:* rake tasks.
func serversCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "servers",
		Usage:  "list and manage the BBB servers (Scalelite's servers rake tasks)",
		Flags:  []cli.Flag{jsonFlag},
		Action: e.opsAction(0, 0, listServers),
		Commands: []*cli.Command{
			{Name: "list", Usage: "list the servers", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, 0, listServers)},
			{
				Name: "add", Usage: "add a server (it starts disabled; enable it to take meetings)", ArgsUsage: "URL SECRET",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "load-multiplier", Usage: "load multiplier (> 0; 0 or invalid becomes 1.0 with a warning)"},
					&cli.StringFlag{Name: "tag", Usage: "server tag"}, jsonFlag,
				},
				Action: e.opsAction(2, 2, addServer),
			},
			{Name: "remove", Usage: "remove a server (its meetings stay recoverable: re-created elsewhere on their next create or join; panic first to end them on BBB)", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, removeServer)},
			{
				Name: "update", Usage: "change a server's secret, load multiplier or tag", ArgsUsage: "ID",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "url", Usage: "new API URL"},
					&cli.StringFlag{Name: "secret", Usage: "new secret"},
					&cli.StringFlag{Name: "load-multiplier", Usage: "new load multiplier (> 0)"},
					&cli.StringFlag{Name: "tag", Usage: "new tag (\"\" removes it)"}, jsonFlag,
				},
				Action: e.opsAction(1, 1, updateServer),
			},
			{Name: "enable", Usage: "let a server take new meetings", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, stateAction("enableServer"))},
			{Name: "cordon", Usage: "keep a server's meetings but send it no new ones (disabled once empty)", ArgsUsage: "ID", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, stateAction("cordonServer"))},
			{Name: "disable", Usage: "take a server out of service; with meetings, asks, then ends them on BBB (they are re-created elsewhere on their next create or join)", ArgsUsage: "ID", Flags: []cli.Flag{yesFlag, jsonFlag}, Action: e.opsAction(1, 1, disableServer)},
			{
				Name: "panic", Usage: "end every meeting of a server on BBB and disable it (the meetings are re-created elsewhere on their next create or join)", ArgsUsage: "ID",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "keep-state", Usage: "do not disable the server"},
					&cli.BoolFlag{Name: "skip-end", Usage: "send no end calls to BBB (the server's meetings still become recoverable once it is disabled)"}, jsonFlag,
				},
				Action: e.opsAction(1, 1, panicServer),
			},
			{Name: "load-multiplier", Usage: "set a server's load multiplier (> 0)", ArgsUsage: "ID MULTIPLIER", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(2, 2, setLoadMultiplier)},
			{Name: "tag", Usage: "set or (without TAG) clear a server's tag", ArgsUsage: "ID [TAG]", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 2, tagServer)},
			{
				Name: "sync", Usage: "make the pool match a YAML file (Scalelite's servers:sync)", ArgsUsage: "FILE|-",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "mode", Value: "cordon", Usage: "unlisted servers: keep, cordon (remove when empty) or force (end meetings on BBB, remove; the meetings stay recoverable)"},
					&cli.BoolFlag{Name: "dry-run", Usage: "print the plan, change nothing"}, jsonFlag,
				},
				Action: e.opsAction(1, 1, syncServers),
			},
			{Name: "yaml", Usage: "print the servers in the sync format", Flags: []cli.Flag{&cli.BoolFlag{Name: "verbose", Usage: "add state, load, bbb_version and online"}}, Action: e.opsAction(0, 0, exportServers)},
			{Name: "add-all", Usage: "add every server of a YAML file 'servers: [{url, secret}, ...]' (deprecated in Scalelite; prefer sync)", ArgsUsage: "FILE|-", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(1, 1, addAllServers)},
			{Name: "meetings", Usage: "list the meetings each server reports now (live getMeetings)", ArgsUsage: "[ID...|ID1:ID2:...]", Flags: []cli.Flag{jsonFlag}, Action: e.opsAction(0, -1, serverMeetings)},
		},
	}
}

// serverJSON is a server as the commands print it with --json.
type serverJSON struct {
	ID             string     `json:"id"`
	URL            string     `json:"url"`
	Secret         string     `json:"secret"`
	Tag            string     `json:"tag"`
	State          string     `json:"state"`
	Online         bool       `json:"online"`
	Load           *float64   `json:"load"` // null when unavailable (offline or disabled)
	LoadMultiplier float64    `json:"loadMultiplier"`
	Meetings       int        `json:"meetings"`
	Users          int        `json:"users"`
	LargestMeeting int        `json:"largestMeeting"`
	Videos         int        `json:"videos"`
	BBBVersion     string     `json:"bbbVersion"`
	LastPolledAt   *time.Time `json:"lastPolledAt"`
	LastPollError  string     `json:"lastPollError,omitempty"`
}

func toServerJSON(s *scalelite.Server) serverJSON {
	j := serverJSON{ID: s.ID, URL: s.URL, Secret: s.Secret, Tag: s.Tag, State: string(s.State), Online: s.Online,
		LoadMultiplier: s.LoadMultiplier, Meetings: s.Meetings, Users: s.Users, LargestMeeting: s.LargestMeeting,
		Videos: s.Videos, BBBVersion: s.BBBVersion, LastPollError: s.LastPollError}
	if s.LoadAvailable() {
		load := s.Load
		j.Load = &load
	}
	if !s.LastPolledAt.IsZero() {
		t := s.LastPolledAt
		j.LastPolledAt = &t
	}
	return j
}

func loadText(s *scalelite.Server) string {
	if !s.LoadAvailable() {
		return "unavailable"
	}
	return rubyFloat(s.Load)
}

// serverResult prints a changed server as JSON, or OK.
func (o *ops) serverResult(cmd *cli.Command, s *scalelite.Server) error {
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, toServerJSON(s))
	}
	o.println("OK")
	return nil
}

// serverErr names an unknown server the way Scalelite does.
func serverErr(id string, err error) error {
	if scalelite.IsNotFound(err) {
		return fmt.Errorf("No server found with id: %s", id)
	}
	return cliError(err)
}

func listServers(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	list, err := o.app.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		out := make([]serverJSON, 0, len(list))
		for _, s := range list {
			out = append(out, toServerJSON(s))
		}
		return writeJSON(o.e.stdout, out)
	}
	if len(list) == 0 {
		fmt.Fprintln(o.e.stderr, "No servers are configured")
		return nil
	}
	for _, s := range list {
		status := "offline"
		if s.Online {
			status = "online"
		}
		o.printf("id: %s\n\turl: %s\n\tsecret: %s\n\t%s\n\tload: %s\n\tload multiplier: %s\n\tbbb version: %s\n\ttag: %s\n\t%s\n",
			s.ID, s.URL, s.Secret, s.State, loadText(s), rubyFloat(s.LoadMultiplier), s.BBBVersion, s.Tag, status)
	}
	return nil
}

// parseAddMultiplier reads servers add's --load-multiplier: empty or unparsable is 0, which Add
// turns into 1.0 with a warning (as Scalelite). Without the flag the multiplier is 1.0, silently.
func parseAddMultiplier(v string) float64 {
	m, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0
	}
	return m
}

func addServer(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	in := scalelite.NewServer{URL: args[0], Secret: args[1], LoadMultiplier: 1, Tag: cmd.String("tag")}
	if cmd.IsSet("load-multiplier") { // only a multiplier given and bad is worth a warning
		in.LoadMultiplier = parseAddMultiplier(cmd.String("load-multiplier"))
	}
	if raw := cmd.String("load-multiplier"); cmd.IsSet("load-multiplier") && parseAddMultiplier(raw) == 0 && strings.TrimSpace(raw) != "0" {
		fmt.Fprintf(o.e.stderr, "WARNING! Load-multiplier %q is not a number\n", raw)
	}
	srv, warnings, err := o.servers.Add(ctx, in)
	o.audit(ctx, "addServer", map[string]any{"url": in.URL, "secret": in.Secret, "loadMultiplier": in.LoadMultiplier, "tag": in.Tag}, err)
	for _, w := range warnings {
		fmt.Fprintln(o.e.stderr, w)
	}
	if err != nil {
		return cliError(err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, toServerJSON(srv))
	}
	o.println("OK")
	o.printf("id: %s\n", srv.ID)
	return nil
}

func removeServer(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	err := o.servers.Remove(ctx, args[0])
	o.audit(ctx, "removeServer", map[string]any{"id": args[0]}, err)
	if err != nil {
		return serverErr(args[0], err)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"id": args[0], "removed": true})
	}
	o.println("OK")
	return nil
}

// parseMultiplier reads a multiplier that must be positive (update, load-multiplier).
func parseMultiplier(v string) (float64, error) {
	m, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !scalelite.ValidLoadMultiplier(m) {
		return 0, fmt.Errorf("Load-multiplier must be a number greater than 0, not %q", v)
	}
	return m, nil
}

func updateServer(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	id := args[0]
	var c scalelite.ServerChanges
	audit := map[string]any{"id": id}
	if cmd.IsSet("url") {
		v := cmd.String("url")
		c.URL, audit["url"] = &v, v
	}
	if cmd.IsSet("secret") {
		v := cmd.String("secret")
		c.Secret, audit["secret"] = &v, v
	}
	if cmd.IsSet("load-multiplier") {
		m, err := parseMultiplier(cmd.String("load-multiplier"))
		if err != nil {
			return err
		}
		c.LoadMultiplier, audit["loadMultiplier"] = &m, m
	}
	if cmd.IsSet("tag") {
		v := cmd.String("tag")
		c.Tag, audit["tag"] = &v, v
	}
	if !cmd.Bool("json") {
		o.printf("Updating server %s\n", id)
	}
	srv, err := o.servers.Update(ctx, id, c)
	o.audit(ctx, "updateServer", audit, err)
	if err != nil {
		return serverErr(id, err)
	}
	return o.serverResult(cmd, srv)
}

func stateAction(action string) func(context.Context, *ops, *cli.Command, []string) error {
	return func(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
		do := o.servers.Enable
		if action == "cordonServer" {
			do = o.servers.Cordon
		}
		srv, err := do(ctx, args[0])
		o.audit(ctx, action, map[string]any{"id": args[0]}, err)
		if err != nil {
			return serverErr(args[0], err)
		}
		return o.serverResult(cmd, srv)
	}
}

func disableServer(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	id := args[0]
	srv, _, err := o.servers.Disable(ctx, id, false)
	if scalelite.ErrorCode(err) == scalelite.ECONFLICT {
		n, cerr := o.app.store.CountMeetings(ctx, scalelite.MeetingFilter{ServerIDs: []string{id}})
		if cerr != nil {
			return cerr
		}
		if !o.confirm(fmt.Sprintf("Server %s has %d meeting(s) in progress. Ending them and disabling the server. Are you sure?", id, n), cmd.Bool("yes")) {
			return fmt.Errorf("server %s not disabled: not confirmed (answer yes, or pass --yes)", id)
		}
		var res scalelite.PanicResult
		srv, res, err = o.servers.Disable(ctx, id, true)
		for _, m := range res.Ended {
			if !cmd.Bool("json") {
				o.printf("Clearing Meeting id=%s\n", m.MeetingID)
			}
		}
		for _, e := range res.EndErrors {
			fmt.Fprintf(o.e.stderr, "WARNING: %v\n", e)
		}
	}
	o.audit(ctx, "disableServer", map[string]any{"id": id, "confirmed": cmd.Bool("yes")}, err)
	if err != nil {
		return serverErr(id, err)
	}
	return o.serverResult(cmd, srv)
}

func panicServer(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	id := args[0]
	res, err := o.servers.Panic(ctx, id, cmd.Bool("keep-state"), cmd.Bool("skip-end"))
	o.audit(ctx, "panicServer", map[string]any{"id": id, "keepState": cmd.Bool("keep-state"), "skipEnd": cmd.Bool("skip-end")}, err)
	if err != nil {
		return serverErr(id, err)
	}
	for _, e := range res.EndErrors {
		fmt.Fprintf(o.e.stderr, "WARNING: %v\n", e)
	}
	ids := make([]string, 0, len(res.Ended))
	for _, m := range res.Ended {
		ids = append(ids, m.MeetingID)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, map[string]any{"id": id, "endedMeetings": ids, "endErrors": len(res.EndErrors)})
	}
	for _, m := range ids {
		o.printf("Clearing Meeting id=%s\n", m)
	}
	o.println("OK")
	return nil
}

func setLoadMultiplier(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	m, err := parseMultiplier(args[1])
	if err != nil {
		return err
	}
	srv, err := o.servers.SetLoadMultiplier(ctx, args[0], m)
	o.audit(ctx, "setLoadMultiplier", map[string]any{"id": args[0], "loadMultiplier": m}, err)
	if err != nil {
		return serverErr(args[0], err)
	}
	return o.serverResult(cmd, srv)
}

func tagServer(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	tag := ""
	if len(args) > 1 {
		tag = args[1]
	}
	srv, err := o.servers.Update(ctx, args[0], scalelite.ServerChanges{Tag: &tag})
	o.audit(ctx, "tagServer", map[string]any{"id": args[0], "tag": tag}, err)
	if err != nil {
		return serverErr(args[0], err)
	}
	return o.serverResult(cmd, srv)
}

// readInput reads a file, or stdin for "-".
func (o *ops) readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(o.e.stdin)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

func syncServers(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	mode, err := serversync.ParseMode(cmd.String("mode"))
	if err != nil {
		return usagef("%s", scalelite.ErrorMessage(err))
	}
	data, err := o.readInput(args[0])
	if err != nil {
		return err
	}
	dry := cmd.Bool("dry-run")
	s := &serversync.Syncer{Servers: o.servers}
	plan, err := s.Sync(ctx, data, mode, dry)
	if !dry && scalelite.ErrorCode(err) != scalelite.EINVALID {
		o.audit(ctx, "syncServers", map[string]any{"file": args[0], "mode": mode, "actions": plan.Actions}, err)
	}
	if cmd.Bool("json") {
		if jerr := writeJSON(o.e.stdout, plan); jerr != nil {
			return jerr
		}
		return cliError(err)
	}
	prefix := ""
	if dry {
		prefix = "[dry-run] "
	}
	for _, a := range plan.Actions {
		o.printf("%s%s\n", prefix, a)
	}
	if err != nil {
		return cliError(err)
	}
	if plan.NoOp() {
		o.printf("%sNothing to do\n", prefix)
	}
	o.println("OK")
	return nil
}

func exportServers(ctx context.Context, o *ops, cmd *cli.Command, _ []string) error {
	list, err := o.app.store.Servers(ctx, scalelite.ServerFilter{})
	if err != nil {
		return err
	}
	out, err := serversync.Export(list, cmd.Bool("verbose"))
	if err != nil {
		return err
	}
	_, err = o.e.stdout.Write(out)
	return err
}

func addAllServers(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	data, err := o.readInput(args[0])
	if err != nil {
		return err
	}
	var doc struct {
		Servers []struct {
			URL    string `yaml:"url"`
			Secret string `yaml:"secret"`
		} `yaml:"servers"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("malformed YAML: %v", err)
	}
	var added []serverJSON
	for _, s := range doc.Servers {
		srv, warnings, err := o.servers.Add(ctx, scalelite.NewServer{URL: s.URL, Secret: s.Secret})
		o.audit(ctx, "addServer", map[string]any{"url": s.URL, "secret": s.Secret}, err)
		_ = warnings // the file has no multipliers: every server gets 1.0
		if err != nil {
			return fmt.Errorf("server %s: %w", s.URL, cliError(err))
		}
		added = append(added, toServerJSON(srv))
		if !cmd.Bool("json") {
			o.printf("server: %s\nid: %s\n", srv.URL, srv.ID)
		}
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, added)
	}
	return nil
}

// serverMeetings asks each server for its meetings now (Scalelite's servers:meeting_list).
func serverMeetings(ctx context.Context, o *ops, cmd *cli.Command, args []string) error {
	args, err := expandIDLists(ctx, args, func(ctx context.Context, id string) (bool, error) {
		_, err := o.app.store.Server(ctx, id)
		if scalelite.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return err
	}
	list, err := o.app.store.Servers(ctx, scalelite.ServerFilter{IDs: args})
	if err != nil {
		return err
	}
	if len(args) > 0 && len(list) != len(args) {
		found := map[string]bool{}
		for _, s := range list {
			found[s.ID] = true
		}
		for _, id := range args {
			if !found[id] {
				return fmt.Errorf("No server found with id: %s", id)
			}
		}
	}
	type meetingJSON struct {
		MeetingID    string `json:"meetingId"`
		Name         string `json:"name"`
		Participants int    `json:"participants"`
		Breakout     bool   `json:"breakout"`
	}
	type serverMeetingsJSON struct {
		ID       string        `json:"id"`
		URL      string        `json:"url"`
		Error    string        `json:"error,omitempty"`
		Meetings []meetingJSON `json:"meetings"`
	}
	var out []serverMeetingsJSON
	for _, s := range list {
		r := serverMeetingsJSON{ID: s.ID, URL: s.URL, Meetings: []meetingJSON{}}
		ml, err := o.client.GetMeetings(ctx, bbb.EndpointOf(s), nil)
		if err != nil {
			r.Error = err.Error()
		} else {
			for _, m := range ml.Meetings {
				r.Meetings = append(r.Meetings, meetingJSON{MeetingID: m.MeetingID, Name: m.MeetingName, Participants: m.ParticipantCount, Breakout: m.IsBreakout})
			}
		}
		out = append(out, r)
	}
	if cmd.Bool("json") {
		return writeJSON(o.e.stdout, out)
	}
	for _, r := range out {
		o.printf("Server ID: %s\nServer Url: %s\n", r.ID, r.URL)
		if r.Error != "" {
			o.printf("\tERROR: %s\n", r.Error)
			continue
		}
		o.println("MeetingIDs:")
		for _, m := range r.Meetings {
			o.printf("\t%s\t%s\n", m.MeetingID, m.Name)
		}
	}
	return nil
}
