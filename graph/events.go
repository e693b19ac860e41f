package graph

import (
	"context"
	"slices"

	"github.com/scalelite-go/scalelite/graph/model"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// subscribe feeds the events of topic, converted and filtered, to a subscription. The goroutine
// never blocks the publisher: the subscriber (the broker) buffers and drops a reader that falls
// behind, which closes our input; then the subscription completes and the client resubscribes.
// It ends when ctx does (client gone, or stop) and always closes the output.
func subscribe[T any](ctx context.Context, sub scalelite.Subscriber, topic string, convert func(scalelite.Event) (T, bool)) (<-chan T, error) {
	if sub == nil {
		return nil, scalelite.Errorf(scalelite.EUNAVAILABLE, "Live events are not available on this instance")
	}
	in, err := sub.Subscribe(ctx, topic)
	if err != nil {
		return nil, err
	}
	out := make(chan T, 1)
	go func() {
		defer close(out)
		for {
			select {
			case <-ctx.Done():
				return
			case e, ok := <-in:
				if !ok {
					return
				}
				v, keep := convert(e)
				if !keep {
					continue
				}
				select {
				case out <- v:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// wanted reports whether id passes an optional id filter (nil or empty passes everything).
func wanted(filter []string, id string) bool { return len(filter) == 0 || slices.Contains(filter, id) }

func serverLoadEvent(e scalelite.Event) *model.ServerLoad {
	s := e.Server
	return &model.ServerLoad{Type: e.Type, Time: e.Time, ID: s.ID, URL: s.URL, State: s.State,
		Online: s.Online, Load: serverLoad(s), Meetings: s.Meetings, Users: s.Users, Videos: s.Videos}
}
