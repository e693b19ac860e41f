package recordings

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzExtractArchive: whatever the archive, extraction never panics, writes nothing outside its
// directory, leaves no symlink pointing out of its recording, and stays within the limits.
func FuzzExtractArchive(f *testing.F) {
	r := recSpec{ID: "rec-1", MeetingID: "m1", Name: "M"}
	good := recordingEntries(r, "presentation")
	f.Add(buildTar(f, good))
	f.Add(gzipped(f, buildTar(f, good)))
	f.Add(buildTar(f, []tarEntry{{Name: "presentation/rec-1/../../evil", Body: "x"}}))
	f.Add(buildTar(f, append(good, tarEntry{Name: "presentation/rec-1/l", Type: '2', Linkname: "../../../etc"},
		tarEntry{Name: "presentation/rec-1/l/x", Body: "x"})))
	f.Add(buildTar(f, append(good, tarEntry{Name: "presentation/rec-1/h", Type: '1', Linkname: "presentation/rec-1/metadata.xml"})))
	f.Fuzz(func(t *testing.T, data []byte) {
		base := t.TempDir()
		work := filepath.Join(base, "work")
		os.Mkdir(work, 0o755)
		archive := filepath.Join(base, "a.tar")
		os.WriteFile(archive, data, 0o644)
		lim := Limits{MaxBytes: 1 << 20, MaxRatio: 4, MaxEntries: 200, NoSync: true}
		err := extractArchive(context.Background(), archive, work, lim)
		if err != nil && !isRejected(err) {
			t.Logf("not a rejection: %v", err) // I/O errors are possible, never a panic
		}
		names, _ := os.ReadDir(base)
		if len(names) != 2 {
			t.Fatalf("extraction wrote beside its directory: %v", names)
		}
		var total int64
		filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
			if err != nil || p == work {
				return nil
			}
			rel, _ := filepath.Rel(work, p)
			parts := strings.Split(rel, string(filepath.Separator))
			info, _ := d.Info()
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				resolved := filepath.Join(filepath.Dir(p), target)
				if len(parts) < 3 || filepath.IsAbs(target) ||
					!strings.HasPrefix(resolved, filepath.Join(work, parts[0], parts[1])+string(filepath.Separator)) {
					t.Fatalf("symlink %s -> %s leaves its recording", rel, target)
				}
			case d.Type().IsRegular():
				if len(parts) < 3 || !validFormat(parts[0]) || !ValidRecordID(parts[1]) {
					t.Fatalf("file %s is not under <format>/<record_id>/", rel)
				}
				total += info.Size()
			case !d.IsDir():
				t.Fatalf("%s has mode %v", rel, d.Type())
			}
			return nil
		})
		if total > lim.maxBytesFor(int64(len(data))) {
			t.Fatalf("extracted %d bytes from %d, beyond the limit", total, len(data))
		}
	})
}
