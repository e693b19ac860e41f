package config

// Hand-written on purpose, not github.com/joho/godotenv: this file is also serve's systemd
// EnvironmentFile, so the commands must read the values systemd passes to serve. godotenv v1.5.1
// expands $NAME in unquoted and double-quoted values (a DATABASE_URL password "pa$W0rd" becomes
// "pard") and cuts unquoted values at " #"; systemd does neither (systemd.exec(5): no variable
// expansion). TestReadEnvFileKeepsDollarAndHash holds that.

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// EnvFileVar names the environment file (KEY=VALUE lines) every command reads its settings
// from, under the process environment: the same file for serve, run by systemd, and for the
// operator's commands. serve reads it again on SIGHUP.
const EnvFileVar = "SCALELITE_ENV_FILE"

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ReadEnvFile parses an environment file as systemd's EnvironmentFile and compose's env_file
// write them: KEY=VALUE per line, blank lines and # comments ignored, an optional "export "
// prefix, and a value optionally in single quotes (taken as is) or double quotes (\" and \\
// unescaped). A malformed line is an error naming its line.
func ReadEnvFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", EnvFileVar, err)
	}
	vals := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || !envName.MatchString(key) {
			return nil, fmt.Errorf("%s: %s line %d: want KEY=VALUE", EnvFileVar, path, n)
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && val[0] == '\'' && val[len(val)-1] == '\'' {
			val = val[1 : len(val)-1]
		} else if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(val[1 : len(val)-1])
		}
		vals[key] = val
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", EnvFileVar, path, err)
	}
	return vals, nil
}

// Layered returns a getenv that answers from the process environment first and from the
// file's values for what the environment leaves unset or empty.
func Layered(getenv func(string) string, file map[string]string) func(string) string {
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return file[k]
	}
}

// LayeredLookup is Layered for a lookup that tells an empty variable from an unset one: the
// environment's non-empty value, else the file's, else the environment's empty one.
func LayeredLookup(lookup func(string) (string, bool), file map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := lookup(k)
		if v != "" {
			return v, true
		}
		if fv, inFile := file[k]; inFile {
			return fv, true
		}
		return v, ok
	}
}
