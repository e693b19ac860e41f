package bbbfacade

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// A call that repeats a parameter is refused with validationError, after the checksum and before
// anything is looked up, stored or sent; so are NUL, invalid UTF-8, control characters in ids and
// over-long ids (they could not be stored or indexed).
func TestParameterRules(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1)
		e.create("room", "")
		e.bbbServer(0).ResetCalls()
		long := strings.Repeat("x", 257)
		tests := []struct {
			name, action, query, message string
		}{
			{"repeated meetingID on create", "create", "meetingID=room&meetingID=other&name=x", "Parameter meetingID was given more than once."},
			{"repeated meetingID on join", "join", "meetingID=room&fullName=a&meetingID=other&role=MODERATOR", "Parameter meetingID was given more than once."},
			{"repeated password on end", "end", "meetingID=room&password=mp&password=ap", "Parameter password was given more than once."},
			{"repeated meetingID on getMeetingInfo", "getMeetingInfo", "meetingID=room&meetingID=room", "Parameter meetingID was given more than once."},
			{"NUL in meetingID", "create", "meetingID=a%00b&name=x", "Parameters must not contain NUL characters."},
			{"NUL in a name", "create", "meetingID=nul&name=a%00b", "Parameters must not contain NUL characters."},
			{"invalid UTF-8", "create", "meetingID=%ff%fe&name=x", "Parameters must be UTF-8 text."},
			{"control character in meetingID", "join", "meetingID=a%0Ab&fullName=x", "Meeting ID must not contain control characters."},
			{"meetingID over 256 characters", "create", "meetingID=" + long + "&name=x", "Meeting ID must be at most 256 characters."},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				checkError(t, e.get(tt.action, tt.query), keyValidationError, tt.message)
			})
		}
		n, err := store.CountMeetings(context.Background(), scalelite.MeetingFilter{IncludeEnded: true})
		if err != nil || n != 1 {
			t.Errorf("%d meetings (%v), want only room", n, err)
		}
		// Across the query and a form body (both covered by a body checksum).
		q := "meetingID=other&name=x"
		_, body, _ := e.do(http.MethodPost, e.ts.URL+APIPath+"/create?meetingID=room", "application/x-www-form-urlencoded", q+"&checksum="+checksumOf("create", q))
		if !strings.Contains(body, "<messageKey>"+keyChecksumError+"</messageKey>") && !strings.Contains(body, "<messageKey>"+keyValidationError+"</messageKey>") {
			t.Errorf("query and body both naming meetingID: %s", body)
		}
		// A second checksum: BBB's rule checks the first, which does not match.
		checkError(t, e.get("isMeetingRunning", "meetingID=room&checksum=00"), keyChecksumError, msgChecksumError)
		// Without a valid checksum the answer is the checksum error: nothing is said about the
		// parameters to a caller who cannot sign.
		_, body, _ = e.do(http.MethodGet, e.ts.URL+APIPath+"/create?meetingID=a&meetingID=b&checksum=00", "", "")
		checkError(t, body, keyChecksumError, msgChecksumError)
		if calls := e.bbbServer(0).Calls(); len(calls) != 0 {
			t.Errorf("the refused calls reached the server: %+v", calls)
		}
		// 256 characters is allowed (BBB's limit).
		e.create(strings.Repeat("y", 256), "")

		r := newRecEnv(t, store)
		r.seed("rec-1", "room", "published", 1, nil)
		checkError(t, r.get("publishRecordings", "recordID=rec-1&recordID=rec-1&publish=false"), keyValidationError, "Parameter recordID was given more than once.")
		checkError(t, r.get("deleteRecordings", "recordID=rec-1%09"), keyValidationError, "Each record ID must be at most 256 characters without control characters.")
		if recs, _, err := store.Recordings(context.Background(), scalelite.RecordingFilter{RecordIDs: []string{"rec-1"}}); err != nil || len(recs) != 1 || !recs[0].Published {
			t.Errorf("rec-1 after the refused calls: %+v, %v", recs, err)
		}
	})
}

