// Package faultsuite is the fault suite: black-box tests (in its _test files) that build the
// scalelite binary, run it on loopback against PostgreSQL and Redis processes of their own and
// simulated BBB servers, break one part during traffic (Redis restarted and flushed, PostgreSQL
// stopped, crashed and frozen, a BBB server killed and blackholed, the importer killed
// mid-archive, a full publish disk, two deployments on one Redis server, unauthenticated bodies,
// secrets in logs) and check that no meeting or recording is lost and that service comes back
// within bounds. Each scenario logs requests sent and failed, meetings and recordings lost and
// the time to recover (go test -v ./internal/faultsuite/). See docs/security.md.
//
// The suite needs PostgreSQL's server binaries (initdb) and redis-server; it skips without
// them unless TEST_REQUIRE_SERVICES=1, and with -short.
package faultsuite
