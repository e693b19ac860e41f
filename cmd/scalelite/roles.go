package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/scalelite-go/scalelite/bbbfacade"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/poller"
	"github.com/scalelite-go/scalelite/recordings"
	"github.com/scalelite-go/scalelite/server"
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

func callParams(ps []config.Param) scalelite.CallParams {
	var out scalelite.CallParams
	for _, p := range ps {
		out = append(out, scalelite.CallParam{Key: p.Key, Value: p.Value})
	}
	return out
}

func facadeConfig(c *config.Config) bbbfacade.Config {
	return bbbfacade.Config{
		Secrets:                c.API.Secrets,
		Algorithms:             algorithms(c.BBB),
		Multitenancy:           c.API.MultitenancyEnabled,
		TrustedProxies:         c.HTTP.TrustedProxies,
		URLHost:                c.API.URLHost,
		GetMeetingsDisabled:    c.API.GetMeetingsAPIDisabled,
		BuildNumber:            c.API.BuildNumber,
		MaxMeetingDuration:     c.API.MaxMeetingDuration,
		VoiceBridgeLen:         c.API.VoiceBridgeLen,
		UseExternalVoiceBridge: c.API.UseExternalVoiceBridge,
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
		LoadMinUserCount: c.Load.MinUserCount,
		Timeouts:         timeouts(c.BBB),
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
	}
}

// role is a background job of a serve process.
type role struct {
	name string
	run  func(ctx context.Context) error
}

// newPoller builds the poller role with its own BBB client.
func (a *app) newPoller() (*poller.Poller, error) {
	client := bbb.NewClient(bbb.Strongest(algorithms(a.cfg.BBB)), timeouts(a.cfg.BBB))
	p, err := poller.New(pollerConfig(a.cfg), poller.Deps{
		Store: a.store, BBB: client, Publisher: a.pub, Locker: a.locker,
		Registerer: a.registry, Logger: a.logger,
	})
	if err != nil {
		return nil, fmt.Errorf("poller: %w", err)
	}
	return p, nil
}

// newImporter builds the importer role, or nil when recordings are disabled.
func (a *app) newImporter() *recordings.Importer {
	if a.cfg.Recordings.Disabled {
		return nil
	}
	return recordings.NewImporter(recordingsConfig(a.cfg.Recordings), recordings.ImporterDeps{
		Store: a.store, Locker: a.locker, Publisher: a.pub, Logger: a.logger,
	})
}

// api is the api role: the HTTP handler and its background jobs.
type api struct {
	handler http.Handler
	jobs    []role
	close   func()
}

// newAPI builds the HTTP handler with every role mounted that exists.
func (a *app) newAPI() (*api, error) {
	facade, err := bbbfacade.New(facadeConfig(a.cfg), bbbfacade.Deps{Store: a.store, Logger: a.logger, Events: a.pub})
	if err != nil {
		return nil, fmt.Errorf("bbb api: %w", err)
	}
	deps := server.Deps{
		Logger:   a.logger,
		Registry: a.registry,
		Checks:   a.checks(),
		BBBAPI:   facade.Register,
		NoRoute:  bbbfacade.UnsupportedRequest,
	}
	if !a.cfg.Recordings.Disabled {
		deps.Mounts = append(deps.Mounts, a.playbackMounts()...)
	}
	h, err := server.New(server.Config{
		TrustedProxies:  a.cfg.HTTP.TrustedProxies,
		URLHost:         a.cfg.HTTP.URLHost,
		AllowSubdomains: a.cfg.HTTP.AllowSubdomains,
	}, deps)
	if err != nil {
		facade.Close()
		return nil, err
	}
	return &api{
		handler: h,
		jobs:    []role{{name: "join load flush", run: facade.Run}},
		close:   facade.Close,
	}, nil
}

// playbackMounts routes the recording playback paths (one-time links, resources, player).
func (a *app) playbackMounts() []server.Mount {
	rc := a.cfg.Recordings
	var protector *recordings.Protector
	if rc.SecretKeyBase != "" {
		protector = recordings.NewProtector(a.tokens, rc.SecretKeyBase, rc.TokenTimeout, rc.CookieTimeout, time.Now)
	}
	var tenant recordings.TenantFunc
	if a.cfg.API.MultitenancyEnabled {
		tenant = recordings.HostTenant(a.store, nil)
	}
	pb := recordings.NewPlayback(recordings.PlaybackConfig{
		PublishDir:    rc.PublishDir,
		Formats:       rc.PlaybackFormats,
		Protected:     rc.ProtectedEnabled,
		AccelRedirect: rc.AccelRedirect,
		PlayerDir:     rc.PlayerDir,
	}, a.store, protector, tenant, a.logger)
	var mounts []server.Mount
	for _, prefix := range pb.Prefixes() {
		mounts = append(mounts, server.Mount{Path: prefix + "*path", Handler: pb})
	}
	return mounts
}
