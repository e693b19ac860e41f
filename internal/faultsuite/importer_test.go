//go:build linux

package faultsuite

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startSplit starts a cluster with an api and poller process and a separate importer process
// (extra env for the importer), and waits until a create succeeds.
func startSplit(t *testing.T, env, importerEnv map[string]string) (*started, *proc) {
	t.Helper()
	c := newCluster(t, 2, env)
	p := c.serve("api", "api,poller", nil)
	im := c.serve("importer", "importer", importerEnv)
	c.addServers()
	a := newAPI(p.base, c.secret)
	if !waitUntil(30*time.Second, func() bool { return a.create("warm-up").success() }) {
		t.Fatalf("no create succeeded within 30 s: %v", a.create("warm-up"))
	}
	return &started{c: c, p: p, api: a}, im
}

// extracting reports whether an import has files in its extraction directory.
func extracting(workDir string) bool {
	files, _ := filepath.Glob(filepath.Join(workDir, "import-*", "presentation", "*", "video", "*"))
	return len(files) > 0
}

// The importer killed (kill -9) in the middle of extracting a large archive: the api keeps
// answering, the restarted importer removes the dead import's extraction directory at once and
// imports the archive; nothing is lost or left behind.
func TestImporterKilledMidArchive(t *testing.T) {
	s, im := startSplit(t, nil, nil)
	tr := startTraffic(s.api, "importer", 2)
	time.Sleep(2 * time.Second)

	big := newRecordID()
	s.c.dropArchive(big, "recorded-room", 96<<20)
	s.recs = append(s.recs, big)
	if !waitUntil(60*time.Second, func() bool { return extracting(s.c.workDir()) }) {
		t.Fatalf("the import never started extracting; importer log:\n%s", tail(im.logPath, 20))
	}
	faultStart := time.Now()
	im.kill()
	if !extracting(s.c.workDir()) {
		t.Log("the import finished before the kill landed; the scenario still checks the restart")
	}
	left, _ := filepath.Glob(filepath.Join(s.c.workDir(), "import-*"))
	small := newRecordID()
	s.c.dropArchive(small, "recorded-room", 0)
	s.recs = append(s.recs, small)
	time.Sleep(time.Second)
	im.start()
	faultEnd := time.Now()

	r := report{}
	r.recordingsLost = recordingsLost(s.api, s.recs, 90*time.Second)
	imported := time.Since(faultEnd)
	tr.halt()
	lost, examples := s.c.meetingsLost(s.api, tr.created())
	sum := tr.summarise("importer killed mid-archive", faultStart, faultEnd)
	sum.meetingsLost, sum.recordingsLost = lost, r.recordingsLost
	sum.check(t, 0)
	for _, e := range examples {
		t.Logf("  lost: %s", e)
	}
	t.Logf("extraction directories left by the kill: %d; archives imported %.1fs after the restart", len(left), imported.Seconds())
	for _, d := range left {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("extraction directory %s of the killed import is still there", filepath.Base(d))
		}
	}
	for _, pattern := range []string{filepath.Join(s.c.workDir(), "*"), filepath.Join(s.c.spoolDir(), "*.tar"),
		filepath.Join(s.c.spoolDir(), ".importing", "*"), filepath.Join(s.c.failedDir(), "*")} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			t.Errorf("left behind: %v", m)
		}
	}
}

// A full publish disk: an archive that does not fit fails without publishing anything of it
// and stays (failed, with its reason, and retried); once there is room it is imported, and the
// recordings already published are untouched. Needs root to mount a small tmpfs over the publish
// directory; without root the scenario is skipped (see docs/security.md).
func TestFullPublishDisk(t *testing.T) {
	skipShort(t)
	if os.Geteuid() != 0 {
		t.Skip("a full disk is simulated with a small tmpfs, which needs root")
	}
	s, _ := startSplitWithDisk(t)
	tr := startTraffic(s.api, "disk", 2)
	fits := newRecordID()
	s.c.dropArchive(fits, "recorded-room", 2<<20)
	if recordingsLost(s.api, []string{fits}, 30*time.Second) > 0 {
		t.Fatal("the archive that fits was not imported")
	}
	faultStart := time.Now()
	tooBig := newRecordID()
	s.c.dropArchive(tooBig, "recorded-room", 24<<20)
	s.recs = []string{fits, tooBig}
	reason := filepath.Join(s.c.failedDir(), tooBig+".tar.reason")
	if !waitUntil(60*time.Second, func() bool { _, err := os.Stat(reason); return err == nil }) {
		t.Fatal("the archive that does not fit was not filed as failed")
	}
	why, _ := os.ReadFile(reason)
	t.Logf("failed import: %s", strings.TrimSpace(string(why)))
	if recordingVisible(s.api, tooBig) {
		t.Error("the recording that did not fit is listed")
	}
	if m, _ := filepath.Glob(filepath.Join(s.c.publishDir(), "presentation", "*"+tooBig+"*")); len(m) > 0 {
		t.Errorf("parts of the recording that did not fit are in the publish tree: %v", m)
	}
	if out, err := exec.Command("mount", "-o", "remount,size=64m", s.c.publishDir()).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v %s", err, out)
	}
	faultEnd := time.Now()
	lostRecs := recordingsLost(s.api, s.recs, 90*time.Second)
	tr.halt()
	r := tr.summarise("full publish disk", faultStart, faultEnd)
	r.recordingsLost = lostRecs
	r.meetingsLost, _ = s.c.meetingsLost(s.api, tr.created())
	r.check(t, 0)
	if b, err := os.ReadFile(filepath.Join(s.c.publishDir(), "presentation", fits, "index.html")); err != nil || string(b) != "<html>presentation</html>" {
		t.Errorf("the recording published before the disk filled: %q %v", b, err)
	}
}

// startSplitWithDisk mounts a 16 MiB tmpfs over the publish directory (unmounted at cleanup)
// before the processes start.
func startSplitWithDisk(t *testing.T) (*started, *proc) {
	t.Helper()
	dir := t.TempDir()
	publish := filepath.Join(dir, "published")
	os.MkdirAll(publish, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", publish).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (%v: %s)", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", publish).Run() })
	return startSplit(t, map[string]string{"RECORDING_PUBLISH_DIR": publish}, nil)
}
