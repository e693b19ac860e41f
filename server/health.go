package server

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// checkTimeout bounds each readiness check.
const checkTimeout = 3 * time.Second

type health struct {
	checks []Check
	logger *slog.Logger
}

// live answers while the process can serve HTTP at all.
func (h *health) live(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// ready answers 200 when every check passes and 503 otherwise, with each check's result.
func (h *health) ready(c *gin.Context) {
	results, failed := h.run(c.Request.Context())
	status, word := http.StatusOK, "ready"
	if len(failed) > 0 {
		status, word = http.StatusServiceUnavailable, "unavailable"
	}
	c.JSON(status, gin.H{"status": word, "checks": results})
}

// scalelite answers like Scalelite's /health_check: "success" or "Health Check Failure: ...",
// with HTTP 200 either way. Use /readyz for a status code.
func (h *health) scalelite(c *gin.Context) {
	results, failed := h.run(c.Request.Context())
	if len(failed) == 0 {
		c.String(http.StatusOK, "success")
		return
	}
	msgs := make([]string, len(failed))
	for i, name := range failed {
		msgs[i] = name + ": " + results[name]
	}
	c.String(http.StatusOK, "Health Check Failure: %s", strings.Join(msgs, "; "))
}

// run executes the checks concurrently and returns each result ("ok" or the error) and the
// sorted names of the failed ones (advisory checks never count as failed).
func (h *health) run(ctx context.Context) (map[string]string, []string) {
	results := make(map[string]string, len(h.checks))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, ch := range h.checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, checkTimeout)
			defer cancel()
			res := "ok"
			if err := ch.Check(cctx); err != nil {
				res = err.Error()
				level := slog.LevelWarn
				if ch.Advisory {
					level = slog.LevelDebug
				}
				h.logger.Log(cctx, level, "health check failed", "check", ch.Name, "err", err)
			}
			mu.Lock()
			results[ch.Name] = res
			mu.Unlock()
		}()
	}
	wg.Wait()
	advisory := map[string]bool{}
	for _, ch := range h.checks {
		advisory[ch.Name] = ch.Advisory
	}
	var failed []string
	for name, res := range results {
		if res != "ok" && !advisory[name] {
			failed = append(failed, name)
		}
	}
	sort.Strings(failed)
	return results, failed
}
