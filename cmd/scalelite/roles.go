package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/scalelite-go/scalelite/bbbfacade"
	"github.com/scalelite-go/scalelite/internal/analytics"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/clienthost"
	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/locale"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
	"github.com/scalelite-go/scalelite/recordings"
	"github.com/scalelite-go/scalelite/server"
	webadmin "github.com/scalelite-go/scalelite/web-admin"
)

// This file maps the configuration sections onto each role's own Config and builds the roles.

func algorithms(c config.BBB) []bbb.Algorithm {
	var out []bbb.Algorithm
	for _, a := range c.ChecksumAlgorithms {
		out = append(out, bbb.Algorithm(a))
	}
	return out
}

func timeouts(c config.BBB) bbb.Timeouts {
	return bbb.Timeouts{Connect: c.ConnectTimeout, Response: c.ResponseTimeout}
}

func loadPolicy(c config.LoadPolicy) scalelite.LoadPolicy {
	return scalelite.LoadPolicy{MinUserCount: c.MinUserCount, JoinBufferTime: c.JoinBufferTime}
}

func callParams(ps []config.Param) scalelite.Params {
	var out scalelite.Params
	for _, p := range ps {
		out = append(out, scalelite.Param{Key: p.Key, Value: p.Value})
	}
	return out
}

func facadeConfig(c *config.Config) bbbfacade.Config {
	return bbbfacade.Config{
		Secrets:             c.API.Secrets,
		Algorithms:          algorithms(c.BBB),
		Multitenancy:        c.API.MultitenancyEnabled,
		URLHost:             c.API.URLHost,
		GetMeetingsDisabled: c.API.GetMeetingsAPIDisabled,
		BuildNumber:         c.API.BuildNumber,
		RequestTimeout:      c.API.RequestTimeout,
		Recordings: bbbfacade.RecordingsConfig{
			Disabled:    c.Recordings.Disabled,
			APIFiltered: c.Recordings.APIFiltered,
			Protected:   c.Recordings.ProtectedEnabled,
		},
	}
}

func meetingPolicy(c *config.Config) scalelite.MeetingPolicy {
	return scalelite.MeetingPolicy{
		Create: scalelite.ParamPolicy{
			Defaults:  callParams(c.API.DefaultCreateParams),
			Overrides: callParams(c.API.OverrideCreateParams),
			Exclude:   c.API.CreateExcludeParams,
		},
		Join: scalelite.ParamPolicy{
			Defaults:  callParams(c.API.DefaultJoinParams),
			Overrides: callParams(c.API.OverrideJoinParams),
			Exclude:   c.API.JoinExcludeParams,
		},
		MaxMeetingDuration:     c.API.MaxMeetingDuration,
		VoiceBridgeLen:         c.API.VoiceBridgeLen,
		UseExternalVoiceBridge: c.API.UseExternalVoiceBridge,
		LoadMinUserCount:       c.Load.MinUserCount,
		RecoverTimeout:         c.API.RequestTimeout,
	}
}

func serverLimits(c config.HTTPLimits) server.Limits {
	return server.Limits{
		ReadHeaderTimeout: c.ReadHeaderTimeout, BodyTimeout: c.BodyTimeout, MinBodyRate: c.MinBodyRate,
		IdleTimeout: c.IdleTimeout, MaxConcurrentBodies: c.MaxConcurrentBodies,
	}
}

func pollerConfig(c *config.Config) poller.Config {
	return poller.Config{
		Interval:           c.Poller.Interval,
		Threads:            c.Poller.Threads,
		HealthyThreshold:   c.Poller.HealthyThreshold,
		UnhealthyThreshold: c.Poller.UnhealthyThreshold,
		Timeouts:           timeouts(c.BBB),
		Load:               loadPolicy(c.Load),
		MeetingTTL:         c.Poller.MeetingTTL,
	}
}

