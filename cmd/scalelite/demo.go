package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/urfave/cli/v3"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func demoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "run the balancer in front of simulated BigBlueButton servers",
		Description: `Starts simulated BBB servers on 127.0.0.1, 127.0.0.2, ... (distinct host names), registers and
enables them, and runs every role of the balancer on SQLite with in-process events, then prints
the API URL, the secret, ready-to-use signed example URLs and the web console's URL with an admin
API key to sign in with. Stop it with Ctrl-C. The environment is ignored except LOG_LEVEL,
LOG_FORMAT and ADMIN_API_KEY (the console's and GraphQL's admin key; a random one by default).`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Value: 3000, Usage: "port of the API on 127.0.0.1 (0 picks a free one)"},
			&cli.IntFlag{Name: "servers", Value: 3, Usage: "number of simulated BBB servers"},
			&cli.StringFlag{Name: "data-dir", Usage: "keep the database and recordings here (default: a temporary directory removed on exit)"},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Present() {
				return usagef("demo takes no arguments (got %q)", cmd.Args().First())
			}
			port, n := cmd.Int("port"), cmd.Int("servers")
			if port < 0 || port > 65535 {
				return usagef("--port %d is not a TCP port", port)
			}
			if n < 1 || n > 100 {
				return usagef("--servers must be between 1 and 100, got %d", n)
			}
			return e.demo(ctx, port, n, cmd.String("data-dir"))
		},
	}
}

func (e *env) demo(ctx context.Context, port, n int, dataDir string) error {
	keep := dataDir != ""
	if keep {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return fmt.Errorf("create --data-dir: %w", err)
		}
	} else {
		dir, err := os.MkdirTemp("", "scalelite-demo-")
		if err != nil {
			return fmt.Errorf("create a temporary directory: %w", err)
		}
		defer os.RemoveAll(dir)
		dataDir = dir
	}
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	secret := randomHex(20)
	adminKey := e.getenv("ADMIN_API_KEY")
	if adminKey == "" {
		adminKey = "demo-" + randomHex(16)
	}
	cfg, logger, err := e.loadConfig(lookupOf(demoEnv(e.getenv, dataDir, port, secret, adminKey)))
	if err != nil {
		return err
	}
	for _, d := range []string{cfg.Recordings.SpoolDir, cfg.Recordings.WorkDir, cfg.Recordings.PublishDir, cfg.Recordings.UnpublishDir} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("create recording directory: %w", err)
		}
	}

	sim, err := startDemoServers(ctx, n)
	if err != nil {
		return fmt.Errorf("start simulated BBB servers: %w", err)
	}
	defer sim.Close()

	in, err := startInstance(ctx, cfg, config.AllRoles(), logger)
	if err != nil {
		return err
	}
	svc, err := in.app.services()
	if err != nil {
		in.close()
		return err
	}
	for _, s := range sim.Servers() {
		if _, _, err := svc.servers.Add(ctx, scalelite.NewServer{URL: s.URL(), Secret: s.Secret(), State: scalelite.ServerEnabled}); err != nil {
			in.close()
			return fmt.Errorf("register simulated server: %w", err)
		}
	}
	if err := in.poller.PollOnce(ctx); err != nil {
		in.close()
		return fmt.Errorf("first poll: %w", err)
	}

	base := in.baseURL()
	api := base + "/bigbluebutton/api"
	create := scalelite.Params{{Key: "name", Value: "Demo Meeting"}, {Key: "meetingID", Value: "demo-meeting"},
		{Key: "moderatorPW", Value: "mp"}, {Key: "attendeePW", Value: "ap"}}
	join := scalelite.Params{{Key: "fullName", Value: "Demo User"}, {Key: "meetingID", Value: "demo-meeting"},
		{Key: "password", Value: "mp"}}
	w := e.stdout
	fmt.Fprintf(w, "\nScalelite demo is running (stop it with Ctrl-C).\n\n")
	fmt.Fprintf(w, "  API URL:  %s\n", api)
	fmt.Fprintf(w, "  Secret:   %s\n", secret)
	fmt.Fprintf(w, "  Servers:  %d simulated BigBlueButton servers, enabled and online\n", n)
	for _, s := range sim.Servers() {
		fmt.Fprintf(w, "            %s\n", s.URL())
	}
	where := "removed on exit"
	if keep {
		where = "kept"
	}
	fmt.Fprintf(w, "  Data:     %s (%s)\n\n", dataDir, where)
	fmt.Fprintf(w, "Try it (curl or a browser):\n")
	fmt.Fprintf(w, "  Create a meeting:   %s\n", signedURL(api, "create", create, secret))
	fmt.Fprintf(w, "  Join as moderator:  %s\n", signedURL(api, "join", join, secret))
	fmt.Fprintf(w, "  List meetings:      %s\n", signedURL(api, "getMeetings", nil, secret))
	fmt.Fprintf(w, "  Health and metrics: %s/readyz  %s/metrics\n\n", base, base)
	fmt.Fprintf(w, "Web console: %s/admin/\n", base)
	fmt.Fprintf(w, "  Admin API key:      %s   (paste it on the sign-in page)\n", adminKey)
	fmt.Fprintf(w, "  GraphQL:            %s/graphql (Authorization: Bearer <admin API key>)\n", base)
	fmt.Fprintln(w)
	return in.run(ctx)
}

// signedURL is a BBB API call signed with SHA-256, as a front-end would send it.
func signedURL(api, action string, p scalelite.Params, secret string) string {
	q := p.Encode()
	sum := bbb.Checksum(bbb.SHA256, action, q, secret)
	if q != "" {
		q += "&"
	}
	return api + "/" + action + "?" + q + "checksum=" + sum
}

// demoEnv is the demo's configuration: its own values, the caller's LOG_LEVEL and LOG_FORMAT,
// and the defaults for everything else.
func demoEnv(getenv func(string) string, dataDir string, port int, secret, adminKey string) func(string) string {
	vals := map[string]string{
		"SCALELITE_DATA_DIR":      dataDir,
		"DATABASE_URL":            "sqlite:" + filepath.Join(dataDir, "scalelite.db"),
		"BIND":                    "127.0.0.1",
		"PORT":                    strconv.Itoa(port),
		"LOADBALANCER_SECRET":     secret,
		"POLL_INTERVAL":           "10",
		"RECORDING_SPOOL_DIR":     filepath.Join(dataDir, "spool"),
		"RECORDING_WORK_DIR":      filepath.Join(dataDir, "work"),
		"RECORDING_PUBLISH_DIR":   filepath.Join(dataDir, "published"),
		"RECORDING_UNPUBLISH_DIR": filepath.Join(dataDir, "unpublished"),
		"LOG_LEVEL":               getenv("LOG_LEVEL"),
		"LOG_FORMAT":              getenv("LOG_FORMAT"),
		"ADMIN_API_KEY":           adminKey,
	}
	return func(k string) string { return vals[k] }
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// startDemoServers starts the simulated servers on 127.0.0.1, 127.0.0.2, ... so that the status
// table and the console tell them apart by host name; where only 127.0.0.1 is a loopback
// address (macOS), they share it and differ by port.
func startDemoServers(ctx context.Context, n int) (*bbbsim.Sim, error) {
	hosts := make([]string, n)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("127.0.0.%d", i+1)
	}
	if sim, err := bbbsim.Start(ctx, n, bbbsim.Options{Hosts: hosts}); err == nil {
		return sim, nil
	}
	return bbbsim.Start(ctx, n, bbbsim.Options{})
}
