package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db/dbtest"
)

// A read command pointed at a database that does not exist (no DATABASE_URL in the shell, the
// wrong directory) says so and exits 1, and creates nothing.
func TestOperatorCommandsNeverCreateADatabase(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SCALELITE_DATA_DIR": filepath.Join(dir, "data")}
	for _, args := range [][]string{{"status"}, {"servers"}, {"meetings"}, {"api-keys", "list"}, {"servers", "add", "https://bbb.example.com/bigbluebutton/api", "s"}} {
		_, stderr, err := runCmd(t, env, args...)
		if err == nil || exitCode(err) != 1 || !strings.Contains(stderr, "no database at "+filepath.Join(dir, "data", "scalelite.db")) ||
			!strings.Contains(stderr, "DATABASE_URL is not set") {
			t.Errorf("%v: %v\n%s", args, err, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
		t.Errorf("the data directory was created: %v", err)
	}

	// An empty PostgreSQL database (no schema): the same, and no schema is created.
	pg := map[string]string{"DATABASE_URL": dbtest.PostgresDSN(t)}
	if _, stderr, err := runCmd(t, pg, "status"); err == nil || !strings.Contains(stderr, "no scalelite schema") {
		t.Errorf("status on an empty PostgreSQL database: %v\n%s", err, stderr)
	}
	if out, _, err := runCmd(t, pg, "migrate", "version"); err != nil || !strings.Contains(out, "schema version 0") {
		t.Errorf("status created a schema: %q %v", out, err)
	}
}

// The environment file gives every command serve's settings; the environment wins over it.
func TestEnvFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "scalelite.env")
	db := filepath.Join(dir, "serve.db")
	if err := os.WriteFile(file, []byte("# as /etc/default/scalelite\nDATABASE_URL=sqlite:"+db+"\nLOG_LEVEL=warn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCmd(t, map[string]string{"SCALELITE_ENV_FILE": file}, "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("migrate up did not use the file's DATABASE_URL: %v", err)
	}
	if out, stderr, err := runCmd(t, nil, "--env-file", file, "status"); err != nil || !strings.Contains(out, "HOSTNAME") {
		t.Errorf("status --env-file: %v %q\n%s", err, out, stderr)
	}
	other := filepath.Join(dir, "other.db")
	_, stderr, err := runCmd(t, map[string]string{"SCALELITE_ENV_FILE": file, "DATABASE_URL": "sqlite:" + other}, "status")
	if err == nil || !strings.Contains(stderr, "no database at "+other) {
		t.Errorf("the environment's DATABASE_URL must win over the file's: %v\n%s", err, stderr)
	}
	if _, stderr, err := runCmd(t, nil, "--env-file", filepath.Join(dir, "missing"), "status"); err == nil || !strings.Contains(stderr, "SCALELITE_ENV_FILE") {
		t.Errorf("missing env file: %v\n%s", err, stderr)
	}
}