func recordingsConfig(c config.Recordings) recordings.Config {
	return recordings.Config{
		SpoolDir:          c.SpoolDir,
		WorkDir:           c.WorkDir,
		PublishDir:        c.PublishDir,
		UnpublishDir:      c.UnpublishDir,
		FailedDir:         c.FailedDir,
		PollInterval:      c.ImportPollInterval,
		Inotify:           true,
		ImportUnpublished: c.ImportUnpublished,
		Protected:         c.ProtectedEnabled,
		MaxArchiveBytes:   c.Extract.MaxBytes,
		MaxExpansion:      expansion(c.Extract.MaxExpansion),
	}
}

// expansion maps RECORDING_MAX_EXPANSION (0: off) onto recordings.Config (negative: off).
func expansion(ratio float64) float64 {
	if ratio == 0 {
		return -1
	}
	return ratio
}

// role is a background job of a serve process.
type role struct {
	name string
	run  func(ctx context.Context) error
	// stopsAtOnce jobs (the lease holders: poller, importer) stop as soon as shutdown begins,
	// so a standby takes their lease over at once; the others stop after HTTP has drained.
	stopsAtOnce bool
}

// newPoller builds the poller role.
func (a *app) newPoller() (*poller.Poller, error) {
	svc, err := a.services()
	if err != nil {
		return nil, err
	}
	p, err := poller.New(pollerConfig(a.cfg), poller.Deps{
		Store: a.store, BBB: svc.client, Publisher: a.pub, Subscriber: a.sub, Locker: a.locker,
		Registerer: a.registry, Logger: a.logger,
	})
	if err != nil {
		return nil, fmt.Errorf("poller: %w", err)
	}
	a.addLease(config.RolePoller, p.Lease())
	return p, nil
}

// recordingsKit is the recording machinery the api and importer roles of one process share:
// one Files (its per-recording locks are per process), the protector, the service behind the
// BBB recording calls, and the recording-ready notifier.
type recordingsKit struct {
	files     *recordings.Files
	protector *recordings.Protector
	service   *recordings.Service
	notifier  *recordings.Notifier
}

// recordings builds the kit once per process.
func (a *app) recordings() *recordingsKit {
	if a.recs != nil {
		return a.recs
	}
	rc := a.cfg.Recordings
	k := &recordingsKit{files: recordings.NewFiles(rc.PublishDir, rc.UnpublishDir)}
	if rc.SecretKeyBase != "" {
		k.protector = recordings.NewProtector(a.tokens, rc.SecretKeyBase, rc.TokenTimeout, rc.CookieTimeout, time.Now)
	}
	k.service = recordings.NewService(recordings.ServiceDeps{
		Store: a.store, Files: k.files, Protector: k.protector, Publisher: a.pub, Logger: a.logger,
	})
	k.notifier = recordings.NewNotifier(recordings.NotifierConfig{
		Secrets: a.cfg.API.Secrets, Algorithms: a.cfg.BBB.ChecksumAlgorithms,
	}, a.store, nil, a.logger)
	a.onReload = append(a.onReload, func(c *config.Config) { k.notifier.SetSecrets(c.API.Secrets) })
	a.recs = k
	return k
}

// newImporter builds the importer role and its recording-ready notifier, or nothing when
// recordings are disabled.
func (a *app) newImporter() []role {
	if a.cfg.Recordings.Disabled {
		return nil
	}
	k := a.recordings()
	im := recordings.NewImporter(recordingsConfig(a.cfg.Recordings), recordings.ImporterDeps{
		Store: a.store, Files: k.files, Locker: a.locker, Publisher: a.pub, Notifier: k.notifier, Logger: a.logger,
		Registerer: a.registry,
	})
	a.addLease(config.RoleImporter, im.Lease())
	return []role{{name: "importer", run: im.Run, stopsAtOnce: true}, {name: "recording-ready callbacks", run: k.notifier.Run}}
}

// api is the api role: the HTTP handler and its background jobs.
type api struct {
	handler http.Handler
	jobs    []role
}

