package bbbsim_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
)

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

func TestRunCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- bbbsim.RunCommand(ctx, []string{"--servers", "2", "--secret", "demo-secret"}, &out) }()

	var lines []string
	waitFor(t, func() bool {
		lines = nil
		for _, l := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(l, "server ") {
				lines = append(lines, l)
			}
		}
		return len(lines) == 2
	})
	c := bbb.NewClient(bbb.SHA1, bbb.DefaultTimeouts)
	defer c.CloseIdleConnections()
	for _, l := range lines {
		fields := strings.Split(l, "\t")
		if len(fields) != 3 || fields[2] != "demo-secret" {
			t.Fatalf("line %q", l)
		}
		if v, err := c.Version(ctx, bbb.Endpoint{URL: fields[1], Secret: fields[2]}, nil); err != nil || v == "" {
			t.Errorf("%s: Version = %q, %v", fields[1], v, err)
		}
		if _, err := c.GetMeetings(ctx, bbb.Endpoint{URL: fields[1], Secret: fields[2]}, nil); err != nil {
			t.Errorf("%s: GetMeetings: %v", fields[1], err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunCommand = %v", err)
	}
}

func TestRunCommandArgs(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		wantOut string
	}{
		{[]string{"--help"}, "", "Usage: scalelite bbbsim"},
		{[]string{"-h"}, "", "--port-base P"},
		{[]string{"--servers", "0"}, "--servers must be at least 1", ""},
		{[]string{"--servers", "x"}, "invalid value", ""},
		{[]string{"--bogus"}, "flag provided but not defined", ""},
		{[]string{"extra"}, "unexpected argument", ""},
		{[]string{"--port-base", "65535", "--servers", "2"}, "does not leave room", ""},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		err := bbbsim.RunCommand(context.Background(), tt.args, &out)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%v: err = %v, want %q", tt.args, err, tt.wantErr)
		}
		if !strings.Contains(out.String(), tt.wantOut) {
			t.Errorf("%v: output %q, want %q", tt.args, out.String(), tt.wantOut)
		}
	}
}

func TestRunCommandPortBase(t *testing.T) {
	// Find two free consecutive ports by starting on random ports first.
	probe, err := bbbsim.Start(context.Background(), 1, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := probe.Servers()[0].Addr()
	probe.Close()
	port := addr[strings.LastIndexByte(addr, ':')+1:]

	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- bbbsim.RunCommand(ctx, []string{"--servers", "1", "--port-base", port}, &out) }()
	waitFor(t, func() bool { return strings.Contains(out.String(), "server 1\t") })
	if !strings.Contains(out.String(), "http://127.0.0.1:"+port+"/bigbluebutton/api\t") {
		t.Errorf("output %q does not use port %s", out.String(), port)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunCommand = %v", err)
	}
}
