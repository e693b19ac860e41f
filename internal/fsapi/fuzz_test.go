package fsapi

import (
	"context"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/scalelite"
	"github.com/scalelite-go/scalelite/internal/scalelitetest"
)

// expectation is what a document must say once FreeSWITCH has expanded it.
type expectation struct {
	did       string // the destination number the condition must match
	meetingID string // the meeting_id a bridge sets ("" for other documents)
	caller    string // the caller name a bridge sets
}

// shapes lists, per extension, the elements and attributes a document may have: the
// document's structure cannot depend on any value.
var shapes = map[string][]string{
	"document":                                            {"type"},
	"document/section":                                    {"name", "description"},
	"document/section/result":                             {"status"},
	"document/section/context":                            {"name"},
	"document/section/context/extension":                  {"name"},
	"document/section/context/extension/condition":        {"field", "expression"},
	"document/section/context/extension/condition/action": {"application", "data"},
}

// actions lists each extension's applications in order (sched_hangup optional).
var actions = map[string][]string{
	"match_did_and_prompt_for_pin": {"answer", "sched_hangup", "sleep", "playback", "sleep", "play_and_get_digits", "transfer"},
	"reprompt_for_pin":             {"answer", "sched_hangup", "set", "playback", "sleep", "play_and_get_digits", "transfer"},
	"hangup_after_wrong_pins":      {"answer", "playback", "sleep", "playback", "hangup"},
	"bridge_to_bbb_server":         {"set", "set", "sched_hangup", "bridge"},
}

// checkDocument checks an answer against the model of FreeSWITCH: a fixed structure; nothing
// but the prompt's own ${pin} expands anywhere, set values included (FreeSWITCH expands those
// twice); the condition matches the destination number and holds no "(" (which would make
// FreeSWITCH substitute $1... in the actions); a bridge sets exactly the expected meeting ID and
// caller name and dials digits at a plain host.
func checkDocument(t *testing.T, body []byte, want expectation) {
	t.Helper()
	els, err := parseDocument(body)
	if err != nil {
		t.Fatalf("%v\n%s", err, body)
	}
	var ext string
	var apps []string
	for _, el := range els {
		allowed, ok := shapes[el.Path]
		if !ok {
			t.Fatalf("element %s\n%s", el.Path, body)
		}
		for name := range el.Attrs {
			if !slices.Contains(allowed, name) {
				t.Fatalf("attribute %s on %s\n%s", name, el.Path, body)
			}
		}
		switch el.Path {
		case "document/section/result":
			if len(els) != 3 || el.Attrs["status"] != "not found" {
				t.Fatalf("reject document\n%s", body)
			}
		case "document/section/context/extension":
			ext = el.Attrs["name"]
		case "document/section/context/extension/condition":
			checkCondition(t, el.Attrs["expression"], want.did, body)
		case "document/section/context/extension/condition/action":
			apps = append(apps, el.Attrs["application"])
			checkAction(t, el.Attrs["application"], el.Attrs["data"], want, body)
		}
	}
	if ext == "" {
		return
	}
	order, ok := actions[ext]
	if !ok {
		t.Fatalf("extension %q\n%s", ext, body)
	}
	if !slices.Contains(apps, "sched_hangup") {
		order = slices.DeleteFunc(slices.Clone(order), func(a string) bool { return a == "sched_hangup" })
	}
	if !slices.Equal(apps, order) {
		t.Fatalf("%s: actions %v, want %v\n%s", ext, apps, order, body)
	}
}

func checkCondition(t *testing.T, expression, did string, body []byte) {
	t.Helper()
	if strings.Contains(expression, "(") {
		t.Fatalf("expression %q holds (\n%s", expression, body)
	}
	re, vars := expand(expression)
	if vars != nil {
		t.Fatalf("expression %q expands %q\n%s", expression, vars, body)
	}
	if strings.ContainsFunc(did, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return // PCRE matches bytes, Go's regexp runes: only ASCII numbers are checked
	}
	compiled, err := regexp.Compile(re)
	if err != nil {
		t.Fatalf("expression %q: %v", re, err)
	}
	if !compiled.MatchString(did) || compiled.MatchString(did+"0") || (did != "" && compiled.MatchString(did[1:])) {
		t.Fatalf("expression %q does not match exactly %q", re, did)
	}
}

var sipDial = regexp.MustCompile(`^sofia/external/[0-9]+@[A-Za-z0-9.\-\[\]:]+$`)

