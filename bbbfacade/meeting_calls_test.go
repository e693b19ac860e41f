package bbbfacade

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Items 9-13: getMeetingInfo relays the server's document (GET and POST form), times out with
// "Unable to access meeting on server.", and checks meetingID.
func TestGetMeetingInfo(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		e.bbbServer(0).ResetCalls()
		golden(t, "get_meeting_info", e.get("getMeetingInfo", "meetingID=room-1"))
		calls := e.calls(0, "getMeetingInfo")
		if len(calls) != 1 || sent(calls[0]) != "meetingID=room-1" {
			t.Errorf("server received %+v", calls)
		}
		// POST form: the body checksum covers the body (BBB's sorted rebuild).
		body := "meetingID=room-1&checksum=" + checksumOf("getMeetingInfo", "meetingID=room-1")
		_, got, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/getMeetingInfo", "application/x-www-form-urlencoded", body)
		golden(t, "get_meeting_info", got)

		checkError(t, e.get("getMeetingInfo", ""), keyMissingMeetingID, msgMissingMeetingID)
		checkError(t, e.get("getMeetingInfo", "meetingID="), keyMissingMeetingID, msgMissingMeetingID)
		checkError(t, e.get("getMeetingInfo", "meetingID=nope"), keyNotFound, msgMeetingNotFound)

		e.bbbServer(0).SetBlackhole(true)
		checkError(t, e.get("getMeetingInfo", "meetingID=room-1"), keyInternalError, msgAccessMeeting)
	})
}

// Item 13, the quirk we do not copy: Scalelite accepts a form POST whose checksum is
// hash("getMeetingInfo" + secret), leaving the body unauthenticated. We answer checksumError.
func TestBodyChecksumMustCoverBody(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		for _, alg := range []bbb.Algorithm{bbb.SHA1, bbb.SHA256} {
			body := "meetingID=room-1&checksum=" + bbb.Checksum(alg, "getMeetingInfo", "", testSecret)
			_, got, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/getMeetingInfo", "application/x-www-form-urlencoded", body)
			checkError(t, got, keyChecksumError, msgChecksumError)
		}
		// The raw body order is also accepted (as bbblb does).
		body := "meetingID=room-1&name=x&checksum=" + checksumOf("getMeetingInfo", "meetingID=room-1&name=x")
		_, got, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/getMeetingInfo", "application/x-www-form-urlencoded", body)
		if !strings.Contains(got, "<returncode>SUCCESS</returncode>") {
			t.Errorf("raw body order: %s", got)
		}
	})
}

// Smuggling: with the checksum in the URL, body parameters are ignored (not covered).
func TestBodyParamsIgnoredWhenQuerySigned(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		e.create("room-2", "")
		_, got, _ := e.do(http.MethodPost, e.signed("getMeetingInfo", "meetingID=room-1"), "application/x-www-form-urlencoded", "meetingID=room-2")
		if !strings.Contains(got, "<meetingID>room-1</meetingID>") {
			t.Errorf("answer is not about room-1: %s", got)
		}
		e.bbbServer(0).ResetCalls()
		// A create whose signed query names room-3 cannot gain body parameters.
		_, got, _ = e.do(http.MethodPost, e.signed("create", "meetingID=room-3&name=R"), "application/x-www-form-urlencoded", "record=true&meetingID=evil")
		calls := e.calls(0, "create")
		if len(calls) != 1 || calls[0].Params.Get("record") != "" || calls[0].Params.Get("meetingID") != "room-3" {
			t.Errorf("server received %+v (%s)", calls, got)
		}
	})
}

// Items 15: isMeetingRunning relays running, times out, checks meetingID, and answers running
// false for an unknown meeting without asking any server.
func TestIsMeetingRunning(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		golden(t, "is_meeting_running_false_relayed", e.get("isMeetingRunning", "meetingID=room-1"))
		e.bbbServer(0).SetUsers("room-1", 2, 1, 0, 0)
		if got := e.get("isMeetingRunning", "meetingID=room-1"); !strings.Contains(got, "<running>true</running>") {
			t.Errorf("running: %s", got)
		}
		e.bbbServer(0).ResetCalls()
		golden(t, "is_meeting_running_unknown", e.get("isMeetingRunning", "meetingID=nope"))
		if n := len(e.bbbServer(0).Calls()); n != 0 {
			t.Errorf("unknown meeting: %d backend calls", n)
		}
		checkError(t, e.get("isMeetingRunning", ""), keyMissingMeetingID, msgMissingMeetingID)
		e.bbbServer(0).SetDown(true)
		checkError(t, e.get("isMeetingRunning", "meetingID=room-1"), keyInternalError, msgAccessMeeting)
	})
}

