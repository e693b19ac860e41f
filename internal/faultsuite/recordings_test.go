//go:build linux

package faultsuite

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

var recordSeq atomic.Int64

// newRecordID returns a record id in BBB's form (40 hex digits, a dash, a timestamp in ms).
func newRecordID() string {
	n := recordSeq.Add(1)
	return fmt.Sprintf("%s%08x-%d", randomHex(16), n, 1700000000000+n)
}

// archive is a recording archive in the post_publish format: an uncompressed tar of
// presentation/<id>/ with metadata.xml, and filler media files of fill bytes in all.
func archive(id, meetingID string, fill int) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, body []byte) {
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body)), ModTime: time.Unix(1700000000, 0)})
		tw.Write(body)
	}
	for _, d := range []string{"presentation/", "presentation/" + id + "/"} {
		tw.WriteHeader(&tar.Header{Name: d, Typeflag: tar.TypeDir, Mode: 0o755, ModTime: time.Unix(1700000000, 0)})
	}
	dir := "presentation/" + id + "/"
	add(dir+"metadata.xml", []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<recording><id>%s</id><state>published</state><published>true</published>
<start_time>1700000000000</start_time><end_time>1700001830000</end_time><participants>3</participants>
<meeting id="%s" externalId="%s" name="Room" breakout="false"/>
<meta><isBreakout>false</isBreakout><meetingId>%s</meetingId><meetingName>Room</meetingName></meta>
<playback><format>presentation</format><link>https://bbb1.example.com/playback/presentation/2.3/%s</link>
<processing_time>1234</processing_time><duration>1830000</duration></playback></recording>
`, id, id, meetingID, meetingID, id)))
	add(dir+"index.html", []byte("<html>presentation</html>"))
	chunk := bytes.Repeat([]byte("w"), 1<<20)
	for i := 0; fill > 0; i++ {
		n := min(fill, len(chunk))
		add(fmt.Sprintf("%svideo/webcams-%03d.webm", dir, i), chunk[:n])
		fill -= n
	}
	tw.Close()
	return buf.Bytes()
}

// dropArchive puts an archive into the spool as rsync would (a temporary name, then a rename),
// dated in the past so the importer takes it at once.
func (c *cluster) dropArchive(id, meetingID string, fill int) {
	c.t.Helper()
	tmp := filepath.Join(c.spoolDir(), "."+id+".tmp")
	if err := os.WriteFile(tmp, archive(id, meetingID, fill), 0o644); err != nil {
		c.t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	os.Chtimes(tmp, old, old)
	if err := os.Rename(tmp, filepath.Join(c.spoolDir(), id+".tar")); err != nil {
		c.t.Fatal(err)
	}
}

// recordingVisible reports whether getRecordings lists the recording.
func recordingVisible(a *api, id string) bool {
	ans := a.get("getRecordings", query("recordID", id))
	return ans.success() && strings.Contains(ans.body, "<recordID>"+id+"</recordID>")
}

// recordingsLost waits up to within for every recording to be listed and counts those that
// are not.
func recordingsLost(a *api, ids []string, within time.Duration) int {
	waitUntil(within, func() bool {
		for _, id := range ids {
			if !recordingVisible(a, id) {
				return false
			}
		}
		return true
	})
	lost := 0
	for _, id := range ids {
		if !recordingVisible(a, id) {
			lost++
		}
	}
	return lost
}
