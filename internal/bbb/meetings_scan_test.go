package bbb_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// agree checks that the one-pass scanner, when it reads raw, reads it as the full parser does. It
// reports whether the scanner read it.
func agree(t testing.TB, raw []byte) bool {
	t.Helper()
	fast, ok := bbb.ScanMeetingsAnswer(raw)
	full, err := bbb.FullMeetingsAnswer(raw)
	if !ok {
		return false
	}
	if err != nil {
		t.Fatalf("scanner read an answer the full parser rejects (%v):\n%q", err, raw)
	}
	if !reflect.DeepEqual(fast, full) {
		t.Fatalf("scanner and full parser differ on\n%q\nscan: %+v\nfull: %+v", raw, fast, full)
	}
	return true
}

func TestScanMeetingsAnswer(t *testing.T) {
	const meeting = "<meeting><meetingName>Room</meetingName><meetingID>m1</meetingID><createTime>1700000000000</createTime>" +
		"<participantCount>3</participantCount><videoCount>1</videoCount><attendees><attendee><userID>w_1</userID>" +
		"<customdata/></attendee></attendees><metadata><bbb-origin>Greenlight</bbb-origin></metadata><isBreakout>false</isBreakout></meeting>"
	answer := func(meetings string) string {
		return "<response><returncode>SUCCESS</returncode><meetings>" + meetings + "</meetings></response>"
	}
	tests := []struct {
		name     string
		raw      string
		wantFast bool   // read by the scanner (else left to the full parser)
		wantErr  string // full parser's error, "" for none
		check    func(t *testing.T, a bbb.MeetingsAnswer)
	}{
		{name: "bbb-web answer", raw: answer(meeting + strings.Replace(meeting, "m1", "m2", 1)), wantFast: true, check: func(t *testing.T, a bbb.MeetingsAnswer) {
			if len(a.Meetings) != 2 || a.Meetings[1].MeetingID != "m2" || a.Meetings[0].ParticipantCount != 3 || a.Meetings[0].Metadata["bbb-origin"] != "Greenlight" ||
				string(a.Meetings[0].Raw) != meeting {
				t.Errorf("got %+v", a)
			}
		}},
		{name: "no meetings", raw: "<response><returncode>SUCCESS</returncode><meetings/><messageKey>noMeetings</messageKey><message>no meetings were found on this server</message></response>", wantFast: true},
		{name: "failed", raw: "<response><returncode>FAILED</returncode><messageKey>checksumError</messageKey><message>Checksums do not match</message></response>", wantFast: true},
		{name: "failed lists no meetings", raw: "<response><returncode>FAILED</returncode><meetings>" + meeting + "</meetings></response>", wantFast: true},
		{name: "no returncode", raw: "<response><meetings>" + meeting + "</meetings></response>", wantFast: true},
		{name: "declaration, CRLF and indentation", raw: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<response>\r\n  <returncode>\r\n SUCCESS </returncode>\r\n  <meetings>\r\n    <meeting >\r\n      <meetingName>a\r\nb\rc\r\r\nd</meetingName>\r\n" +
			"      <meetingID> id \r\n</meetingID>\r\n    </meeting\r\n>\r\n  </meetings>\r\n</response >\r\n", wantFast: true, check: func(t *testing.T, a bbb.MeetingsAnswer) {
			if len(a.Meetings) != 1 || a.Meetings[0].MeetingName != "a\nb\nc\n\nd" || a.Meetings[0].MeetingID != "id" {
				t.Errorf("got %+v", a)
			}
		}},
		{name: "single quotes, standalone", raw: "<?xml version='1.0' standalone='yes'?><response><returncode>SUCCESS</returncode></response>", wantFast: true},
		{name: "entities and character references", raw: answer("<meeting><meetingName>&lt;b&gt; &amp; &quot;q&quot; &apos;s&apos; &#233;&#x1F600;&#xE9;&#13;&#10;</meetingName><meetingID>\u00a0ü\u00a0</meetingID></meeting>"), wantFast: true, check: func(t *testing.T, a bbb.MeetingsAnswer) {
			if a.Meetings[0].MeetingName != "<b> & \"q\" 's' é😀é\r\n" || a.Meetings[0].MeetingID != "ü" {
				t.Errorf("got %q %q", a.Meetings[0].MeetingName, a.Meetings[0].MeetingID)
			}
		}},
		{name: "odd fields", raw: answer("<meeting/><other><meetingID>x</meetingID></other><meeting><meetingID>a</meetingID><meetingID>b</meetingID>"+
			"<meetingName>x<i>y</i>z</meetingName><participantCount> +5 </participantCount><moderatorCount>abc</moderatorCount>"+
			"<createTime>99999999999999999999</createTime><videoCount>-3</videoCount><running> TRUE </running><isBreakout>yes</isBreakout>"+
			"<metadata>zz<k>v<deep>no</deep>w</k><k>last</k><e/></metadata></meeting>") + " \n", wantFast: true, check: func(t *testing.T, a bbb.MeetingsAnswer) {
			want := bbb.MeetingInfo{MeetingID: "b", MeetingName: "xz", ParticipantCount: 5, VideoCount: -3, Running: true, Metadata: map[string]string{"k": "last", "e": ""}}
			m := a.Meetings[1]
			m.Raw = nil
			if len(a.Meetings) != 2 || string(a.Meetings[0].Raw) != "<meeting/>" || !reflect.DeepEqual(m, want) {
				t.Errorf("got %+v", a)
			}
		}},
		{name: "first meetings only", raw: "<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>a</meetingID></meeting></meetings><meetings><meeting><meetingID>b</meetingID></meeting></meetings></response>", wantFast: true},
		{name: "returncode with a child", raw: "<response><returncode>SUCCESS<x/></returncode></response>", wantFast: true},
		{name: "any root", raw: "<html><returncode>SUCCESS</returncode><meetings><meeting><meetingID>a</meetingID></meeting></meetings></html>", wantFast: true},

		// Left to the full parser, which reads them.
		{name: "comment", raw: answer("<meeting><meetingID>a<!-- c -->b</meetingID></meeting>")},
		{name: "CDATA metadata", raw: answer("<meeting><metadata><x><![CDATA[<1>]]></x></metadata></meeting>")},
		{name: "attribute", raw: answer(`<meeting id="1"><meetingID>a</meetingID></meeting>`)},
		{name: "prefixed name", raw: answer("<bbb:meeting><meetingID>a</meetingID></bbb:meeting>")},
		{name: "non-ASCII name", raw: answer("<meeting><metadata><méta>v</méta></metadata></meeting>")},
		{name: "processing instruction", raw: answer("<?php x?><meeting><meetingID>a</meetingID></meeting>")},
		{name: "surrogate reference", raw: answer("<meeting><meetingName>&#xD800;</meetingName></meeting>")},
		{name: "no encoding in declaration", raw: "<?xml version=\"1.0\" encoding=\"latin1\"?><response><returncode>SUCCESS</returncode></response>", wantErr: "encoding"},

		// Malformed: the full parser's error.
		{name: "unknown entity", raw: answer("<meeting><meetingName>&nbsp;</meetingName></meeting>"), wantErr: "entity"},
		{name: "]]> in text", raw: answer("<meeting><meetingName>a]]>b</meetingName></meeting>"), wantErr: "]]>"},
		{name: "mismatched end tag", raw: answer("<meeting><meetingID>a</meetingName></meeting>"), wantErr: "unexpected"},
		{name: "truncated", raw: "<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>broken", wantErr: "not closed"},
		{name: "two roots", raw: "<response><returncode>SUCCESS</returncode></response><response/>", wantErr: "more than one root"},
		{name: "text after root", raw: "<response><returncode>SUCCESS</returncode></response>x", wantErr: "text outside"},
		{name: "empty", raw: " \n", wantErr: "empty"},
		{name: "html", raw: "<!DOCTYPE html><html><body><p>hello<br></body></html>", wantErr: "not XML"},
		{name: "plain text", raw: "Service Unavailable", wantErr: "not XML"},
		{name: "NUL reference", raw: answer("<meeting><meetingName>&#0;</meetingName></meeting>"), wantErr: "illegal character"},
		{name: "control character", raw: answer("<meeting><meetingName>\x01</meetingName></meeting>"), wantErr: "illegal character"},
		{name: "invalid UTF-8", raw: answer("<meeting><meetingName>\xff</meetingName></meeting>"), wantErr: "UTF-8"},
		{name: "UTF-8 split by a reference", raw: answer("<meeting><meetingName>\xc3&amp;\xa9</meetingName></meeting>"), wantErr: "UTF-8"},
		{name: "bad empty tag", raw: answer("<meeting/ >"), wantErr: "expected /> in element"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := []byte(tt.raw)
			if fast := agree(t, raw); fast != tt.wantFast {
				t.Errorf("read by the scanner: %v, want %v", fast, tt.wantFast)
			}
			full, err := bbb.FullMeetingsAnswer(raw)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("full parser error = %v, want %q", err, tt.wantErr)
			}
			if tt.check != nil {
				tt.check(t, full)
			}
			checkGetMeetings(t, raw, full, err)
		})
	}
}

