package bbbfacade

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
)

// TestNodeClients drives a live balancer with the npm front-end libraries bigbluebutton-js and
// bbb-promise (testdata/clients; CI runs `npm ci` there). Without node_modules it skips, unless
// TEST_REQUIRE_SERVICES=1.
func TestNodeClients(t *testing.T) {
	dir := filepath.Join("testdata", "clients")
	node, err := exec.LookPath("node")
	_, modErr := os.Stat(filepath.Join(dir, "node_modules", "bigbluebutton-js"))
	if err != nil || modErr != nil {
		if os.Getenv("TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("node (%v) or %s/node_modules (%v) missing: run npm ci there", err, dir, modErr)
		}
		t.Skip("node or testdata/clients/node_modules missing (npm ci)")
	}
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "clients.js")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "BBB_URL="+e.ts.URL+"/bigbluebutton", "BBB_SECRET="+testSecret)
		out, err := cmd.CombinedOutput()
		t.Logf("node clients.js:\n%s", out)
		if err != nil {
			t.Fatalf("node clients.js: %v", err)
		}
		if !strings.Contains(string(out), " ok, 0 failing") {
			t.Fatal("client run did not pass")
		}
		// Both libraries' meetings were placed and ended through the balancer.
		for _, id := range []string{"js-room-1", "promise-room-1"} {
			if _, err := store.Meeting(context.Background(), id); err == nil {
				t.Errorf("meeting %s still running after end", id)
			}
		}
	})
}
