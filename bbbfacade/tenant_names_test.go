package bbbfacade

import (
	"strings"
	"testing"

	"github.com/scalelite-go/scalelite/db"
)

// A tenant named in capitals (Scalelite accepts SHA1-tenant) is found from its host in any case;
// its name goes to BBB as stored.
func TestTenantNameAnyCase(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		e := newEnv(t, store, 1, multitenant)
		sha := e.addTenant("SHA1-tenant", "sha-secret")
		e.addTenant("other", "other-secret")
		for i, host := range []string{"SHA1-tenant", "sha1-tenant", "Sha1-TENANT"} {
			e.tenantCreate(host, "sha-secret", "room-"+string(rune('a'+i)))
		}
		create := e.lastCreate(0)
		if !strings.Contains(create, "meta_tenant-name=SHA1-tenant") || !strings.Contains(create, "meta_tenant-id="+sha.ID) {
			t.Errorf("create sent %s", create)
		}
		body := e.tenantGet("sha1-tenant", "sha-secret", "getMeetings", "")
		for _, id := range []string{"room-a", "room-b", "room-c"} {
			if !strings.Contains(body, "<meetingID>"+id+"</meetingID>") {
				t.Errorf("getMeetings misses %s:\n%s", id, body)
			}
		}
		checkError(t, e.tenantGet("sha1-tenant", "other-secret", "getMeetings", ""), keyChecksumError, msgChecksumError)
		checkError(t, e.tenantGet("sha1-tenan", "sha-secret", "getMeetings", ""), keyChecksumError, msgChecksumError)
		if body := e.tenantGet("OTHER", "other-secret", "getMeetings", ""); strings.Contains(body, "room-a") ||
			!strings.Contains(body, "noMeetings") {
			t.Errorf("other tenant sees:\n%s", body)
		}
	})
}
