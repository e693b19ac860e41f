package redisstore

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// testRedisURL returns TEST_REDIS_URL, skipping the test when it is unset unless
// TEST_REQUIRE_SERVICES=1, which turns the missing service into a failure.
func testRedisURL(t testing.TB) string {
	t.Helper()
	return scalelitetest.ServiceURL(t, "TEST_REDIS_URL")
}

// testNamespace returns a random namespace whose keys are deleted when the test ends.
func testNamespace(t testing.TB, redisURL string) string {
	t.Helper()
	ns := "test-" + strings.ToLower(rand.Text()[:16])
	t.Cleanup(func() {
		opt, err := rueidis.ParseURL(redisURL)
		if err != nil {
			return
		}
		opt.DisableCache = true
		rc, err := rueidis.NewClient(opt)
		if err != nil {
			t.Logf("clean up namespace %s: %v", ns, err)
			return
		}
		defer rc.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var cursor uint64
		for {
			e, err := rc.Do(ctx, rc.B().Scan().Cursor(cursor).Match(ns+":*").Count(1000).Build()).AsScanEntry()
			if err != nil {
				t.Logf("clean up namespace %s: %v", ns, err)
				return
			}
			if len(e.Elements) > 0 {
				rc.Do(ctx, rc.B().Unlink().Key(e.Elements...).Build())
			}
			if cursor = e.Cursor; cursor == 0 {
				return
			}
		}
	})
	return ns
}

// testClient connects a client to the namespace and closes it at cleanup.
func testClient(t testing.TB, redisURL, ns string) *Client {
	t.Helper()
	c, err := Connect(t.Context(), redisURL, ns, testLogger(t))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