// newAPI builds the HTTP handler with every role mounted that exists.
func (a *app) newAPI() (*api, error) {
	rc := a.cfg.Recordings
	svc, err := a.services()
	if err != nil {
		return nil, err
	}
	t := timeouts(a.cfg.BBB)
	fdeps := bbbfacade.Deps{Store: a.store, Meetings: svc.meetings, Logger: a.logger,
		Analytics: analytics.NewForwarder(a.store, t.Connect+t.Response, time.Now, a.logger)}
	if !rc.Disabled {
		fdeps.Recordings = a.recordings().service
	}
	facade, err := bbbfacade.New(facadeConfig(a.cfg), fdeps)
	if err != nil {
		return nil, fmt.Errorf("bbb api: %w", err)
	}
	a.onReload = append(a.onReload, func(c *config.Config) { facade.SetSecrets(c.API.Secrets) })
	deps := server.Deps{
		Logger:   a.logger,
		Registry: a.registry,
		Checks:   a.readinessChecks(),
		BBBAPI:   facade.Register,
		NoRoute:  bbbfacade.UnsupportedRequest,
	}
	if !rc.Disabled {
		pages, err := a.pages()
		if err != nil {
			return nil, err
		}
		deps.Mounts = append(deps.Mounts, a.playbackMounts(pages)...)
		upload := recordings.NewUpload(recordings.UploadConfig{SpoolDir: rc.SpoolDir, MaxBytes: rc.Extract.MaxBytes}, a.store, a.logger, time.Now)
		deps.Mounts = append(deps.Mounts, server.Mount{Path: recordings.UploadPath, Methods: []string{http.MethodPost}, Handler: upload})
	}
	controlPlane, err := a.controlPlaneMounts()
	if err != nil {
		return nil, err
	}
	deps.Mounts = append(deps.Mounts, controlPlane...)
	deps.Mounts = append(deps.Mounts, a.dialInMount(svc.meetings))
	console := webadmin.Handler()
	deps.Mounts = append(deps.Mounts, server.Mount{Path: "/admin", Handler: console}, server.Mount{Path: "/admin/*path", Handler: console})
	h, err := server.New(server.Config{
		TrustedProxies:  a.cfg.HTTP.TrustedProxies,
		URLHost:         a.cfg.HTTP.URLHost,
		AllowSubdomains: a.cfg.HTTP.AllowSubdomains,
		Limits:          serverLimits(a.cfg.HTTP.Limits),
	}, deps)
	if err != nil {
		return nil, err
	}
	return &api{
		handler: h,
		jobs: []role{
			{name: "join load flush", run: svc.meetings.Run},
			{name: "passive health", run: func(ctx context.Context) error { return svc.health.Run(ctx, a.sub) }},
			{name: "join cache changes", run: func(ctx context.Context) error { return svc.meetings.WatchChanges(ctx, a.sub) }},
			a.loadHistoryJob(),
		},
	}, nil
}

// playbackMounts routes the recording playback paths (one-time links, resources, player).
func (a *app) playbackMounts(pages *locale.Catalog) []server.Mount {
	rc := a.cfg.Recordings
	var tenant recordings.TenantFunc
	if a.cfg.API.MultitenancyEnabled {
		tenant = recordings.HostTenant(a.store, clienthost.Host)
	}
	pb := recordings.NewPlayback(recordings.PlaybackConfig{
		PublishDir:    rc.PublishDir,
		Formats:       rc.PlaybackFormats,
		Protected:     rc.ProtectedEnabled,
		AccelRedirect: rc.AccelRedirect,
		PlayerDir:     rc.PlayerDir,
		Pages:         pages,
	}, a.store, a.recordings().protector, tenant, a.logger)
	var mounts []server.Mount
	for _, prefix := range pb.Prefixes() {
		mounts = append(mounts, server.Mount{Path: prefix + "*path", Handler: pb})
	}
	return mounts
}