// checkGetMeetings serves raw and checks GetMeetings' result against the full parser's reading
// (full, fullErr): a *TransportError for an answer that is not XML, an *APIError for one that is
// not SUCCESS, else the meetings.
func checkGetMeetings(t *testing.T, raw []byte, full bbb.MeetingsAnswer, fullErr error) {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(raw) }))
	defer ts.Close()
	c := newClient(t, bbb.SHA256, bbb.DefaultTimeouts)
	list, err := c.GetMeetings(context.Background(), bbb.Endpoint{URL: ts.URL + "/bigbluebutton/api", Secret: "s"}, nil)
	var te *bbb.TransportError
	var apiErr *bbb.APIError
	switch {
	case fullErr != nil:
		if !errors.As(err, &te) || te.StatusCode != 200 || te.Timeout || !strings.Contains(err.Error(), "not XML") && !strings.Contains(err.Error(), "encoding") {
			t.Errorf("GetMeetings err = %v, want a TransportError (status 200) for %v", err, fullErr)
		}
	case full.ReturnCode == "":
		if !errors.As(err, &apiErr) || apiErr.Key != "internalError" || !errors.Is(err, bbb.ErrNoReturnCode) {
			t.Errorf("GetMeetings err = %v, want internalError without returncode", err)
		}
	case full.ReturnCode != "SUCCESS":
		if !errors.As(err, &apiErr) || apiErr.Key != full.MessageKey || apiErr.Message != full.Message {
			t.Errorf("GetMeetings err = %v, want APIError %s %s", err, full.MessageKey, full.Message)
		}
	default:
		if err != nil || !reflect.DeepEqual(list.Meetings, full.Meetings) {
			t.Errorf("GetMeetings = %+v, %v; want %+v", list, err, full.Meetings)
		}
	}
}

