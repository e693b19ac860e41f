package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/redis/rueidis"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Client is the process's one connection to Redis: a rueidis client with server-assisted
// client-side caching, and the key namespace.
type Client struct {
	rc     rueidis.Client
	ns     string
	logger *slog.Logger
}

// connectTimeout bounds the initial dial and ping when the caller's context has no deadline.
const connectTimeout = 10 * time.Second

// Connect connects to redisURL (redis://, rediss://, unix://, with rueidis's query options such
// as addr= for a cluster or master_set= for Sentinel) and checks the server answers. Client-side
// caching is on unless the URL says client_cache=0 (for providers without RESP3 tracking; the
// cached store then stays correct, it only reads Redis every time). Keys and the events channel
// are prefixed with the deployment prefix (see Prefix). logger may be nil.
func Connect(ctx context.Context, redisURL, namespace string, logger *slog.Logger) (*Client, error) {
	if err := checkNamespace(namespace); err != nil {
		return nil, err
	}
	opt, err := clientOption(redisURL)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	rc, err := rueidis.NewClient(opt)
	if err != nil {
		return nil, connectError(redisURL, err)
	}
	c := &Client{rc: rc, ns: Prefix(namespace, opt), logger: logger}
	if err := c.Ping(ctx); err != nil {
		rc.Close()
		return nil, connectError(redisURL, err)
	}
	logger.Info("connected to redis", "url", scalelite.RedactURL(redisURL), "key_prefix", c.ns,
		"client_side_cache", !opt.DisableCache)
	return c, nil
}

func clientOption(redisURL string) (rueidis.ClientOption, error) {
	opt, err := rueidis.ParseURL(redisURL)
	if err != nil {
		return opt, fmt.Errorf("parse redis URL %s: %w", scalelite.RedactURL(redisURL), err)
	}
	if opt.Dialer.Timeout == 0 {
		opt.Dialer.Timeout = connectTimeout
	}
	return opt, nil
}

func connectError(redisURL string, err error) error {
	msg := "connect to redis " + scalelite.RedactURL(redisURL)
	if errors.Is(err, rueidis.ErrNoCache) {
		msg += " (the server lacks RESP3 client tracking; add client_cache=0 to the URL)"
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// Ping reports whether Redis answers (for readiness checks).
func (c *Client) Ping(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, connectTimeout)
		defer cancel()
	}
	if err := c.rc.Do(ctx, c.rc.B().Ping().Build()).Error(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// Namespace returns the key prefix (without the trailing colon): Prefix of the namespace and
// the URL's database.
func (c *Client) Namespace() string { return c.ns }

// Close closes the connections; later calls fail with rueidis.ErrClosing.
func (c *Client) Close() { c.rc.Close() }

// Prefix is what every key and channel of one deployment starts with: the namespace
// (REDIS_NAMESPACE), plus ":db<N>" when the URL selects database N other than 0. Redis keeps one
// key space per database but not for the rest: pub/sub channels are server-wide, and client-side
// caching reports invalidations by key name whatever the database, so two deployments that differ
// only by database would receive each other's events, and each lease renewal of one would
// invalidate the other's cached lock keys (a busy loop of thousands of commands per second).
func Prefix(namespace string, opt rueidis.ClientOption) string {
	if opt.SelectDB == 0 {
		return namespace
	}
	return namespace + ":db" + strconv.Itoa(opt.SelectDB)
}

// key joins the namespace and parts with colons.
func (c *Client) key(parts ...string) string {
	return c.ns + ":" + strings.Join(parts, ":")
}

// checkNamespace rejects namespaces that would break key layout: braces would change Redis
// Cluster hash slots and whitespace is surely a configuration mistake.
func checkNamespace(ns string) error {
	if ns == "" {
		return errors.New("redis namespace is empty")
	}
	if strings.ContainsAny(ns, "{} \t\r\n") {
		return fmt.Errorf("redis namespace %q must not contain braces or whitespace", ns)
	}
	return nil
}
