package bbbfacade

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func multitenant(c *envConfig) { c.Multitenancy = true }

func checksumOf(action, query string) string {
	return bbb.Checksum(bbb.SHA256, action, query, testSecret)
}

func (e *env) addTenant(name string, secrets ...string) *scalelite.Tenant {
	e.t.Helper()
	t := &scalelite.Tenant{ID: "00000000-0000-4000-8000-" + strings.Repeat("0", 12-len(name)) + name, Name: name, Secrets: secrets}
	if err := e.store.CreateTenant(context.Background(), t); err != nil {
		e.t.Fatal(err)
	}
	return t
}

func (e *env) addSetting(tenantID, param, value string, override bool) {
	e.t.Helper()
	s := &scalelite.TenantSetting{ID: "10000000-0000-4000-8000-" + strings.Repeat("0", 12-len(param)%12) + param[:min(len(param), 12)],
		TenantID: tenantID, Param: param, Value: value, Override: override}
	if err := e.store.CreateTenantSetting(context.Background(), s); err != nil {
		e.t.Fatal(err)
	}
}

// tenantDo sends a signed request for the tenant's host (Host header "<name>.api.example.com").
func (e *env) tenantDo(tenant, secret, method, action, query string) (int, string, *http.Response) {
	e.t.Helper()
	u := e.signedWith(bbb.SHA256, secret, action, query)
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Host = tenant + ".api.example.com"
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io_Copy(&b, resp); err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, b.String(), resp
}

func (e *env) tenantGet(tenant, secret, action, query string) string {
	e.t.Helper()
	_, body, _ := e.tenantDo(tenant, secret, http.MethodGet, action, query)
	return body
}

func (e *env) tenantCreate(tenant, secret, meetingID string) string {
	e.t.Helper()
	body := e.tenantGet(tenant, secret, "create", "meetingID="+url.QueryEscape(meetingID)+"&name=Room&attendeePW=ap&moderatorPW=mp")
	if !strings.Contains(body, "<returncode>SUCCESS</returncode>") {
		e.t.Fatalf("tenant %s create %s: %s", tenant, meetingID, body)
	}
	return body
}

// newEnvOn starts a second balancer over the same store and simulated servers.
func newEnvOn(t *testing.T, store *db.DB, base *env, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, store: store, sim: base.sim, now: time.Now(), client: base.client, recordings: base.recordings}
	e.cfg = base.cfg
	e.cfg.Multitenancy = false
	for _, o := range opts {
		o(&e.cfg)
	}
	e.start()
	return e
}

func io_Copy(b *strings.Builder, resp *http.Response) (int64, error) {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		k, err := resp.Body.Read(buf)
		b.Write(buf[:k])
		n += int64(k)
		if err != nil {
			if err.Error() == "EOF" {
				return n, nil
			}
			return n, err
		}
	}
}
