package bbbfacade

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// syncBuffer is a log sink for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Issue 11, item 6: a server whose getMeetings answer is not well-formed XML is skipped as a
// whole, even when a complete <meeting> precedes the damage (Scalelite reads such a document
// as far as it goes), and the server and the parse error are logged (docs/api-compatibility.md).
func TestGetMeetingsSkipsMalformedAnswer(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
			// A complete meeting, then the answer breaks off inside the second one.
			w.Write([]byte(`<response><returncode>SUCCESS</returncode><meetings><meeting><meetingName>Half</meetingName>` +
				`<meetingID>half-1</meetingID><createTime>1</createTime><participantCount>3</participantCount>` +
				`<attendees></attendees><metadata></metadata></meeting><meeting><meetingID>half-2`))
		}))
		defer broken.Close()
		srv := &scalelite.Server{ID: "broken", URL: broken.URL + "/bigbluebutton/api", Secret: "x", State: scalelite.ServerEnabled, LoadMultiplier: 1}
		if err := store.CreateServer(context.Background(), srv); err != nil {
			t.Fatal(err)
		}
		e.setLoad("broken", 0)

		logs := &syncBuffer{}
		e.logger = slog.New(slog.NewTextHandler(logs, nil))
		e.start()
		_, body, _ := e.do(http.MethodGet, e.ts.URL+APIPath+"/getMeetings?checksum="+checksumOf("getMeetings", ""), "", "")
		if !strings.Contains(body, "<meetingID>room-1</meetingID>") || strings.Contains(body, "half-1") || strings.Contains(body, "half-2") {
			t.Errorf("getMeetings:\n%s", body)
		}
		line := logs.String()
		if !strings.Contains(line, "getMeetings: server skipped") || !strings.Contains(line, "server_id=broken") ||
			!strings.Contains(line, "answer is not XML: <meetingID> not closed") || strings.Contains(line, "checksum") {
			t.Errorf("log:\n%s", line)
		}
	})
}
