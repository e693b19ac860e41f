package graph

import (
	"testing"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Every event type the domain publishes has its value in the schema's enums, so no event is
// dropped by a subscription for want of a name.
func TestEventTypesAreInTheSchema(t *testing.T) {
	for _, typ := range scalelite.ServerEventTypes {
		if v, ok := serverEventType(typ); !ok {
			t.Errorf("server event %q has no ServerEventType value (%s)", typ, v)
		}
	}
	for _, typ := range scalelite.MeetingEventTypes {
		if v, ok := meetingEventType(typ); !ok {
			t.Errorf("meeting event %q has no MeetingEventType value (%s)", typ, v)
		}
	}
	if _, ok := meetingEventType("no-such-type"); ok {
		t.Error("an unknown type maps to an enum value")
	}
}
