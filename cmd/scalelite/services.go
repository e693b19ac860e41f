package main

import (
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// services are the adapters and domain services of one process, built once and passed to every
// role and command that needs them: one BBB client (one connection pool per server), one backend,
// one passive-health tracker, and one service per aggregate, so that what one surface does (the
// BBB API, GraphQL, the admin API, the CLI, the poller) is shared, such as a recovery in flight.
type services struct {
	client   *bbb.Client
	backend  *bbb.Backend
	health   *scalelite.PassiveHealth
	meetings *scalelite.MeetingService
	servers  *scalelite.ServerService
	tenants  *scalelite.TenantService
}

// services builds the process's services on first use.
func (a *app) services() (*services, error) {
	if a.svc != nil {
		return a.svc, nil
	}
	cfg := a.cfg
	t := timeouts(cfg.BBB)
	client := bbb.NewClient(bbb.Strongest(algorithms(cfg.BBB)), t)
	a.closers = append(a.closers, client.CloseIdleConnections)
	backend := bbb.NewBackend(client, t)
	health := scalelite.NewPassiveHealth(0, a.pub, time.Now, a.logger)
	meetings, err := scalelite.NewMeetingService(meetingPolicy(cfg), scalelite.MeetingServiceDeps{
		Store: a.store, Backend: backend, Health: health, LRS: bbb.NewLRSPayloads(t.Connect+t.Response, a.logger),
		Events: a.pub, Now: time.Now, Logger: a.logger,
	})
	if err != nil {
		return nil, err
	}
	a.svc = &services{
		client: client, backend: backend, health: health, meetings: meetings,
		servers: scalelite.NewServerService(a.store, backend, a.pub, cfg.API.ServerIDIsHostname),
		tenants: scalelite.NewTenantService(a.store),
	}
	return a.svc, nil
}
