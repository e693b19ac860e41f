package recordings

import (
	"archive/tar"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func extractTo(t *testing.T, data []byte, lim Limits) (string, string, error) {
	t.Helper()
	base := t.TempDir()
	work := filepath.Join(base, "work")
	os.MkdirAll(work, 0o755)
	archive := filepath.Join(base, "a.tar")
	os.WriteFile(archive, data, 0o644)
	if lim.MaxBytes == 0 {
		lim.MaxBytes = 1 << 20
	}
	if lim.MaxEntries == 0 {
		lim.MaxEntries = 1000
	}
	lim.NoSync = true
	return base, work, extractArchive(context.Background(), archive, work, lim)
}

func TestExtractGood(t *testing.T) {
	r := recSpec{ID: "rec-1", MeetingID: "m1", Name: "M"}
	es := append(recordingEntries(r, "presentation", "video"),
		tarEntry{Name: "./presentation/rec-1/link.svg", Type: tar.TypeSymlink, Linkname: "shapes.svg"},
		tarEntry{Name: "presentation/rec-1/presentation/hard.png", Type: tar.TypeLink, Linkname: "presentation/rec-1/presentation/slide-1.png"},
	)
	for name, data := range map[string][]byte{"tar": buildTar(t, es), "tar.gz": gzipped(t, buildTar(t, es))} {
		t.Run(name, func(t *testing.T) {
			_, work, err := extractTo(t, data, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(work, "presentation/rec-1/presentation/hard.png"))
			if err != nil || string(b) != "PNG1" {
				t.Fatalf("hard link copy: %q %v", b, err)
			}
			if target, err := os.Readlink(filepath.Join(work, "presentation/rec-1/link.svg")); err != nil || target != "shapes.svg" {
				t.Fatalf("symlink: %q %v", target, err)
			}
			mustExist(t, filepath.Join(work, "video/rec-1/metadata.xml"))
		})
	}
}

func TestExtractRejectsHostileArchives(t *testing.T) {
	ok := tarEntry{Name: "presentation/rec-1/metadata.xml", Body: "x"}
	tests := []struct {
		name    string
		entries []tarEntry
		lim     Limits
		want    string
	}{
		{"parent reference", []tarEntry{{Name: "presentation/rec-1/../../../evil.txt", Body: "x"}}, Limits{}, "parent directory"},
		{"leading parent", []tarEntry{{Name: "../evil.txt", Body: "x"}}, Limits{}, "parent directory"},
		{"absolute", []tarEntry{{Name: "/tmp/evil.txt", Body: "x"}}, Limits{}, "absolute"},
		{"symlink escaping", []tarEntry{ok, {Name: "presentation/rec-1/l", Type: tar.TypeSymlink, Linkname: "../../../../../etc/passwd"}}, Limits{}, "leaves"},
		{"symlink absolute", []tarEntry{ok, {Name: "presentation/rec-1/l", Type: tar.TypeSymlink, Linkname: "/etc/passwd"}}, Limits{}, "symlink"},
		{"symlink to other recording", []tarEntry{ok, {Name: "presentation/rec-1/l", Type: tar.TypeSymlink, Linkname: "../rec-2"}}, Limits{}, "leaves"},
		{"write through symlink", []tarEntry{ok,
			{Name: "presentation/rec-1/d", Type: tar.TypeSymlink, Linkname: "sub"},
			{Name: "presentation/rec-1/d/x", Body: "x"}}, Limits{}, "symlink"},
		{"hard link escaping", []tarEntry{ok, {Name: "presentation/rec-1/h", Type: tar.TypeLink, Linkname: "../../etc/passwd"}}, Limits{}, "parent directory"},
		{"hard link to other recording", []tarEntry{ok, {Name: "video/rec-2/metadata.xml", Body: "y"},
			{Name: "presentation/rec-1/h", Type: tar.TypeLink, Linkname: "video/rec-2/metadata.xml"}}, Limits{}, "leaves"},
		{"device", []tarEntry{{Name: "presentation/rec-1/dev", Type: tar.TypeChar}}, Limits{}, "unsupported"},
		{"fifo", []tarEntry{{Name: "presentation/rec-1/fifo", Type: tar.TypeFifo}}, Limits{}, "unsupported"},
		{"too big", []tarEntry{{Name: "presentation/rec-1/big", Body: strings.Repeat("x", 2000)}}, Limits{MaxBytes: 1000}, "beyond"},
		{"too many entries", []tarEntry{ok, ok, ok}, Limits{MaxEntries: 2}, "more than"},
		{"bad format name", []tarEntry{{Name: ".hidden/rec-1/x", Body: "x"}}, Limits{}, "format"},
		{"file outside a recording", []tarEntry{{Name: "presentation/file", Body: "x"}}, Limits{}, "must lie under"},
		{"backslash", []tarEntry{{Name: `presentation/rec-1/..\..\x`, Body: "x"}}, Limits{}, "invalid characters"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base, _, err := extractTo(t, buildTar(t, tc.entries), tc.lim)
			if err == nil || !isRejected(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want a rejection mentioning %q", err, tc.want)
			}
			// nothing written outside the work dir
			entries, _ := os.ReadDir(base)
			for _, e := range entries {
				if e.Name() != "work" && e.Name() != "a.tar" {
					t.Fatalf("unexpected %s outside the work dir", e.Name())
				}
			}
			mustNotExist(t, filepath.Join(base, "evil.txt"))
		})
	}
}

func TestExtractRejectsCorruptArchives(t *testing.T) {
	good := buildTar(t, recordingEntries(recSpec{ID: "rec-1", MeetingID: "m"}, "presentation"))
	tests := []struct {
		name string
		data []byte
	}{
		{"truncated in a file", good[:1536]},
		{"truncated header", good[:700]},
		{"not a tar", []byte(strings.Repeat("garbage!", 200))},
		{"empty", nil},
		{"corrupt gzip", append([]byte{0x1f, 0x8b}, []byte("nonsense")...)},
		{"truncated gzip", gzipped(t, good)[:300]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := extractTo(t, tc.data, Limits{})
			if err == nil || !isRejected(err) {
				t.Fatalf("got %v, want a rejection", err)
			}
		})
	}
}
