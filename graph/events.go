package graph

import (
	"context"
	"slices"
	"strings"

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

// serverLoadEvent is e's server snapshot; an event type the schema does not know (a newer
// instance's) reads as POLLED, the neutral "here is its state".
func serverLoadEvent(e scalelite.Event) *model.ServerLoad {
	s := e.Server
	typ, known := serverEventType(e.Type)
	if !known {
		typ = model.ServerEventTypePolled
	}
	return &model.ServerLoad{Type: typ, Time: e.Time, ID: s.ID, URL: s.URL, State: s.State,
		Online: s.Online, Load: serverLoad(s), Meetings: s.Meetings, Users: s.Users, Videos: s.Videos}
}

// serverEventType and meetingEventType map the domain's event types (scalelite.Server* and
// scalelite.Meeting* constants, e.g. "state-changed") to the schema's enums (STATE_CHANGED);
// known is false for a type the schema does not list.
func serverEventType(t string) (v model.ServerEventType, known bool) {
	v = model.ServerEventType(enumName(t))
	return v, v.IsValid()
}

func meetingEventType(t string) (v model.MeetingEventType, known bool) {
	v = model.MeetingEventType(enumName(t))
	return v, v.IsValid()
}

func enumName(t string) string { return strings.ToUpper(strings.ReplaceAll(t, "-", "_")) }
