package bbbfacade

import (
	"net/http"
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
)

// Multitenancy (10.1-10.2, items 14, 32, 38, 45): the tenant comes from the host's first label
// and only its secrets are accepted; meetings are scoped; tenant metadata and settings apply.
func TestMultitenancy(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, multitenant)
		bn := e.addTenant("bn", "bn-secret-1", "bn-secret-2")
		e.addTenant("other", "other-secret")
		e.addSetting(bn.ID, "record", "true", false)
		e.addSetting(bn.ID, "muteOnStart", "true", true)

		// Unknown tenant and LB secret on a tenant host: checksumError.
		checkError(t, e.tenantGet("nope", "x", "getMeetings", ""), keyChecksumError, msgChecksumError)
		checkError(t, e.tenantGet("bn", testSecret, "getMeetings", ""), keyChecksumError, msgChecksumError)

		body := e.tenantGet("bn", "bn-secret-2", "create", "meetingID=bn-room&name=Room&moderatorPW=mp&muteOnStart=false")
		if !strings.Contains(body, "SUCCESS") {
			t.Fatal(body)
		}
		if got, want := e.lastCreate(0), "record=true&meetingID=bn-room&name=Room&moderatorPW=mp&muteOnStart=true&voiceBridge="+vb("bn-room")+
			"&meta_tenant-id="+bn.ID+"&meta_tenant-name=bn"; got != want {
			t.Errorf("backend got %s\nwant %s", got, want)
		}
		// The client beats a tenant default.
		e.tenantCreate("bn", "bn-secret-1", "bn-room-2")
		e.tenantGet("bn", "bn-secret-1", "create", "meetingID=bn-room-3&name=Room&record=false")
		if got := e.lastCreate(0); !strings.HasPrefix(got, "record=false&") {
			t.Errorf("backend got %s", got)
		}

		// Own meeting visible, another tenant's not.
		if got := e.tenantGet("bn", "bn-secret-1", "getMeetingInfo", "meetingID=bn-room"); !strings.Contains(got, "SUCCESS") {
			t.Errorf("own getMeetingInfo: %s", got)
		}
		checkError(t, e.tenantGet("other", "other-secret", "getMeetingInfo", "meetingID=bn-room"), keyNotFound, msgMeetingNotFound)
		if got := e.tenantGet("other", "other-secret", "isMeetingRunning", "meetingID=bn-room"); !strings.Contains(got, "<running>false</running>") {
			t.Errorf("other isMeetingRunning: %s", got)
		}
		checkError(t, e.tenantGet("other", "other-secret", "join", "meetingID=bn-room&fullName=A&password=mp"), keyNotFound, msgMeetingNotFound)
		code, _, resp := e.tenantDo("bn", "bn-secret-1", http.MethodGet, "join", "meetingID=bn-room&fullName=A&password=mp")
		if code != http.StatusFound || !strings.Contains(resp.Header.Get("Location"), "record=true") {
			t.Errorf("own join: %d %s", code, resp.Header.Get("Location"))
		}
		checkError(t, e.tenantGet("other", "other-secret", "end", "meetingID=bn-room"), keyNotFound, msgMeetingNotFound)
		// Meeting ids are global: another tenant cannot create the same id.
		got := e.tenantGet("other", "other-secret", "create", "meetingID=bn-room&name=Room")
		checkError(t, got, keyInternalError, "Couldn't find Meeting with id=bn-room and tenant_id=00000000-0000-4000-8000-0000000other")
		if got := e.tenantGet("bn", "bn-secret-1", "end", "meetingID=bn-room"); !strings.Contains(got, "sentEndMeetingRequest") {
			t.Errorf("own end: %s", got)
		}
	})
}

// X-Forwarded-Host decides the tenant only when the peer is a trusted proxy.
func TestTenantFromForwardedHost(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		for _, trusted := range []bool{false, true} {
			e := newEnv(t, dbFor(t, store), 0, multitenant, func(c *envConfig) {
				if trusted {
					c.TrustedProxies = []string{"127.0.0.1"}
				}
			})
			e.addTenant("bn", "bn-secret")
			req, _ := http.NewRequest(http.MethodGet, e.signedWith("SHA256", "bn-secret", "getMeetings", ""), nil)
			req.Host = "evil.example.com"
			req.Header.Set("X-Forwarded-Host", "x.example.com, bn.example.com")
			resp, err := e.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			io_Copy(&b, resp)
			resp.Body.Close()
			if ok := strings.Contains(b.String(), "SUCCESS"); ok != trusted {
				t.Errorf("trusted=%v: %s", trusted, b.String())
			}
		}
	})
}
