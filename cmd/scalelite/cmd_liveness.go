package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/urfave/cli/v3"
)

// livenessCommand is Scalelite's liveness task as an exit status: it asks the local serve
// process's health endpoint, so it works as a Docker/compose healthcheck in an image without a
// shell or curl, a Kubernetes exec probe and a supervisor's check.
func livenessCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "liveness",
		Usage: "exit 0 when the local serve process answers its health check (prints success), else 1",
		Description: `Asks GET /healthz of the serve process on this host: on METRICS_BIND when it is set (every
role, the poller and importer included), else on BIND/PORT (the api role). A listener on all
interfaces is asked on 127.0.0.1. --ready asks /readyz instead, which also needs the database
and Redis to answer. Prints success (as Scalelite's liveness task) and exits 0, or prints why
on stderr and exits 1.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "ready", Usage: "check readiness (/readyz: database and Redis) instead of liveness"},
			&cli.StringFlag{Name: "url", Usage: "base URL of the process to check (default: from METRICS_BIND or BIND/PORT)"},
			&cli.DurationFlag{Name: "timeout", Value: 3 * time.Second, Usage: "give up after this long"},
			jsonFlag,
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.Args().Present() {
				return usagef("liveness takes no arguments (got %q)", cmd.Args().First())
			}
			if cmd.Duration("timeout") <= 0 {
				return usagef("--timeout must be positive")
			}
			base := cmd.String("url")
			if base == "" {
				cfg, _, err := e.loadConfig(e.lookupEnv)
				if err != nil {
					return err
				}
				addr := cfg.HTTP.Addr
				if cfg.HTTP.MetricsAddr != "" {
					addr = cfg.HTTP.MetricsAddr
				}
				base = localURL(addr)
			} else if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usagef("--url %q is not an http(s) URL", base)
			}
			path := "/healthz"
			if cmd.Bool("ready") {
				path = "/readyz"
			}
			res := probe(ctx, base+path, cmd.Duration("timeout"))
			if cmd.Bool("json") {
				if err := writeJSON(e.stdout, res); err != nil {
					return err
				}
			} else if res.OK {
				fmt.Fprintln(e.stdout, "success")
			}
			if !res.OK {
				return errors.New(res.Error)
			}
			return nil
		},
	}
}

// probeResult is what liveness found, also its --json output.
type probeResult struct {
	URL    string            `json:"url"`
	OK     bool              `json:"ok"`
	Status int               `json:"status,omitempty"`
	Checks map[string]string `json:"checks,omitempty"`
	Error  string            `json:"error,omitempty"`
}

// probe GETs url once within timeout; 200 is healthy.
func probe(ctx context.Context, target string, timeout time.Duration) probeResult {
	res := probeResult{URL: target}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	// No proxy from the environment: the target is this host.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		res.Error = fmt.Sprintf("%s does not answer: %v", target, errors.Unwrap(err))
		return res
	}
	defer resp.Body.Close()
	res.Status = resp.StatusCode
	var body struct {
		Checks map[string]string `json:"checks"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(b, &body) == nil {
		res.Checks = body.Checks
	}
	res.OK = resp.StatusCode == http.StatusOK
	if !res.OK {
		res.Error = fmt.Sprintf("%s answered %s", target, resp.Status)
		for _, name := range slices.Sorted(maps.Keys(res.Checks)) {
			if v := res.Checks[name]; v != "ok" {
				res.Error += fmt.Sprintf("; %s: %s", name, v)
			}
		}
	}
	return res
}

// localURL is the http URL for a listen address, asking 127.0.0.1 (or ::1) for a wildcard host.
func localURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	switch ip := net.ParseIP(host); {
	case host == "" || (ip != nil && ip.IsUnspecified() && ip.To4() != nil):
		host = "127.0.0.1"
	case ip != nil && ip.IsUnspecified():
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
