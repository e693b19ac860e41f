package recordings

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

const sampleMetadata = `<?xml version="1.0" encoding="UTF-8"?>
<recording>
  <id>ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124</id>
  <state>available</state>
  <published>true</published>
  <start_time>1530718721124</start_time>
  <end_time>1530718810456</end_time>
  <participants>3</participants>
  <raw_size>951067</raw_size>
  <meeting id="ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124" externalId="Demo Meeting" name="Demo Meeting" breakout="false"/>
  <meta>
    <isBreakout>false</isBreakout>
    <meetingId>Demo Meeting</meetingId>
    <meetingName>Demo Meeting</meetingName>
    <gl-listed><![CDATA[false]]></gl-listed>
    <bbb-origin>greenlight</bbb-origin>
    <empty></empty>
  </meta>
  <playback>
    <format>presentation</format>
    <link> https://bbb.example.com/playback/presentation/2.3/ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124?x=1 </link>
    <processing_time>7177</processing_time>
    <duration>89300</duration>
    <extensions>
      <preview>
        <images>
          <image width="176" height="136" alt="Welcome">https://bbb.example.com/presentation/ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124/presentation/d2d9a672040fbde2a47a10bf6c37b6a4b5ae187f-1530718721134/thumbnails/thumb-1.png</image>
          <image width="176" height="136" alt="">https://bbb.example.com/presentation/x/thumb-2.png</image>
        </images>
      </preview>
    </extensions>
  </playback>
</recording>`

func TestParseMetadata(t *testing.T) {
	got, err := ParseMetadata(strings.NewReader(sampleMetadata))
	if err != nil {
		t.Fatal(err)
	}
	id := "ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124"
	start := time.UnixMilli(1530718721124).UTC()
	end := time.UnixMilli(1530718810456).UTC()
	checks := []struct {
		name      string
		got, want any
	}{
		{"record id", got.RecordID, id},
		{"meeting id", got.MeetingID, "Demo Meeting"},
		{"name", got.Name, "Demo Meeting"},
		{"state (available maps to published)", got.State, "published"},
		{"published", got.Published, true},
		{"participants", *got.Participants, 3},
		{"start", *got.StartTime, start},
		{"end", *got.EndTime, end},
		{"meta keys", len(got.Metadata), 3},
		{"cdata meta", got.Metadata["gl-listed"], "false"},
		{"origin meta", got.Metadata["bbb-origin"], "greenlight"},
		{"empty meta kept", got.Metadata["empty"], ""},
		{"formats", len(got.Formats), 1},
		{"format", got.Formats[0].Format, "presentation"},
		{"url path+query", got.Formats[0].URL, "/playback/presentation/2.3/" + id + "?x=1"},
		{"length rounded minutes", got.Formats[0].Length, 1},
		{"processing time", *got.Formats[0].ProcessingTime, 7177},
		{"thumbnails", len(got.Formats[0].Thumbnails), 2},
		{"thumb path", got.Formats[0].Thumbnails[0].URL, "/presentation/" + id + "/presentation/d2d9a672040fbde2a47a10bf6c37b6a4b5ae187f-1530718721134/thumbnails/thumb-1.png"},
		{"thumb alt", got.Formats[0].Thumbnails[0].Alt, "Welcome"},
		{"thumb size", got.Formats[0].Thumbnails[0].Width*1000 + got.Formats[0].Thumbnails[0].Height, 176136},
		{"thumb sequence", got.Formats[0].Thumbnails[1].Sequence, 1},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	for _, k := range []string{"isBreakout", "meetingId", "meetingName"} {
		if _, ok := got.Metadata[k]; ok {
			t.Errorf("meta %s should not be a metadatum", k)
		}
	}
}

func TestParseMetadataErrors(t *testing.T) {
	base := sampleMetadata
	tests := []struct {
		name, doc string
	}{
		{"not xml", "hello"},
		{"wrong root", "<meeting/>"},
		{"no id", strings.Replace(base, "<id>ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124</id>", "", 1)},
		{"path in id", strings.Replace(base, "<id>ffbfc4cc24428694e8b53a4e144f414052431693-1530718721124</id>", "<id>../etc</id>", 1)},
		{"bad state", strings.Replace(base, "<state>available</state>", "<state>weird</state>", 1)},
		{"bad start", strings.Replace(base, "<start_time>1530718721124</start_time>", "<start_time>yesterday</start_time>", 1)},
		{"no playback", base[:strings.Index(base, "<playback>")] + "</recording>"},
		{"bad format", strings.Replace(base, "<format>presentation</format>", "<format>../x</format>", 1)},
		{"no meeting id", strings.NewReplacer("<meetingId>Demo Meeting</meetingId>", "", `externalId="Demo Meeting"`, "").Replace(base)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseMetadata(strings.NewReader(tc.doc))
			if scalelite.ErrorCode(err) != scalelite.EINVALID {
				t.Fatalf("got %v, want EINVALID", err)
			}
		})
	}
}

func TestParseMetadataOldLayout(t *testing.T) {
	doc := strings.NewReplacer("<meetingId>Demo Meeting</meetingId>", "", "<meetingName>Demo Meeting</meetingName>", "",
		"<state>available</state>", "", "<published>true</published>", "").Replace(sampleMetadata)
	got, err := ParseMetadata(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got.MeetingID != "Demo Meeting" || got.Name != "Demo Meeting" || got.State != "" || got.Published {
		t.Fatalf("got meeting %q name %q state %q published %v", got.MeetingID, got.Name, got.State, got.Published)
	}
}

func FuzzParseMetadata(f *testing.F) {
	f.Add([]byte(sampleMetadata))
	f.Add([]byte(metadataDoc(recSpec{ID: "abc-1", MeetingID: "m", Name: "n", Meta: map[string]string{"k": "v"}}, "video", 1)))
	f.Add([]byte("<recording><id>a</id></recording>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := ParseMetadata(bytes.NewReader(data))
		if err != nil {
			if scalelite.ErrorCode(err) != scalelite.EINVALID {
				t.Fatalf("error without EINVALID: %v", err)
			}
			return
		}
		if !ValidRecordID(rec.RecordID) || rec.MeetingID == "" || len(rec.Formats) != 1 || !validFormat(rec.Formats[0].Format) {
			t.Fatalf("accepted an unusable recording: %+v", rec)
		}
		if !strings.HasPrefix(rec.Formats[0].URL, "/") && rec.Formats[0].URL != "" {
			// relative links keep their path as written
			_ = rec
		}
	})
}
