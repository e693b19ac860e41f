// Package eventstest is the conformance suite for implementations of scalelite.Publisher with
// scalelite.Subscriber, scalelite.Locker and scalelite.TokenStore. Each Run function takes a
// constructor of two handles onto one shared space, as two instances of the balancer would see
// it (for in-process implementations both handles may be the same value).
package eventstest

import (
	"context"
	"testing"
	"time"
)

// wait is how long a test waits for something that must happen. It is a deadline for
// correctness, never a speed target: passing tests finish long before it.
const wait = 20 * time.Second

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*wait)
	t.Cleanup(cancel)
	return ctx
}
