package scalelitetest

import (
	"os"
	"testing"
)

// ServiceURL returns the environment variable that names a test service (TEST_DATABASE_URL,
// TEST_REDIS_URL). When it is unset the test is skipped, or fails when TEST_REQUIRE_SERVICES=1
// (as CI sets it), so a missing service is never a silent pass there.
func ServiceURL(t testing.TB, name string) string {
	t.Helper()
	u := os.Getenv(name)
	if u == "" {
		if os.Getenv("TEST_REQUIRE_SERVICES") == "1" {
			t.Fatalf("%s is not set and TEST_REQUIRE_SERVICES=1", name)
		}
		t.Skipf("%s is not set", name)
	}
	return u
}