// TestAuthorisedStoredSentAreOne is defect 1's property: for any mix of parameters a tenant sends
// (the meetingID repeated, in another case, or across query and form body), whatever the call
// authorises, stores and sends to a backend is one and the same meetingID, of the calling tenant;
// otherwise the call is refused and nothing is stored or sent.
func TestAuthorisedStoredSentAreOne(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 2, multitenant)
		t1 := e.addTenant("t1", "secret-1")
		t2 := e.addTenant("t2", "secret-2")
		e.tenantCreate("t2", "secret-2", "t2-room")
		rng := rand.New(rand.NewPCG(1, 2))
		ids := []string{"t1-x", "t2-room", "T2-room", "t1-y"}
		keys := []string{"meetingID", "meetingID", "MeetingID", "meetingid"}
		actions := []string{"create", "join", "end", "isMeetingRunning", "getMeetingInfo"}
		for i := range 200 {
			action := actions[rng.IntN(len(actions))]
			var q url.Values = url.Values{}
			var order []string
			n := 1 + rng.IntN(3)
			for range n {
				k, v := keys[rng.IntN(len(keys))], ids[rng.IntN(len(ids))]
				order = append(order, url.QueryEscape(k)+"="+url.QueryEscape(v))
				q.Add(k, v)
			}
			switch action {
			case "create":
				order = append(order, "name=x", "moderatorPW=mp-t1", "attendeePW=ap-t1")
			case "join":
				order = append(order, "fullName=a", "role=MODERATOR")
			case "end":
				order = append(order, "password=mp-t1")
			}
			query := strings.Join(order, "&")
			for s := range 2 {
				e.bbbServer(s).ResetCalls()
			}
			_, body, resp := e.tenantDo("t1", "secret-1", http.MethodGet, action, query)
			repeated := len(q["meetingID"]) > 1
			if repeated {
				if !strings.Contains(body, "<messageKey>"+keyValidationError+"</messageKey>") {
					t.Fatalf("%d: %s?%s answered %s, want validationError", i, action, query, body)
				}
				for s := range 2 {
					if c := e.bbbServer(s).Calls(); len(c) != 0 {
						t.Fatalf("%d: refused %s reached server %d: %+v", i, action, s, c)
					}
				}
				continue
			}
			id := q.Get("meetingID") // the only one, or none
			// What each server received names only that meeting.
			for s := range 2 {
				for _, c := range e.bbbServer(s).Calls() {
					got := c.Params["meetingID"]
					if len(got) != 1 || got[0] != id {
						t.Fatalf("%d: %s?%s sent meetingID %v to server %d, the request authorised %q", i, action, query, got, s, id)
					}
					if action == "create" && c.Params["meta_tenant-id"][0] != t1.ID {
						t.Fatalf("%d: create sent tenant %v", i, c.Params["meta_tenant-id"])
					}
				}
			}
			// A join redirects only to t1's own meeting.
			if action == "join" && resp.StatusCode == http.StatusFound {
				m := e.meeting(id)
				loc := resp.Header.Get("Location")
				if m.TenantID != t1.ID || !strings.Contains(loc, "meetingID="+url.QueryEscape(id)+"&") {
					t.Fatalf("%d: join of %q redirected to %s (meeting of tenant %s)", i, id, loc, m.TenantID)
				}
			}
		}
		// t2's meeting is untouched: same server, same passwords, still running, t2's.
		m := e.meeting("t2-room")
		if m.TenantID != t2.ID || m.EndedAt != nil || m.ModeratorPW != "mp" {
			t.Errorf("t2-room = %+v", m)
		}
		// Every meeting t1 holds was stored under a meetingID it authorised, for t1.
		all, err := store.Meetings(context.Background(), scalelite.MeetingFilter{IncludeEnded: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all {
			if m.MeetingID != "t2-room" && m.TenantID != t1.ID {
				t.Errorf("meeting %s stored for tenant %q", m.MeetingID, m.TenantID)
			}
			if m.MeetingID == "t2-room" && m.TenantID != t2.ID {
				t.Errorf("t2-room stored for tenant %q", m.TenantID)
			}
		}
	})
}