func checkAction(t *testing.T, app, data string, want expectation, body []byte) {
	t.Helper()
	out, vars := expand(data) // switch_core_session_exec
	if app == "transfer" {
		if data != "${pin} XML public" {
			t.Fatalf("transfer %q\n%s", data, body)
		}
		return
	}
	if vars != nil {
		t.Fatalf("%s %q expands %q\n%s", app, data, vars, body)
	}
	switch app {
	case "set":
		name, value, _ := strings.Cut(out, "=")
		value, vars = expand(value) // the set application expands its value again
		if vars != nil || strings.Contains(value, "${") {
			t.Fatalf("set %s: %q expands %q\n%s", name, value, vars, body)
		}
		switch name {
		case "meeting_id":
			if w := strings.ReplaceAll(want.meetingID, "${", "$ {"); value != w {
				t.Fatalf("meeting_id %q, want %q\n%s", value, w, body)
			}
		case "effective_caller_id_name":
			if value != want.caller {
				t.Fatalf("caller %q, want %q\n%s", value, want.caller, body)
			}
		case attemptsVariable:
			if !isDigits(value) {
				t.Fatalf("attempts %q", value)
			}
		default:
			t.Fatalf("set %q\n%s", name, body)
		}
	case "bridge":
		if !sipDial.MatchString(out) {
			t.Fatalf("bridge %q\n%s", out, body)
		}
	case "play_and_get_digits":
		if !strings.HasSuffix(out, ` pin \d+`) {
			t.Fatalf("play_and_get_digits %q", out)
		}
	}
}

// FuzzDialPlan posts arbitrary caller-controlled fields (what FreeSWITCH takes from the call:
// the destination number, the PIN, the caller-id name and privacy flags, the wrong-PIN count)
// to the handler over a real store holding one meeting whose ID is full of FreeSWITCH syntax,
// and checks every answer with checkDocument. .ci/run runs it for a fixed time.
func FuzzDialPlan(f *testing.F) {
	store := dbtest.SQLite(f)
	ctx := context.Background()
	scalelitetest.CreateServers(f, store, "bbb1")
	req := scalelitetest.PlaceRequest(`m-${system(id)}\'$$\\`, "")
	req.VoiceBridges = scalelite.VoiceBridgeRequest{Keep: "123456789"}
	if _, err := store.PlaceMeeting(ctx, req); err != nil {
		f.Fatal(err)
	}
	meetings, err := scalelite.NewMeetingService(scalelite.MeetingPolicy{}, scalelite.MeetingServiceDeps{
		Store: store, Backend: noBackend{}, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	h := New(Config{Password: "", MaxDuration: 60, MinDigits: 5, MaxDigits: 10}, meetings, nil)

	f.Add("dialplan", "5551234", "", "Alice", "", "", "")
	f.Add("dialplan", "5551234", "123456789", "5554321", "false", "true", "")
	f.Add("dialplan", "+1 (555) ${x}", "1234567891", `${system(id)}`, "", "", "1")
	f.Add("dialplan", `\${a}\\`, "99", `\'${x}\\`, "true", "", "2")
	f.Add("directory", "1", "1", "", "", "", "")
	f.Add("dialplan", "$$${x}", "123456789", "$${hostname}", "", "", "x")
	f.Fuzz(func(t *testing.T, section, did, pin, name, hideName, hideNumber, attempts string) {
		form := map[string][]string{"section": {section}, "Caller-Destination-Number": {did}, "variable_pin": {pin},
			"Caller-Caller-ID-Name": {name}, "Caller-Privacy-Hide-Name": {hideName},
			"Caller-Privacy-Hide-Number": {hideNumber}, "variable_" + attemptsVariable: {attempts}}
		doc, err := h.dialplan(ctx, form)
		if err != nil {
			t.Fatal(err)
		}
		checkDocument(t, render(doc), expectation{did: did, meetingID: `m-${system(id)}\'$$\\`,
			caller: strings.ReplaceAll(callerName(name, hideName, hideNumber), "${", "$ {")})
	})
}

// FuzzBridge renders bridge documents for arbitrary meeting IDs (a front-end chooses them) and
// caller names.
func FuzzBridge(f *testing.F) {
	f.Add("room", "Alice", "5551234")
	f.Add(`${system(id)}`, `\${x}\\'`, "(1)")
	f.Fuzz(func(t *testing.T, meetingID, caller, did string) {
		name := callerName(caller, "", "")
		doc := bridgeDocument(did, meetingID, name, "123456789", "bbb.example.org", pinPrompt{MinDigits: 5, MaxDigits: 10, HangupAfter: 60})
		checkDocument(t, render(doc), expectation{did: did, meetingID: printable(meetingID), caller: strings.ReplaceAll(name, "${", "$ {")})
	})
}

// noBackend is a BBB server that is never reached (the fuzzed meeting's server is healthy).
type noBackend struct{}

var errNoBackend = scalelite.Errorf(scalelite.EUNAVAILABLE, "no BBB server in this test")

func (noBackend) Call(context.Context, *scalelite.Server, string, scalelite.Params, []byte) ([]byte, error) {
	return nil, errNoBackend
}
func (noBackend) MeetingRunning(context.Context, *scalelite.Server, string) (bool, error) {
	return false, errNoBackend
}
func (noBackend) EndMeeting(context.Context, *scalelite.Server, string, string) error {
	return errNoBackend
}
func (noBackend) ListMeetings(context.Context, *scalelite.Server) ([]scalelite.ListedMeeting, error) {
	return nil, errNoBackend
}
func (noBackend) JoinURL(*scalelite.Server, scalelite.Params) string { return "" }