// Items 35-37: end checks meetingID, relays sentEndMeetingRequest (GET and POST), removes the
// meeting first, and a timeout leaves it removed.
func TestEnd(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		checkError(t, e.get("end", ""), keyMissingMeetingID, msgMissingMeetingID)
		checkError(t, e.get("end", "meetingID=nope"), keyNotFound, msgMeetingNotFound)
		checkError(t, e.get("end", "meetingID=nope&password=mp"), keyNotFound, msgMeetingNotFound)

		e.create("room-1", "")
		e.bbbServer(0).ResetCalls()
		golden(t, "end", e.get("end", "meetingID=room-1&password=mp"))
		calls := e.calls(0, "end")
		if len(calls) != 1 || sent(calls[0]) != "meetingID=room-1&password=mp" {
			t.Errorf("server received %+v", calls)
		}
		if _, err := store.Meeting(context.Background(), "room-1"); !scalelite.IsNotFound(err) {
			t.Errorf("meeting still running: %v", err)
		}
		if _, ok := e.bbbServer(0).Meeting("room-1"); ok {
			t.Errorf("meeting still on the server")
		}

		// POST form, no password: sent as a bare key.
		e.create("room-2", "")
		e.bbbServer(0).ResetCalls()
		body := "meetingID=room-2&checksum=" + checksumOf("end", "meetingID=room-2")
		_, got, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/end", "application/x-www-form-urlencoded", body)
		golden(t, "end", got)
		if calls := e.calls(0, "end"); len(calls) != 1 || sent(calls[0]) != "meetingID=room-2&password" {
			t.Errorf("server received %+v", calls)
		}

		e.create("room-3", "")
		e.bbbServer(0).SetBlackhole(true)
		checkError(t, e.get("end", "meetingID=room-3&password=mp"), keyInternalError, msgAccessMeeting)
		if _, err := store.Meeting(context.Background(), "room-3"); !scalelite.IsNotFound(err) {
			t.Errorf("meeting still running after a timeout: %v", err)
		}
	})
}

// BBB's own FAILED answers are relayed (here end for a meeting the server forgot).
func TestEndRelaysBBBError(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room-1", "")
		e.bbbServer(0).EndAll()
		got := e.get("end", "meetingID=room-1&password=mp")
		if !strings.Contains(got, "<returncode>FAILED</returncode>") || !strings.Contains(got, "<messageKey>notFound</messageKey>") {
			t.Errorf("got %s", got)
		}
	})
}

// Items 46-47: insertDocument checks meetingID and the meeting, and forwards the XML body as a
// POST (application/xml) with only meetingID.
func TestInsertDocument(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		const doc = `<modules><module name="presentation"><document url="https://example.com/a.pdf" filename="a.pdf"/></module></modules>`
		post := func(query, ct, body string) string {
			_, got, _ := e.do(http.MethodPost, e.signed("insertDocument", query), ct, body)
			return got
		}
		checkError(t, post("", "text/xml", doc), keyMissingMeetingID, msgMissingMeetingID)
		checkError(t, post("meetingID=nope", "text/xml", doc), keyNotFound, msgMeetingNotFound)
		checkError(t, post("meetingID=nope", "application/x-www-form-urlencoded", "a=b"), keyUnsupportedContentType, msgUnsupportedContentType)
		e.create("room-1", "")
		e.bbbServer(0).ResetCalls()
		golden(t, "insert_document", post("meetingID=room-1", "text/xml", doc))
		calls := e.calls(0, "insertDocument")
		if len(calls) != 1 || calls[0].Method != http.MethodPost || string(calls[0].Body) != doc ||
			sent(calls[0]) != "meetingID=room-1" {
			t.Errorf("server received %+v", calls)
		}
		_, got, _ := e.do(http.MethodGet, e.signed("insertDocument", "meetingID=room-1"), "", "")
		checkError(t, got, keyUnsupportedRequest, msgUnsupportedRequest)
	})
}