// simAnswers returns getMeetings answers of a simulated server (bbbsim) holding random meetings:
// random names, IDs, metadata, attendees with random names and custom data, breakouts; one
// answer per step as meetings are added, joined, given users and ended.
func simAnswers(t testing.TB, seed uint64, steps int) [][]byte {
	t.Helper()
	sim, err := bbbsim.Start(context.Background(), 1, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	srv := sim.Servers()[0]
	c := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts)
	defer c.CloseIdleConnections()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ctx := context.Background()
	do := func(action string, p scalelite.Params) {
		if _, err := c.Do(ctx, srv.Endpoint(), action, p, nil, nil); err != nil {
			t.Fatalf("%s %v: %v", action, p, err)
		}
	}
	fetch := func() []byte {
		resp, err := http.Get(c.SignedURL(srv.Endpoint(), "getMeetings", nil))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return raw
	}
	var ids []string
	answers := [][]byte{fetch()}
	for step := range steps {
		switch op := rng.IntN(10); {
		case op < 4 || len(ids) == 0:
			id := fmt.Sprintf("%s-%d", randomText(rng, 12, false), step)
			p := scalelite.Params{{Key: "meetingID", Value: id}, {Key: "name", Value: "n" + randomText(rng, 20, true)},
				{Key: "moderatorPW", Value: "mp"}, {Key: "attendeePW", Value: "ap"}}
			for range rng.IntN(4) {
				p = append(p, scalelite.Param{Key: "meta_" + randomName(rng), Value: randomText(rng, 30, true)})
			}
			if len(ids) > 0 && rng.IntN(4) == 0 {
				p = append(p, scalelite.Param{Key: "isBreakout", Value: "true"}, scalelite.Param{Key: "parentMeetingID", Value: ids[rng.IntN(len(ids))]},
					scalelite.Param{Key: "sequence", Value: strconv.Itoa(1 + rng.IntN(8))})
			}
			do("create", p)
			ids = append(ids, id)
		case op < 7:
			p := scalelite.Params{{Key: "meetingID", Value: ids[rng.IntN(len(ids))]}, {Key: "fullName", Value: "u" + randomText(rng, 25, true)},
				{Key: "password", Value: []string{"mp", "ap"}[rng.IntN(2)]}}
			for range rng.IntN(3) {
				p = append(p, scalelite.Param{Key: "userdata-" + randomName(rng), Value: randomText(rng, 15, true)})
			}
			resp, err := http.Get(c.SignedURL(srv.Endpoint(), "join", p))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		case op < 9:
			n := rng.IntN(30)
			srv.SetUsers(ids[rng.IntN(len(ids))], n, rng.IntN(n+1), rng.IntN(n+1), rng.IntN(n+1))
		default:
			i := rng.IntN(len(ids))
			do("end", scalelite.Params{{Key: "meetingID", Value: ids[i]}, {Key: "password", Value: "mp"}})
			ids = append(ids[:i], ids[i+1:]...)
		}
		answers = append(answers, fetch())
	}
	return answers
}

