package main

import (
	"fmt"
	"net/http"

	"github.com/scalelite-go/scalelite/adminapi"
	"github.com/scalelite-go/scalelite/graph"
	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/serversync"
	"github.com/scalelite-go/scalelite/poller"
	"github.com/scalelite-go/scalelite/server"
)

// controlPlaneMounts builds the control plane over the shared services: GraphQL at /graphql
// (GET and POST; GET also carries the websocket upgrade) and Scalelite's JSON admin API at
// /scalelite/api/*. Mount them with the other routes of the api role:
//
//	mounts, err := a.controlPlaneMounts()
//	deps.Mounts = append(deps.Mounts, mounts...)
func (a *app) controlPlaneMounts() ([]server.Mount, error) {
	cfg := a.cfg
	svc, err := a.services()
	if err != nil {
		return nil, err
	}

	// pollServers runs a round on this instance (like `scalelite poll`), whether or not it
	// holds the poller lease; its metrics stay with the poller role.
	onDemand, err := poller.New(pollerConfig(cfg), poller.Deps{Store: a.store, BBB: svc.client, Publisher: a.pub, Logger: a.logger})
	if err != nil {
		return nil, fmt.Errorf("control plane poller: %w", err)
	}
	// The recording API's service, so both share one set of per-recording file locks.
	recs := a.recordings().service

	resolver := graph.New(graph.Deps{
		Store:            a.store,
		ServerService:    svc.servers,
		ServerSyncer:     &serversync.Syncer{Servers: svc.servers},
		Poller:           onDemand,
		TenantService:    svc.tenants,
		MeetingService:   svc.meetings,
		RecordingService: recs,
		APIKeyService:    a.apiKeys(),
		Events:           a.sub,
		Logger:           a.logger,
		Capacity:         capacityPolicy(cfg.Load),
		LoadHistory:      a.loadHistory(),
		DialIn:           dialInSettings(cfg),
	})
	admin := adminapi.New(adminapi.Config{
		Secrets:             cfg.API.Secrets,
		Algorithms:          algorithms(cfg.BBB),
		MultitenancyEnabled: cfg.API.MultitenancyEnabled,
	}, adminapi.Deps{Servers: svc.servers, Tenants: svc.tenants, Store: a.store, Logger: a.logger})
	a.onReload = append(a.onReload, func(c *config.Config) { admin.SetSecrets(c.API.Secrets) })

	return []server.Mount{
		{Path: "/graphql", Methods: []string{http.MethodGet, http.MethodPost}, Handler: graph.NewHandler(resolver, graph.HandlerOptions{})},
		{Path: "/scalelite/api/:action", Methods: []string{http.MethodGet, http.MethodHead, http.MethodPost}, Handler: admin},
	}, nil
}
