package recordings

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Limits bound what one archive may extract to.
type Limits struct {
	MaxBytes int64 // total bytes of regular files
	// MaxRatio, when positive, also bounds the total to MaxRatio times the archive's size (but
	// at least ratioFloor): compression, sparse entries and hard links cannot blow a small
	// archive up.
	MaxRatio   float64
	MaxEntries int  // tar entries of any kind
	NoSync     bool // skip fsync of written files
}

// ratioFloor is what any archive may extract to whatever its size, so the ratio never refuses
// a small recording.
const ratioFloor = 64 << 20

// maxBytesFor returns the extraction limit for an archive of size bytes.
func (l Limits) maxBytesFor(size int64) int64 {
	if l.MaxRatio <= 0 {
		return l.MaxBytes
	}
	byRatio := max(int64(l.MaxRatio*float64(size)), ratioFloor)
	return min(l.MaxBytes, byRatio)
}

// rejectedError marks an archive that can never be imported as it is (hostile, corrupt or not
// a recording); it is not retried automatically.
type rejectedError struct{ reason string }

func (e *rejectedError) Error() string { return e.reason }

func rejectf(format string, args ...any) error {
	return &rejectedError{reason: fmt.Sprintf(format, args...)}
}

// isRejected reports whether err means the archive itself is bad.
func isRejected(err error) bool {
	var r *rejectedError
	return errors.As(err, &r)
}

// extractArchive unpacks a tar or tar.gz archive into dest, which must be an empty directory.
// Every entry must lie under <format>/<record_id>/; absolute names, ".." components, links
// leaving their recording directory, device files and archives over the limits are rejected.
// All writes go through an os.Root on dest, so nothing outside dest is ever touched.
func extractArchive(ctx context.Context, archive, dest string, lim Limits) error {
	f, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("open archive: %w", err)
	}
	defer f.Close()
	root, err := os.OpenRoot(dest)
	if err != nil {
		return fmt.Errorf("open work dir: %w", err)
	}
	defer root.Close()
	if fi, err := f.Stat(); err == nil {
		lim.MaxBytes = lim.maxBytesFor(fi.Size())
	}

	br := bufio.NewReaderSize(f, 64<<10)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return rejectf("corrupt gzip archive: %v", err)
		}
		defer gz.Close()
		r = gz
	}
	x := &extractor{ctx: ctx, root: root, lim: lim}
	tr := tar.NewReader(r)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rejectf("corrupt archive after %d entries: %v", x.entries, err)
		}
		x.entries++
		if x.entries > lim.MaxEntries {
			return rejectf("archive has more than %d entries", lim.MaxEntries)
		}
		if err := x.entry(hdr, tr); err != nil {
			return err
		}
	}
	if x.entries == 0 {
		return rejectf("empty or not a tar archive")
	}
	return nil
}

type extractor struct {
	ctx     context.Context
	root    *os.Root
	lim     Limits
	entries int
	written int64
}

