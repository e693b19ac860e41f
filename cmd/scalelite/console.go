package main

import (
	"context"
	"time"

	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/loadhistory"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// capacityPolicy measures servers for the status table and the console.
func capacityPolicy(c config.LoadPolicy) scalelite.CapacityPolicy {
	return scalelite.CapacityPolicy{ServerLoad: c.ServerCapacity, MeetingUsers: c.MinUserCount}
}

// loadHistory returns the api role's in-memory load history, built on first use; the job of
// loadHistoryJob fills it.
func (a *app) loadHistory() *loadhistory.Recorder {
	if a.history == nil {
		a.history = loadhistory.NewRecorder(a.logger, time.Now)
	}
	return a.history
}

// loadHistoryJob seeds the load history with the servers' current state, then records this
// instance's serverLoad events until the role stops.
func (a *app) loadHistoryJob() role {
	return role{name: "load history", run: func(ctx context.Context) error {
		h := a.loadHistory()
		if servers, err := a.store.Servers(ctx, scalelite.ServerFilter{}); err != nil {
			a.logger.Warn("load history: read servers to seed the cluster totals", "err", err)
		} else {
			h.Seed(servers, time.Now())
		}
		return h.Run(ctx, a.sub)
	}}
}
