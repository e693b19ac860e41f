package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "scalelite.env")
	os.WriteFile(file, []byte("SECRET_KEY_BASE=file-secret-base\nPOLL_INTERVAL=15\n"), 0o600)
	env := map[string]string{
		"SCALELITE_ENV_FILE":  file,
		"LOADBALANCER_SECRET": "env-secret-value",
		"DATABASE_URL":        "sqlite:" + filepath.Join(dir, "x.db"),
		"REDIS_URL":           "redis://:redis-password@127.0.0.1:6379/0",
	}
	out, stderr, err := runCmd(t, env, "config", "check")
	if err != nil {
		t.Fatalf("config check: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		`LOADBALANCER_SECRET +\(set, 16 characters\) +\(environment\)`,
		`POLL_INTERVAL +15 +\(env file\)`,
		`SECRET_KEY_BASE +\(set, 16 characters\) +\(env file\)`,
		`REDIS_URL +redis://:xxxxx@127.0.0.1:6379/0 +\(environment\)`,
		`RECORDING_SPOOL_DIR +/var/bigbluebutton/spool +\(default\)`,
		`ADMIN_API_KEY +\(unset\)`,
		`\nOK\n$`,
	} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("output does not match %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{"env-secret-value", "file-secret-base", "redis-password"} {
		if strings.Contains(out+stderr, secret) {
			t.Errorf("config check printed the secret %q", secret)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); !os.IsNotExist(err) {
		t.Errorf("config check created the database")
	}

	// Every problem at once, exit 1; --json for scripts.
	bad := map[string]string{"PORT": "eighty", "POLL_INTERVAL": "-1", "PROTECTED_RECORDINGS_ENABLED": "true"}
	js, stderr, err := runCmd(t, bad, "config", "check", "--json", "--roles", "poller")
	if err == nil || exitCode(err) != 1 {
		t.Fatalf("bad configuration: %v", err)
	}
	var rep configReport
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, js)
	}
	if rep.Valid || len(rep.Problems) != 2 || !strings.Contains(strings.Join(rep.Problems, "\n"), "PORT:") || rep.Roles != "poller" {
		t.Errorf("report %+v", rep)
	}
	// The api role needs a secret (and SECRET_KEY_BASE for protected recordings).
	_, stderr, err = runCmd(t, map[string]string{"PROTECTED_RECORDINGS_ENABLED": "true"}, "config", "check", "--roles", "api")
	if err == nil || !strings.Contains(stderr, "LOADBALANCER_SECRET: not set") || !strings.Contains(stderr, "SECRET_KEY_BASE: not set") {
		t.Errorf("api role without secrets: %v\n%s", err, stderr)
	}
	// --connect never creates the SQLite file it is pointed at.
	_, stderr, err = runCmd(t, env, "config", "check", "--connect")
	if err == nil || !strings.Contains(stderr, "database: no database at") {
		t.Errorf("--connect on a missing database: %v\n%s", err, stderr)
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete", "zsh": "compdef", "fish": "complete -c scalelite"} {
		out, stderr, err := runCmd(t, nil, "completion", shell)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("completion %s: %v %s\n%.200s", shell, err, stderr, out)
		}
	}
	// The scripts ask the binary itself for the candidates.
	out, _, err := runCmd(t, nil, "servers", "--generate-shell-completion")
	if err != nil || !strings.Contains(out, "add") || !strings.Contains(out, "sync") {
		t.Errorf("dynamic completion of servers: %v %q", err, out)
	}
}
