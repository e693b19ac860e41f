package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// serve reads LOCALES_DIR and DEFAULT_LOCALE for the pages shown to end users, and refuses to
// start on a broken locale file.
func TestServePageLocales(t *testing.T) {
	dir := t.TempDir()
	de := "de:\n  errors:\n    recording_not_found:\n      title: Aufzeichnung nicht gefunden\n"
	if err := os.WriteFile(filepath.Join(dir, "de.yml"), []byte(de), 0o644); err != nil {
		t.Fatal(err)
	}
	env := sqliteEnv(t)
	env["LOCALES_DIR"], env["DEFAULT_LOCALE"] = dir, "de"
	s := start(t, env, "serve", "--roles", "api")
	base := s.stdout.wait(t, listening, s.done)[1]
	code, body := httpGet(t, base+"/presentation/0123456789abcdef0123456789abcdef01234567-1700000000000/")
	if code != 404 || !strings.Contains(body, "<title>Aufzeichnung nicht gefunden</title>") {
		t.Errorf("%d\n%s", code, body)
	}

	if err := os.WriteFile(filepath.Join(dir, "fr.yml"), []byte("fr: [broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, env, "serve", "--roles", "api")
	if err == nil || !strings.Contains(stderr, "fr.yml") {
		t.Errorf("broken locale file: %v\n%s", err, stderr)
	}
}