// entryName validates a tar name and returns it cleaned, relative, '/'-separated.
func entryName(name string) (string, []string, error) {
	if strings.ContainsRune(name, 0) || strings.Contains(name, `\`) {
		return "", nil, rejectf("entry %q: invalid characters", name)
	}
	if strings.HasPrefix(name, "/") {
		return "", nil, rejectf("entry %q: absolute path", name)
	}
	var parts []string
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "", ".":
		case "..":
			return "", nil, rejectf("entry %q: parent directory reference", name)
		default:
			parts = append(parts, p)
		}
	}
	if len(parts) >= 1 && !validFormat(parts[0]) {
		return "", nil, rejectf("entry %q: %q is not a playback format name", name, parts[0])
	}
	if len(parts) >= 2 && !ValidRecordID(parts[1]) {
		return "", nil, rejectf("entry %q: %q is not a record id", name, parts[1])
	}
	return strings.Join(parts, "/"), parts, nil
}

func (x *extractor) entry(hdr *tar.Header, r io.Reader) error {
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader, tar.TypeXHeader:
		return nil
	}
	name, parts, err := entryName(hdr.Name)
	if err != nil {
		return err
	}
	if hdr.Typeflag == tar.TypeDir {
		if len(parts) == 0 {
			return nil
		}
		if err := x.checkParents(name); err != nil {
			return err
		}
		return x.root.MkdirAll(name, 0o755)
	}
	if len(parts) < 3 {
		return rejectf("entry %q: files must lie under <format>/<record_id>/", hdr.Name)
	}
	subtree := parts[0] + "/" + parts[1]
	if err := x.checkParents(name); err != nil {
		return err
	}
	if err := x.root.MkdirAll(path.Dir(name), 0o755); err != nil {
		return fmt.Errorf("extract %s: %w", name, err)
	}
	if err := x.clear(name); err != nil {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeRegA:
		return x.writeFile(name, hdr.Size, fileMode(hdr.Mode), r)
	case tar.TypeSymlink:
		target := hdr.Linkname
		if target == "" || strings.HasPrefix(target, "/") || strings.ContainsRune(target, 0) {
			return rejectf("entry %q: symlink to %q", hdr.Name, target)
		}
		resolved := path.Join(path.Dir(name), target)
		if !strings.HasPrefix(resolved+"/", subtree+"/") || resolved == subtree {
			return rejectf("entry %q: symlink %q leaves %s", hdr.Name, target, subtree)
		}
		return x.root.Symlink(target, name)
	case tar.TypeLink:
		target, _, err := entryName(hdr.Linkname)
		if err != nil {
			return rejectf("entry %q: hard link: %v", hdr.Name, err)
		}
		if !strings.HasPrefix(target, subtree+"/") {
			return rejectf("entry %q: hard link to %q leaves %s", hdr.Name, hdr.Linkname, subtree)
		}
		if err := x.checkParents(target); err != nil {
			return err
		}
		fi, err := x.root.Lstat(target)
		if err != nil || !fi.Mode().IsRegular() {
			return rejectf("entry %q: hard link to %q, which is not a file extracted before", hdr.Name, hdr.Linkname)
		}
		src, err := x.root.Open(target)
		if err != nil {
			return fmt.Errorf("extract %s: %w", name, err)
		}
		defer src.Close()
		return x.writeFile(name, fi.Size(), fi.Mode().Perm(), src)
	default:
		return rejectf("entry %q: unsupported entry type %q", hdr.Name, hdr.Typeflag)
	}
}

// checkParents refuses to write through a symlinked directory, even one inside the root.
func (x *extractor) checkParents(name string) error {
	dir := path.Dir(name)
	for dir != "." && dir != "/" {
		fi, err := x.root.Lstat(dir)
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return rejectf("entry %q: path goes through symlink %q", name, dir)
		}
		if err == nil && !fi.IsDir() {
			return rejectf("entry %q: %q is not a directory", name, dir)
		}
		dir = path.Dir(dir)
	}
	return nil
}

// clear removes an earlier entry of the same name (a later tar member wins), never a directory.
func (x *extractor) clear(name string) error {
	fi, err := x.root.Lstat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("extract %s: %w", name, err)
	case fi.IsDir():
		return rejectf("entry %q replaces a directory", name)
	}
	return x.root.Remove(name)
}

func (x *extractor) writeFile(name string, size int64, mode fs.FileMode, r io.Reader) error {
	if size < 0 || x.written+size > x.lim.MaxBytes {
		return rejectf("archive expands beyond %d bytes (at %q)", x.lim.MaxBytes, name)
	}
	out, err := x.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("extract %s: %w", name, err)
	}
	n, err := io.Copy(out, &ctxReader{ctx: x.ctx, r: io.LimitReader(r, size)})
	x.written += n
	if err == nil && n != size {
		err = rejectf("entry %q truncated: %d of %d bytes", name, n, size)
	}
	if err == nil && !x.lim.NoSync {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if isRejected(err) || x.ctx.Err() != nil {
			return err
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return rejectf("entry %q truncated: %v", name, err)
		}
		return fmt.Errorf("extract %s: %w", name, err)
	}
	return nil
}

func fileMode(m int64) fs.FileMode {
	if m&0o111 != 0 {
		return 0o755
	}
	return 0o644
}

// ctxReader stops a long copy when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
