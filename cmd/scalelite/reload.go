package main

import (
	"context"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/scalelite-go/scalelite/internal/config"
)

// reloadable are the variables serve applies on SIGHUP (systemctl reload). Any other change is
// logged as needing a restart and is not applied.
var reloadable = []string{"LOG_LEVEL", "LOADBALANCER_SECRET", "LOADBALANCER_SECRETS", "ADMIN_API_KEY"}

// reloadOnHangup applies the reloadable settings each time the process gets SIGHUP, until ctx
// ends: the environment file (SCALELITE_ENV_FILE) is read again, the whole configuration is
// checked as at start (a bad one is refused whole and logged), then the secrets, the admin API
// key and the log level change at once, without dropping a request.
func (e *env) reloadOnHangup(ctx context.Context, in *instance) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	current, _, _ := config.InspectLookup(e.lookupEnv)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if vars, ok := e.reload(in, current); ok {
					current = vars
				}
			}
		}
	}()
}

func (e *env) reload(in *instance, current []config.Variable) ([]config.Variable, bool) {
	logger := in.logger
	if e.envFile != "" {
		if err := e.reloadEnvFile(); err != nil {
			logger.Error("reload refused; the running configuration stays", "err", err)
			return nil, false
		}
	}
	vars, cfg, err := config.InspectLookup(e.lookupEnv)
	if err == nil {
		err = cfg.ValidateFor(in.roles)
	}
	if err != nil {
		logger.Error("reload refused; the running configuration stays", "err", err)
		return nil, false
	}
	var applied, restart []string
	before := map[string]string{}
	for _, v := range current {
		before[v.Name] = v.Value
	}
	for _, v := range vars {
		if before[v.Name] == v.Value {
			continue
		}
		if slices.Contains(reloadable, v.Name) {
			applied = append(applied, v.Name)
		} else {
			restart = append(restart, v.Name)
		}
	}
	if e.logLevel != nil {
		e.logLevel.Set(cfg.Log.Level)
	}
	for _, apply := range in.app.onReload {
		apply(cfg)
	}
	logger.Info("configuration reloaded", "changed", applied)
	if len(restart) > 0 {
		logger.Warn("these settings changed but apply only after a restart", "variables", restart)
	}
	return vars, true
}
