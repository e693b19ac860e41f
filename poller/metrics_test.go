package poller_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/events"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
)

// series lists the series of one metric family as "label=value,..." -> value.
func series(t *testing.T, h *harness, name string) map[string]float64 {
	t.Helper()
	families, err := h.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			out[strings.Join(labels, ",")] = m.GetGauge().GetValue()
		}
	}
	return out
}

// Dashboards join per-server series on scalelite_server_info for the host name, and read the
// state from scalelite_server_state; both follow changes and removals.
func TestServerInfoAndStateSeries(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), 2, poller.Config{})
	ctx := context.Background()
	svc := scalelite.NewServerService(h.store, nil, nil, false)
	h.round()
	host0 := strings.TrimPrefix(strings.Split(h.sim.Servers()[0].URL(), "/bigbluebutton")[0], "http://")
	version := h.server("s0").BBBVersion
	info := series(t, h, "scalelite_server_info")
	if want := "host=" + host0 + ",server=s0,tag=,version=" + version; info[want] != 1 || len(info) != 2 {
		t.Fatalf("info series %v, want %s = 1 among 2", info, want)
	}
	tag := "big"
	if _, err := svc.Update(ctx, "s0", scalelite.ServerChanges{Tag: &tag}); err != nil {
		t.Fatal(err)
	}
	h.meeting("s1", "m1", 3) // keeps the cordoned server from draining to disabled
	if _, err := svc.Cordon(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	h.round()
	info = series(t, h, "scalelite_server_info")
	if want := "host=" + host0 + ",server=s0,tag=big,version=" + version; info[want] != 1 || len(info) != 2 {
		t.Errorf("after tagging: info series %v, want %s and no stale series", info, want)
	}
	state := series(t, h, "scalelite_server_state")
	want := map[string]float64{
		"server=s0,state=enabled": 1, "server=s0,state=cordoned": 0, "server=s0,state=disabled": 0,
		"server=s1,state=enabled": 0, "server=s1,state=cordoned": 1, "server=s1,state=disabled": 0,
	}
	for k, v := range want {
		if got, ok := state[k]; !ok || got != v {
			t.Errorf("state %s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if err := svc.Remove(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	h.round()
	if n := len(series(t, h, "scalelite_server_state")) + len(series(t, h, "scalelite_server_info")); n != 3+1 {
		t.Errorf("after removing s1: %d state and info series, want 4 (s0 only)", n)
	}
}

// lease_held tells the active poller from standbys; a process that stops polling drops its
// server series so that only the active poller reports them.
func TestLeaseHeldSeries(t *testing.T) {
	h := newHarness(t, dbtest.SQLite(t), 1, poller.Config{})
	h.reg = prometheus.NewRegistry()
	p := h.newPoller(poller.Config{Interval: time.Hour}, events.NewLocalLocker(), h.client, h.reg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for len(series(t, h, "scalelite_server_online")) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no round within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v := series(t, h, "scalelite_poller_lease_held")[""]; v != 1 {
		t.Errorf("lease_held = %v while polling, want 1", v)
	}
	if v := series(t, h, "scalelite_poller_last_round_timestamp_seconds")[""]; v < float64(time.Now().Add(-time.Minute).Unix()) {
		t.Errorf("last round timestamp %v, want about now", v)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if v := series(t, h, "scalelite_poller_lease_held")[""]; v != 0 {
		t.Errorf("lease_held = %v after stopping, want 0", v)
	}
	if n := len(series(t, h, "scalelite_server_online")) + len(series(t, h, "scalelite_server_info")); n != 0 {
		t.Errorf("%d server series left after the lease was given up, want 0", n)
	}
}
