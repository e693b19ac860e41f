package bbb_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// TestTransportErrorsCarryNoQuery: whatever breaks, the error (and a log line of it) names the
// call, the server and the error class, never the query: no password, checksum or secret.
func TestTransportErrorsCarryNoQuery(t *testing.T) {
	srv := startSim(t)
	const modPW, attPW = "mod-pw-5f2a9c", "att-pw-81be3d"
	params := scalelite.Params{{Key: "meetingID", Value: "room-1"}, {Key: "moderatorPW", Value: modPW}, {Key: "attendeePW", Value: attPW}}

	// A listener that accepts and closes at once: the connection breaks mid-request.
	resetLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer resetLn.Close()
	go func() {
		for {
			c, err := resetLn.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler()) // a certificate nobody trusts
	defer tlsSrv.Close()

	simEP := endpoint(srv)
	simEP.URL = strings.Replace(simEP.URL, "http://", "http://ops:basic-pw-77aa@", 1)
	tests := []struct {
		name   string
		ep     bbb.Endpoint
		set    func()
		ctx    func() (context.Context, context.CancelFunc)
		action string
		class  string
	}{
		{name: "refused", ep: simEP, set: func() { srv.SetDown(true) }, class: bbb.ClassRefused},
		{name: "timeout", ep: simEP, set: func() { srv.SetBlackhole(true) }, class: bbb.ClassTimeout},
		{name: "http status", ep: simEP, set: func() { srv.SetHTTPError(502) }, class: bbb.ClassHTTPStatus},
		{name: "not xml", ep: simEP, set: func() { srv.SetMalformed(true) }, class: bbb.ClassBadAnswer},
		{name: "getMeetings not xml", ep: simEP, set: func() { srv.SetMalformed(true) }, action: "getMeetings", class: bbb.ClassBadAnswer},
		{name: "getMeetings refused", ep: simEP, set: func() { srv.SetDown(true) }, action: "getMeetings", class: bbb.ClassRefused},
		{name: "canceled", ep: simEP, set: func() { srv.SetBlackhole(true) }, class: bbb.ClassCanceled, ctx: func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(50*time.Millisecond, cancel)
			return ctx, cancel
		}},
		{name: "deadline", ep: simEP, set: func() { srv.SetBlackhole(true) }, class: bbb.ClassTimeout, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 50*time.Millisecond)
		}},
		{name: "reset", ep: bbb.Endpoint{URL: "http://" + resetLn.Addr().String() + "/bigbluebutton/api", Secret: simEP.Secret}, class: bbb.ClassReset},
		{name: "dns", ep: bbb.Endpoint{URL: "http://bbb.does-not-exist.invalid/bigbluebutton/api", Secret: simEP.Secret}, class: bbb.ClassDNS},
		{name: "tls", ep: bbb.Endpoint{URL: tlsSrv.URL + "/bigbluebutton/api", Secret: simEP.Secret}, class: bbb.ClassTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, bbb.SHA256, bbb.Timeouts{Connect: time.Second, Response: 300 * time.Millisecond})
			if tt.set != nil {
				tt.set()
				t.Cleanup(func() {
					srv.SetDown(false)
					srv.SetBlackhole(false)
					srv.SetHTTPError(0)
					srv.SetMalformed(false)
				})
			}
			ctx, cancel := context.WithCancel(context.Background())
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			action, p := "create", params
			var err error
			if tt.action == "getMeetings" {
				action, p = "getMeetings", nil
				_, err = c.GetMeetings(ctx, tt.ep, nil)
			} else {
				_, err = c.Do(ctx, tt.ep, action, p, nil, nil)
			}
			var te *bbb.TransportError
			if !errors.As(err, &te) {
				t.Fatalf("err = %T %v, want *TransportError", err, err)
			}
			if te.Class != tt.class || te.Op != action {
				t.Errorf("class %q op %q (%v), want %q %q", te.Class, te.Op, err, tt.class, action)
			}
			signed := c.SignedURL(tt.ep, action, p)
			_, sum, _ := strings.Cut(signed, "checksum=")
			var logged bytes.Buffer
			slog.New(slog.NewTextHandler(&logged, nil)).Warn("call failed", "err", err)
			texts := []string{err.Error(), fmt.Sprintf("%+v", err), logged.String()}
			for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
				texts = append(texts, e.Error())
			}
			for _, text := range texts {
				for _, secret := range []string{modPW, attPW, sum, tt.ep.Secret, "basic-pw-77aa", "checksum", "?"} {
					if strings.Contains(text, secret) {
						t.Errorf("error text carries %q: %s", secret, text)
					}
				}
			}
			if !strings.Contains(err.Error(), "/bigbluebutton/api/"+action) || !strings.Contains(err.Error(), tt.class) {
				t.Errorf("error %q does not name the call and class", err)
			}
		})
	}
}
