package docker

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var units = []string{"scalelite.target", "scalelite-api.service", "scalelite-poller.service", "scalelite-importer.service", "scalelite.service"}

// The units pass systemd-analyze verify without a word (unknown keys, bad values and missing
// dependencies are all reported), with ExecStart pointed at an existing binary.
func TestSystemdUnitsVerify(t *testing.T) {
	analyze := tool(t, "systemd-analyze", "systemd")
	dir := t.TempDir()
	for _, u := range units {
		b, err := os.ReadFile(filepath.Join("systemd", u))
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.ReplaceAll(string(b), "/usr/local/bin/scalelite", "/bin/true"))
		if err := os.WriteFile(filepath.Join(dir, u), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"verify", "--man=no"}
	for _, u := range units {
		args = append(args, "./"+u)
	}
	if out := runTool(t, dir, analyze, args...); strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify:\n%s", out)
	}
}

// What a fresh Debian/Ubuntu host needs of the units: Scalelite's spool group, optional
// recording directories, the shared environment file, hardening, one unit per role.
func TestSystemdUnits(t *testing.T) {
	for _, u := range units[1:] {
		b, err := os.ReadFile(filepath.Join("systemd", u))
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		for _, want := range []string{"User=scalelite\n", "SupplementaryGroups=scalelite-spool\n", "Environment=SCALELITE_ENV_FILE=/etc/default/scalelite\n",
			"ExecReload=/bin/kill -HUP $MAINPID\n", "NoNewPrivileges=yes\n", "ProtectSystem=strict\n", "CapabilityBoundingSet=\n", "UMask=0002\n"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %q", u, strings.TrimSpace(want))
			}
		}
		for _, line := range strings.Split(s, "\n") {
			if v, ok := strings.CutPrefix(line, "ReadWritePaths="); ok {
				for _, p := range strings.Fields(v) {
					if !strings.HasPrefix(p, "-") {
						t.Errorf("%s: ReadWritePaths %s without '-': the unit fails when the directory is missing", u, p)
					}
				}
			}
		}
		if role, ok := strings.CutPrefix(strings.TrimSuffix(u, ".service"), "scalelite-"); ok && !strings.Contains(s, "serve --roles "+role+"\n") {
			t.Errorf("%s does not run the %s role alone", u, role)
		}
	}
	target, _ := os.ReadFile("systemd/scalelite.target")
	if !strings.Contains(string(target), "Wants=scalelite-api.service scalelite-poller.service scalelite-importer.service") {
		t.Errorf("the target does not pull in every role")
	}
	// The install script: the spool group as Scalelite's, no fixed uid, a system user.
	script, _ := os.ReadFile("systemd/install.sh")
	for _, want := range []string{"groupadd --system --gid 2000 scalelite-spool", "useradd --system --user-group --groups scalelite-spool"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("install.sh lacks %q", want)
		}
	}
	if strings.Contains(string(script), "--uid") {
		t.Errorf("install.sh fixes a uid (often taken on a fresh host)")
	}
	runTool(t, "systemd", "sh", "-n", "install.sh")
}
