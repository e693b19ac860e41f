package recordings

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// failure is the content of a <archive>.reason file in the failed directory: "key: value" lines
// for the operator to read (docs/recordings.md). Not YAML: the reason is an error text that may
// hold ": " and is written as is, so a YAML library would quote it and could not read files
// already written.
type failure struct {
	Reason   string
	Time     time.Time
	Attempts int
	Retry    bool // transient (database, disk): retried automatically
}

func (f failure) encode() string {
	retry := "no"
	if f.Retry {
		retry = "yes"
	}
	reason := strings.Join(strings.Fields(f.Reason), " ")
	return fmt.Sprintf("reason: %s\ntime: %s\nattempts: %d\nretry: %s\n",
		reason, f.Time.UTC().Format(time.RFC3339), f.Attempts, retry)
}

func readFailure(path string) (failure, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return failure{}, err
	}
	var f failure
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok {
			continue
		}
		switch k {
		case "reason":
			f.Reason = v
		case "time":
			f.Time, _ = time.Parse(time.RFC3339, v)
		case "attempts":
			f.Attempts, _ = strconv.Atoi(v)
		case "retry":
			f.Retry = v == "yes"
		}
	}
	return f, nil
}

// fail moves an archive that could not be imported into the failed directory and writes its
// reason file. It never deletes the archive.
func (im *Importer) fail(path string, cause error) {
	name := im.originalName(path)
	dst := filepath.Join(im.cfg.FailedDir, name)
	f := failure{Reason: cause.Error(), Time: im.now(), Attempts: 1, Retry: !isRejected(cause)}
	if sameDir(filepath.Dir(path), im.cfg.FailedDir) {
		dst = path
		if prev, err := readFailure(path + ".reason"); err == nil {
			f.Attempts = prev.Attempts + 1
		}
	}
	log := im.logger.With("archive", name, "failed_dir", im.cfg.FailedDir)
	if err := os.MkdirAll(im.cfg.FailedDir, 0o755); err != nil {
		log.Error("archive import failed; cannot create failed dir, archive kept", "reason", f.Reason, "err", err)
		return
	}
	if dst != path {
		if err := im.files.moveFile(path, dst); err != nil {
			log.Error("archive import failed; cannot move it to the failed dir, archive kept",
				"reason", f.Reason, "archive_path", path, "err", err)
			return
		}
	}
	tmp := dst + ".reason.tmp"
	err := os.WriteFile(tmp, []byte(f.encode()), 0o644)
	if err == nil {
		err = os.Rename(tmp, dst+".reason")
	}
	if err != nil {
		log.Error("write reason file", "err", err)
	}
	log.Error("archive import failed", "reason", f.Reason, "attempts", f.Attempts, "will_retry",
		f.Retry && f.Attempts <= im.cfg.RetryFailed)
}

// retryDue lists failed archives whose transient failure is due for another attempt.
func (im *Importer) retryDue() []string {
	if im.cfg.RetryFailed < 0 {
		return nil
	}
	reasons, _ := filepath.Glob(filepath.Join(im.cfg.FailedDir, "*.reason"))
	var due []string
	for _, r := range reasons {
		f, err := readFailure(r)
		if err != nil || !f.Retry || f.Attempts > im.cfg.RetryFailed {
			continue
		}
		delay := im.cfg.PollInterval << min(f.Attempts-1, 20)
		if delay > 6*time.Hour || delay <= 0 {
			delay = 6 * time.Hour
		}
		if im.now().Before(f.Time.Add(delay)) {
			continue
		}
		archive := strings.TrimSuffix(r, ".reason")
		if exists(archive) {
			due = append(due, archive)
		}
	}
	return due
}

// moveFile renames a file, copying it across file systems.
func (f *Files) moveFile(src, dst string) error {
	err := os.Rename(src, dst)
	if err == nil || !errors.Is(err, errCrossDevice) {
		return err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".tmp-"+randomSuffix())
	if err := f.copyFile(src, tmp, fi.Mode().Perm()); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Remove(src)
}