// randomText is a random string of up to n runes, with markup characters, white space and
// non-ASCII when rich.
func randomText(rng *rand.Rand, n int, rich bool) string {
	plain := []rune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")
	extra := []rune("&<>\"' \t\n\r]é日🎉\u00a0\uFFFD\x01")
	var b strings.Builder
	for range 1 + rng.IntN(n) {
		if rich && rng.IntN(4) == 0 {
			b.WriteRune(extra[rng.IntN(len(extra))])
		} else {
			b.WriteRune(plain[rng.IntN(len(plain))])
		}
	}
	return b.String()
}

// randomName is a random lower-case XML name (a metadata or custom data key).
func randomName(rng *rand.Rand) string {
	const first, rest = "abcdefghijklmnopqrstuvwxyz_", "abcdefghijklmnopqrstuvwxyz0123456789_-."
	b := []byte{first[rng.IntN(len(first))]}
	for range rng.IntN(12) {
		b = append(b, rest[rng.IntN(len(rest))])
	}
	return string(b)
}

// variants rewrites a compact answer in ways BBB (or a proxy) might send it, all still read by the
// scanner: with an XML declaration, indented with CRLF line ends, and with characters of its text
// written as entity or character references.
func variants(rng *rand.Rand, raw []byte) [][]byte {
	s := string(raw)
	decl := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + s
	indented := strings.ReplaceAll(s, "><", ">\r\n  <")
	var refs strings.Builder
	inTag, inRef := false, false
	for _, r := range s {
		switch {
		case r == '<':
			inTag = true
		case r == '>' && inTag:
			inTag = false
			refs.WriteRune(r)
			continue
		case r == '&':
			inRef = true
		case r == ';' && inRef:
			inRef = false
			refs.WriteRune(r)
			continue
		}
		if inTag || inRef || rng.IntN(3) != 0 {
			refs.WriteRune(r)
			continue
		}
		switch {
		case r == '\'':
			refs.WriteString("&apos;")
		case r == '"':
			refs.WriteString("&quot;")
		case rng.IntN(2) == 0:
			fmt.Fprintf(&refs, "&#%d;", r)
		default:
			fmt.Fprintf(&refs, "&#x%X;", r)
		}
	}
	return [][]byte{[]byte(decl), []byte(indented), []byte(refs.String())}
}

