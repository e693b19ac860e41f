package main

import (
	"net/http"

	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/config"
	"github.com/scalelite-go/scalelite/internal/fsapi"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/server"
)

// dialInMount is the FreeSWITCH dial-plan endpoint, POST /fsapi (docs/dial-in.md). A meeting a
// caller asks for whose server is out of service is re-homed as a join would.
func (a *app) dialInMount(meetings *scalelite.MeetingService) server.Mount {
	c := a.cfg
	logger := a.logger.With("component", "fsapi")
	if !c.DialIn.NoAuth && c.DialIn.Password == "" {
		logger.Warn("FSAPI_PASSWORD and LOADBALANCER_SECRET are not set: /fsapi refuses every request (set FSAPI_PASSWORD, or set it empty to turn authentication off)")
	}
	h := fsapi.New(fsapi.Config{
		Password: c.DialIn.Password, NoAuth: c.DialIn.NoAuth, Realm: c.HTTP.URLHost,
		MaxDuration: c.DialIn.MaxDuration, MinDigits: c.DialIn.MinDigits, MaxDigits: c.DialIn.MaxDigits,
	}, meetings, a.logger)
	return server.Mount{Path: fsapi.Path, Methods: []string{http.MethodPost}, Handler: h}
}

// dialInSettings is what GraphQL's dialIn query reports.
func dialInSettings(c *config.Config) model.DialInSettings {
	return model.DialInSettings{
		Path: fsapi.Path, Authenticated: !c.DialIn.NoAuth, MaxDurationMinutes: c.DialIn.MaxDuration,
		PinMinDigits: c.DialIn.MinDigits, PinMaxDigits: c.DialIn.MaxDigits, VoiceBridgeLength: c.API.VoiceBridgeLen,
	}
}
