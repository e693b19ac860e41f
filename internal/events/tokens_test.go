package events

import (
	"fmt"
	"testing"
	"time"
)

func TestLocalTokensSweepsExpired(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewLocalTokens(func() time.Time { return now })
	for i := range 1000 {
		if err := s.PutToken(t.Context(), fmt.Sprint("tok", i), "v", time.Second); err != nil {
			t.Fatal(err)
		}
		now = now.Add(10 * time.Millisecond) // each token outlives the next 99 puts only
	}
	if n := s.Len(); n > 2*minSweep+100 {
		t.Errorf("Len() = %d after 1000 puts with at most 100 live, want it bounded", n)
	}
}
