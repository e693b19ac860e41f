package events

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

func TestBrokerCountsDroppedSubscribers(t *testing.T) {
	ctx := t.Context()
	b := NewBroker(2)
	slow, err := b.Subscribe(ctx, scalelite.TopicServerLoad)
	if err != nil {
		t.Fatal(err)
	}
	other, err := b.Subscribe(ctx, scalelite.TopicRecordings)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := b.Publish(ctx, scalelite.Event{Topic: scalelite.TopicServerLoad, Detail: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := b.Dropped(), int64(1); got != want {
		t.Errorf("Dropped() = %d, want %d", got, want)
	}
	if got, want := b.Subscribers(), 1; got != want {
		t.Errorf("Subscribers() = %d, want %d", got, want)
	}
	var got []string
	for e := range slow {
		got = append(got, e.Detail)
	}
	if want := []string{"0", "1"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("slow subscriber got %v, want %v then close", got, want)
	}
	select {
	case e, ok := <-other:
		t.Errorf("subscriber of another topic got %v (open %v)", e, ok)
	default:
	}
}

func TestBrokerForgetsSubscriberWhenContextEnds(t *testing.T) {
	b := NewBroker(4)
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for range ch {
	}
	if n := b.Subscribers(); n != 0 {
		t.Errorf("Subscribers() = %d after the context ended, want 0", n)
	}
	if err := b.Publish(t.Context(), scalelite.Event{Topic: scalelite.TopicServerLoad}); err != nil {
		t.Errorf("Publish with no subscribers: %v", err)
	}
}

func TestBrokerClose(t *testing.T) {
	b := NewBroker(4)
	ch, err := b.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, ok := <-ch; ok {
		t.Errorf("channel open after Close")
	}
	if err := b.Publish(t.Context(), scalelite.Event{}); scalelite.ErrorCode(err) != scalelite.EUNAVAILABLE {
		t.Errorf("Publish after Close = %v, want EUNAVAILABLE", err)
	}
	if _, err := b.Subscribe(t.Context()); scalelite.ErrorCode(err) != scalelite.EUNAVAILABLE {
		t.Errorf("Subscribe after Close = %v, want EUNAVAILABLE", err)
	}
}

// TestBrokerConcurrentUse exercises publishers, subscribers that read, subscribers that stall
// and subscribers that leave, all at once, for the race detector.
func TestBrokerConcurrentUse(t *testing.T) {
	b := NewBroker(8)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// Subscribe before publishing starts, so no subscription can begin after cancel().
	chans := make([]<-chan scalelite.Event, 8)
	cancels := make([]context.CancelFunc, 8)
	for s := range chans {
		subCtx, subCancel := context.WithCancel(ctx)
		defer subCancel()
		ch, err := b.Subscribe(subCtx, scalelite.TopicServerLoad)
		if err != nil {
			t.Fatal(err)
		}
		chans[s], cancels[s] = ch, subCancel
	}
	var pubs, subs sync.WaitGroup
	for p := range 4 {
		pubs.Go(func() {
			for i := range 500 {
				_ = b.Publish(ctx, scalelite.Event{Topic: scalelite.TopicServerLoad, Detail: fmt.Sprint(p, i)})
			}
		})
	}
	for s, ch := range chans {
		subs.Go(func() {
			for n := 0; ; n++ {
				if s%2 == 0 && n == 50 {
					cancels[s]() // leave early
				}
				if s%4 == 1 {
					time.Sleep(time.Millisecond) // stall, may be dropped
				}
				if _, ok := <-ch; !ok {
					return
				}
			}
		})
	}
	pubs.Wait()
	cancel() // closes the subscriptions that kept up
	subs.Wait()
}
