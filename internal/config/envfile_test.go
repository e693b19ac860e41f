package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadEnvFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scalelite")
	content := `# the secret
LOADBALANCER_SECRET=abc123

export DATABASE_URL = postgres://u:p@db/scalelite
QUOTED="a \"b\" c"
SINGLE='x=$y'
EMPTY=
`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	vals, err := ReadEnvFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"LOADBALANCER_SECRET": "abc123", "DATABASE_URL": "postgres://u:p@db/scalelite",
		"QUOTED": `a "b" c`, "SINGLE": "x=$y", "EMPTY": "",
	}
	if len(vals) != len(want) {
		t.Errorf("got %v, want %v", vals, want)
	}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("%s = %q, want %q", k, vals[k], v)
		}
	}
	env := Layered(func(k string) string { return map[string]string{"LOADBALANCER_SECRET": "from-env"}[k] }, vals)
	if env("LOADBALANCER_SECRET") != "from-env" || env("SINGLE") != "x=$y" || env("NOPE") != "" {
		t.Errorf("layered: the environment must win over the file, the file fill the rest")
	}
}

func TestReadEnvFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("OK=1\nnot a variable\n"), 0o600)
	if _, err := ReadEnvFile(bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("malformed line: %v, want an error naming line 2", err)
	}
	if _, err := ReadEnvFile(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), EnvFileVar) {
		t.Errorf("missing file: %v", err)
	}
}

func TestInspectMasksSecrets(t *testing.T) {
	env := map[string]string{
		"LOADBALANCER_SECRET": "s3cr3t-value", "LOADBALANCER_SECRETS": "a:b", "SECRET_KEY_BASE": "kb",
		"ADMIN_API_KEY": "admin-key-0123456789", "DATABASE_URL": "postgres://scalelite:pgpass@db/scalelite?sslmode=disable&password=qp",
		"REDIS_URL": "redis://:redispass@redis:6379/0", "POLL_INTERVAL": "30",
	}
	vars, cfg, err := Inspect(func(k string) string { return env[k] })
	if err != nil || cfg == nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Masked()
	}
	want := map[string]string{
		"LOADBALANCER_SECRET":  "(set, 12 characters)",
		"LOADBALANCER_SECRETS": "(set, 3 characters)",
		"SECRET_KEY_BASE":      "(set, 2 characters)",
		"ADMIN_API_KEY":        "(set, 20 characters)",
		"DATABASE_URL":         "postgres://scalelite:xxxxx@db/scalelite?password=xxxxx&sslmode=disable",
		"REDIS_URL":            "redis://:xxxxx@redis:6379/0",
		"POLL_INTERVAL":        "30",
		"PORT":                 "3000",
		"LOG_LEVEL":            "info",
		"RECORDING_SPOOL_DIR":  "/var/bigbluebutton/spool",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	for _, v := range vars {
		for _, secret := range []string{"s3cr3t", "pgpass", "redispass", "admin-key", "qp"} {
			if strings.Contains(v.Masked(), secret) && v.Name != "DATABASE_URL" {
				t.Errorf("%s shows %q", v.Name, v.Masked())
			}
		}
	}
	if len(vars) < 50 {
		t.Errorf("Inspect listed %d variables; want every variable Load reads", len(vars))
	}
}

// The file is also systemd's EnvironmentFile: "$" and " #" inside values are kept as systemd
// keeps them (no expansion, no inline comments), so the commands read serve's values.
func TestReadEnvFileKeepsDollarAndHash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scalelite")
	content := "DATABASE_URL=postgres://u:pa$W0rd@db/scalelite\nLOADBALANCER_SECRET=\"s$ECRET\"\nREDIS_URL=redis://:a #b@r/0\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	vals, err := ReadEnvFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"DATABASE_URL": "postgres://u:pa$W0rd@db/scalelite", "LOADBALANCER_SECRET": "s$ECRET", "REDIS_URL": "redis://:a #b@r/0"} {
		if vals[k] != v {
			t.Errorf("%s = %q, want %q", k, vals[k], v)
		}
	}
}
