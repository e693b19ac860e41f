package bbbfacade

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/scalelite-go/scalelite/db"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func decryptLRSPayload(t *testing.T, payload, secret string) map[string]string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || len(raw) < 32 {
		t.Fatalf("payload %q: %v", payload, err)
	}
	salt, ct := raw[8:16], raw[16:]
	kiv, _ := pbkdf2.Key(sha256.New, secret, salt, 10000, 48)
	block, _ := aes.NewCipher(kiv[:32])
	cipher.NewCBCDecrypter(block, kiv[32:]).CryptBlocks(ct, ct)
	ct = ct[:len(ct)-int(ct[len(ct)-1])]
	var m map[string]string
	if err := json.Unmarshal(ct, &m); err != nil {
		t.Fatalf("decrypted %q: %v", ct, err)
	}
	return m
}

// Item 32 (last check): meta_secret-lrs-payload is added for a tenant with an LRS endpoint,
// encrypted with the chosen server's secret, and omitted when the token service fails.
func TestCreateLRSPayload(t *testing.T) {
	eachDB(t, func(t *testing.T, store *db.DB) {
		kcStatus := http.StatusOK
		kc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			r.ParseForm()
			if r.Form.Get("grant_type") != "password" || r.Form.Get("client_id") != "cid" || r.Form.Get("username") != "kcu" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(kcStatus)
			w.Write([]byte(`{"access_token":"tok-123"}`))
		}))
		defer kc.Close()
		e := newEnv(t, store, 1, multitenant)
		ctx := context.Background()
		for _, tn := range []*scalelite.Tenant{
			{ID: "00000000-0000-4000-8000-000000000001", Name: "basic", Secrets: []string{"s"}, LRSEndpoint: "https://lrs.example.com", LRSUsername: "u", LRSPassword: "p"},
			{ID: "00000000-0000-4000-8000-000000000002", Name: "kc", Secrets: []string{"s"}, LRSEndpoint: "https://lrs2.example.com",
				KCTokenURL: kc.URL, KCClientID: "cid", KCClientSecret: "cs", KCUsername: "kcu", KCPassword: "kcp"},
			{ID: "00000000-0000-4000-8000-000000000003", Name: "none", Secrets: []string{"s"}},
		} {
			if err := store.CreateTenant(ctx, tn); err != nil {
				t.Fatal(err)
			}
		}
		payload := func() (string, bool) {
			calls := e.calls(0, "create")
			v := calls[len(calls)-1].Params.Get(scalelite.ParamLRSPayload)
			return v, v != ""
		}
		e.tenantCreate("basic", "s", "basic-room")
		p, ok := payload()
		if m := decryptLRSPayload(t, p, e.bbbServer(0).Secret()); !ok || m["lrs_endpoint"] != "https://lrs.example.com" || m["lrs_username"] != "u" || m["lrs_password"] != "p" {
			t.Errorf("basic payload %v", m)
		}
		e.tenantCreate("kc", "s", "kc-room")
		p, _ = payload()
		if m := decryptLRSPayload(t, p, e.bbbServer(0).Secret()); m["lrs_token"] != "tok-123" || m["lrs_endpoint"] != "https://lrs2.example.com" {
			t.Errorf("keycloak payload %v", m)
		}
		kcStatus = http.StatusUnauthorized
		e.tenantCreate("kc", "s", "kc-room-2")
		if _, ok := payload(); ok {
			t.Error("payload sent without a token")
		}
		e.tenantCreate("none", "s", "none-room")
		if _, ok := payload(); ok {
			t.Error("payload sent for a tenant without LRS")
		}
	})
}
