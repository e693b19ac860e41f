package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"testing"
	"time"
)

// presentationArchive is a BBB recording transfer archive (presentation format) as a BBB server's
// post_publish script sends it, with a webcams file of the given size (bulk: a reader of that
// many bytes).
func presentationArchive(t testing.TB, recordID, meetingID string, webcams io.Reader, webcamsSize int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	writePresentationArchive(t, &buf, recordID, meetingID, webcams, webcamsSize)
	return buf.Bytes()
}

// writePresentationArchive writes presentationArchive's archive to w.
func writePresentationArchive(t testing.TB, w io.Writer, recordID, meetingID string, webcams io.Reader, webcamsSize int64) {
	t.Helper()
	tw := tar.NewWriter(w)
	dir := "presentation/" + recordID + "/"
	metadata := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<recording>
  <id>%s</id>
  <state>published</state>
  <published>true</published>
  <start_time>1700000000000</start_time>
  <end_time>1700001830000</end_time>
  <participants>3</participants>
  <meeting id="%s" externalId="%s" name="Room" breakout="false"/>
  <meta><isBreakout>false</isBreakout><meetingId>%s</meetingId><meetingName>Room</meetingName></meta>
  <playback>
    <format>presentation</format>
    <link>https://bbb1.example.com/playback/presentation/2.3/%s</link>
    <processing_time>1234</processing_time>
    <duration>1830000</duration>
  </playback>
</recording>
`, recordID, recordID, meetingID, meetingID, recordID)
	add := func(name string, typ byte, body io.Reader, size int64) {
		hdr := &tar.Header{Name: name, Typeflag: typ, Mode: 0o644, Size: size, ModTime: time.Unix(1700000000, 0)}
		if typ == tar.TypeDir {
			hdr.Mode, hdr.Size = 0o755, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if body != nil {
			if _, err := io.Copy(tw, body); err != nil {
				t.Fatal(err)
			}
		}
	}
	add("presentation/", tar.TypeDir, nil, 0)
	add(dir, tar.TypeDir, nil, 0)
	add(dir+"metadata.xml", tar.TypeReg, bytes.NewReader([]byte(metadata)), int64(len(metadata)))
	add(dir+"shapes.svg", tar.TypeReg, bytes.NewReader([]byte("<svg/>")), 6)
	add(dir+"video/", tar.TypeDir, nil, 0)
	add(dir+"video/webcams.webm", tar.TypeReg, webcams, webcamsSize)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}
