package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// serveLookup starts serve --roles api with an environment where a key present with "" is set
// but empty (os.LookupEnv).
func serveLookup(t *testing.T, env map[string]string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{stdout: newOutput(), stderr: newOutput(), cancel: cancel, done: make(chan error, 1)}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	go func() {
		s.done <- runLookup(ctx, []string{"scalelite", "serve", "--roles", "api"}, lookup, strings.NewReader(""), s.stdout, s.stderr)
	}()
	t.Cleanup(func() { s.stop(t) })
	return s.stdout.wait(t, listening, s.done)[1]
}

func postFSAPI(t *testing.T, base, user, pass string) (int, string) {
	t.Helper()
	form := url.Values{"section": {"dialplan"}, "Caller-Destination-Number": {"5551234"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/fsapi", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// serve mounts /fsapi: authenticated with the first LOADBALANCER_SECRET by default, open when
// FSAPI_PASSWORD is set but empty.
func TestServeDialIn(t *testing.T) {
	env := sqliteEnv(t)
	env["LOADBALANCER_SECRETS"] = "second-secret"
	base := serveLookup(t, env)
	if code, _ := postFSAPI(t, base, "", ""); code != http.StatusUnauthorized {
		t.Errorf("no credentials: %d", code)
	}
	if code, _ := postFSAPI(t, base, "fsapi", "second-secret"); code != http.StatusUnauthorized {
		t.Errorf("second secret: %d", code)
	}
	if code, body := postFSAPI(t, base, "fsapi", "test-secret"); code != http.StatusOK || !strings.Contains(body, "match_did_and_prompt_for_pin") {
		t.Errorf("first secret: %d\n%s", code, body)
	}

	open := sqliteEnv(t)
	open["FSAPI_PASSWORD"] = ""
	if code, body := postFSAPI(t, serveLookup(t, open), "", ""); code != http.StatusOK || !strings.Contains(body, "match_did_and_prompt_for_pin") {
		t.Errorf("FSAPI_PASSWORD empty: %d\n%s", code, body)
	}
}
