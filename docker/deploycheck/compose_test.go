package deploycheck

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads docker/compose.yaml as `docker compose config` does (schema validation,
// interpolation, merges), with scalelite.env made from the example and env as the shell's.
func loadCompose(t *testing.T, env map[string]string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	for src, dst := range map[string]string{"../compose.yaml": "compose.yaml", "../scalelite.env.example": "scalelite.env"} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(dir, "compose.yaml")}},
		Environment: env,
	})
	if err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return p
}

func TestCompose(t *testing.T) {
	p := loadCompose(t, map[string]string{})
	for _, name := range []string{"postgres", "redis", "api", "poller", "importer", "nginx"} {
		if _, ok := p.Services[name]; !ok {
			t.Fatalf("no service %s", name)
		}
	}
	liveness := "/usr/local/bin/scalelite liveness"
	for _, name := range []string{"api", "poller", "importer"} {
		s := p.Services[name]
		if hc := s.HealthCheck; hc == nil || strings.Join(hc.Test, " ") != "CMD "+liveness {
			t.Errorf("%s: healthcheck %v, want the binary's own liveness (no shell in the image)", name, hc)
		}
		if s.Environment["DATABASE_URL"] == nil || s.Environment["REDIS_URL"] == nil {
			t.Errorf("%s: no DATABASE_URL or REDIS_URL", name)
		}
		if got := strings.Join(s.Command, " "); got != "serve --roles "+name {
			t.Errorf("%s: command %q", name, got)
		}
	}
	if r := p.Services["api"].Deploy; r == nil || r.Replicas == nil || *r.Replicas != 2 {
		t.Errorf("api replicas: %+v", r)
	}
	if v := p.Services["api"].Environment["RECORDING_ACCEL_REDIRECT"]; v == nil || *v != "true" {
		t.Errorf("api without RECORDING_ACCEL_REDIRECT=true")
	}
	for _, name := range []string{"poller", "importer"} {
		if v := p.Services[name].Environment["METRICS_BIND"]; v == nil || *v == "" {
			t.Errorf("%s has no METRICS_BIND: its healthcheck and metrics need the listener", name)
		}
	}
	nginx := p.Services["nginx"]
	if v := nginx.Environment["NGINX_SSL"]; v == nil || *v != "false" {
		t.Errorf("NGINX_SSL defaults to %v, want false", v)
	}
	mounts := map[string]string{}
	for _, v := range nginx.Volumes {
		mounts[v.Target] = v.Source
	}
	for target, src := range map[string]string{"/etc/nginx/templates": "nginx/templates", "/etc/nginx/conf.d": "nginx/conf.d"} {
		if !strings.HasSuffix(mounts[target], src) {
			t.Errorf("nginx mounts %q at %s, want docker/%s", mounts[target], target, src)
		}
		if _, err := os.Stat(filepath.Join("..", src)); err != nil {
			t.Errorf("docker/%s: %v", src, err)
		}
	}
	if _, ok := mounts["/var/bigbluebutton/playback/presentation/2.3"]; !ok {
		t.Errorf("nginx does not mount the presentation player")
	}

	// TLS on: the certificate of URL_HOST from /etc/letsencrypt.
	p = loadCompose(t, map[string]string{"NGINX_SSL": "true", "URL_HOST": "lb.example.com"})
	env := p.Services["nginx"].Environment
	if v := env["NGINX_SSL_CERTIFICATE"]; v == nil || *v != "/etc/letsencrypt/live/lb.example.com/fullchain.pem" {
		t.Errorf("NGINX_SSL_CERTIFICATE = %v", v)
	}
	if v := env["NGINX_SSL"]; v == nil || *v != "true" {
		t.Errorf("NGINX_SSL = %v", v)
	}
}
