package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkJoinHandler runs one join through the whole engine (middleware, checksum, join cache,
// load bump, signed redirect) in process, without the network, to count its allocations.
func BenchmarkJoinHandler(b *testing.B) {
	ctx := context.Background()
	bal, err := startBalancer(ctx, "", "", 1)
	if err != nil {
		b.Fatal(err)
	}
	defer bal.Close()
	if body, err := get(ctx, signedURL(bal.URL, "create", "meetingID=bench-room&name=Bench&attendeePW=ap&moderatorPW=mp")); err != nil || !strings.Contains(body, "SUCCESS") {
		b.Fatalf("create the meeting: %v %s", err, body)
	}
	target := strings.TrimPrefix(signedURL(bal.URL, "join", "fullName=Bench+User&meetingID=bench-room&password=ap"), bal.URL)
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = "127.0.0.1:40000"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		bal.Engine.ServeHTTP(w, req)
		if w.Code != http.StatusFound {
			b.Fatalf("join: HTTP %d %s", w.Code, w.Body)
		}
	}
}