// TestScanMeetingsAnswerAgreesOnSimAnswers is the differential test: on random answers of the
// simulator (and variants of them) the scanner reads every one, exactly as the full parser.
func TestScanMeetingsAnswerAgreesOnSimAnswers(t *testing.T) {
	steps := 100
	if testing.Short() {
		steps = 40
	}
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 42))
		for i, raw := range simAnswers(t, seed, steps) {
			for j, v := range append([][]byte{raw}, variants(rng, raw)...) {
				if !agree(t, v) {
					t.Fatalf("seed %d answer %d variant %d: left to the full parser:\n%q", seed, i, j, v)
				}
			}
		}
	}
}

// FuzzScanMeetingsAnswer: whatever the input, an answer the scanner reads is read the same by the
// full parser (and one the full parser rejects is never read by the scanner).
func FuzzScanMeetingsAnswer(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, raw := range simAnswers(f, 7, 12) {
		f.Add(raw)
		for _, v := range variants(rng, raw) {
			f.Add(v)
		}
	}
	for _, s := range []string{
		"<response><returncode>FAILED</returncode><messageKey>k</messageKey><message>m</message></response>",
		"<?xml version='1.0'?><response><returncode>SUCCESS</returncode><meetings><meeting/></meetings></response>",
		"<response><returncode>SUCCESS</returncode><meetings><meeting><meetingName>&#x41;&amp;\r\n</meetingName><metadata><a>1</a></metadata></meeting></meetings></response>",
		"<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>a<!--c--></meetingID></meeting></meetings></response>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		agree(t, raw)
	})
}

// BenchmarkParseMeetings reads a 20-meeting getMeetings answer of bbbsim (20 attendees each, as
// the poller sees a busy server): "full" is the former path (ParseResponse, then ParseMeetings),
// "scan" the one-pass scanner GetMeetings uses.
func BenchmarkParseMeetings(b *testing.B) {
	raw := busyAnswer(b, 20, 20)
	b.Run("full", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			resp, err := bbb.ParseResponse(raw)
			if err != nil {
				b.Fatal(err)
			}
			if list, err := bbb.ParseMeetings(resp); err != nil || len(list.Meetings) != 20 {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if a, ok := bbb.ScanMeetingsAnswer(raw); !ok || len(a.Meetings) != 20 {
				b.Fatal("not read")
			}
		}
	})
}

// busyAnswer is the getMeetings answer of a simulated server with meetings x users.
func busyAnswer(b *testing.B, meetings, users int) []byte {
	sim, err := bbbsim.Start(context.Background(), 1, bbbsim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer sim.Close()
	srv := sim.Servers()[0]
	c := bbb.NewClient(bbb.SHA256, bbb.DefaultTimeouts)
	defer c.CloseIdleConnections()
	for i := range meetings {
		id := fmt.Sprintf("meeting-%02d", i)
		p := scalelite.Params{{Key: "meetingID", Value: id}, {Key: "name", Value: "Meeting " + id}, {Key: "meta_bbb-origin", Value: "Greenlight"}}
		if _, err := c.Do(context.Background(), srv.Endpoint(), "create", p, nil, nil); err != nil {
			b.Fatal(err)
		}
		srv.SetUsers(id, users, 2, users/2, 3)
	}
	resp, err := http.Get(c.SignedURL(srv.Endpoint(), "getMeetings", nil))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}
