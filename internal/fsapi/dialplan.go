package fsapi

import (
	"encoding/xml"
	"strconv"
)

// The documents answered to mod_xml_curl. They are built from these types with encoding/xml, so
// no value can add an element or an attribute; every value taken from the request or from our
// records goes through fsEscape, setValue or destinationExpression so that FreeSWITCH cannot
// expand a variable in it.

type document struct {
	XMLName xml.Name `xml:"document"`
	Type    string   `xml:"type,attr"`
	Section section  `xml:"section"`
}

type section struct {
	Name        string     `xml:"name,attr"`
	Description string     `xml:"description,attr,omitempty"`
	Result      *result    `xml:"result"`
	Context     *dpContext `xml:"context"`
}

type result struct {
	Status string `xml:"status,attr"`
}

type dpContext struct {
	Name      string    `xml:"name,attr"`
	Extension extension `xml:"extension"`
}

type extension struct {
	Name      string    `xml:"name,attr"`
	Condition condition `xml:"condition"`
}

type condition struct {
	Field      string   `xml:"field,attr"`
	Expression string   `xml:"expression,attr"`
	Actions    []action `xml:"action"`
}

type action struct {
	Application string `xml:"application,attr"`
	Data        string `xml:"data,attr,omitempty"`
}

// Sounds of the FreeSWITCH sound packages (en-us-callie) BBB installs.
const (
	soundWelcome  = "ivr/ivr-welcome.wav"
	soundEnterPin = "conference/conf-enter_conf_pin.wav"
	soundBadPin   = "conference/conf-bad-pin.wav"
	soundGoodbye  = "voicemail/vm-goodbye.wav"
)

// attemptsVariable counts a call's wrong PINs; FreeSWITCH sends it back as variable_<name>.
const attemptsVariable = "scalelite_pin_attempts"

// pinPrompt is how callers are asked for the PIN.
type pinPrompt struct {
	MinDigits, MaxDigits int
	// HangupAfter is FSAPI_MAX_DURATION in seconds; 0 is no limit.
	HangupAfter int
}

// collect asks for the digits into the variable pin and dials them in this context. The regex
// is \d+ (Scalelite's reprompt sends "d+", a bug that refuses every PIN typed there).
func (p pinPrompt) collect() []action {
	return []action{
		{Application: "play_and_get_digits", Data: strconv.Itoa(p.MinDigits) + " " + strconv.Itoa(p.MaxDigits) +
			" 3 7000 # " + soundEnterPin + " " + soundBadPin + ` pin \d+`},
		{Application: "transfer", Data: "${pin} XML public"},
	}
}

// limit schedules the hang-up of a call after FSAPI_MAX_DURATION (nothing when unlimited). A
// later schedule never extends an earlier one: FreeSWITCH hangs up at the first that falls due.
func (p pinPrompt) limit() []action {
	if p.HangupAfter <= 0 {
		return nil
	}
	return []action{{Application: "sched_hangup", Data: "+" + strconv.Itoa(p.HangupAfter) + " normal_clearing"}}
}

func dialplan(description, extensionName, did string, actions []action) *document {
	return &document{Type: "freeswitch/xml", Section: section{
		Name: "dialplan", Description: description,
		Context: &dpContext{Name: "public", Extension: extension{Name: extensionName, Condition: condition{
			Field: "destination_number", Expression: destinationExpression(did), Actions: actions,
		}}},
	}}
}

// rejectDocument tells FreeSWITCH we have nothing for this request (another section, or no
// destination number).
func rejectDocument() *document {
	return &document{Type: "freeswitch/xml", Section: section{Name: "result", Result: &result{Status: "not found"}}}
}

// promptDocument answers the call, limits its length, welcomes the caller and asks for the PIN.
func promptDocument(did string, p pinPrompt) *document {
	actions := append([]action{{Application: "answer"}}, p.limit()...)
	actions = append(actions,
		action{Application: "sleep", Data: "500"},
		action{Application: "playback", Data: soundWelcome},
		action{Application: "sleep", Data: "200"})
	return dialplan("Match DID and Pin for Conference", "match_did_and_prompt_for_pin", did, append(actions, p.collect()...))
}

// repromptDocument tells the caller the PIN was wrong and asks again, counting the attempt. It
// answers and limits the call too (Scalelite does neither), for callers whose first PIN came
// with the call (a gateway that sets variable_pin) rather than from the prompt.
func repromptDocument(did string, p pinPrompt, attempts int) *document {
	actions := append([]action{{Application: "answer"}}, p.limit()...)
	actions = append(actions,
		action{Application: "set", Data: attemptsVariable + "=" + strconv.Itoa(attempts)},
		action{Application: "playback", Data: soundBadPin},
		action{Application: "sleep", Data: "500"})
	return dialplan("Reprompt Pin for Conference", "reprompt_for_pin", did, append(actions, p.collect()...))
}

// hangupDocument ends a call after too many wrong PINs (Scalelite asks again forever).
func hangupDocument(did string) *document {
	return dialplan("Too Many Wrong Pins", "hangup_after_wrong_pins", did, []action{
		{Application: "answer"},
		{Application: "playback", Data: soundBadPin},
		{Application: "sleep", Data: "500"},
		{Application: "playback", Data: soundGoodbye},
		{Application: "hangup", Data: "NORMAL_CLEARING"},
	})
}

// bridgeDocument sends the call to the conference on the meeting's server: the PIN as dialled
// (a breakout room's number is its parent's plus one digit) at the server's host, on the
// server's FreeSWITCH external SIP profile. The call's length is limited here too, so a call
// whose PIN came with it is limited as well.
func bridgeDocument(did, meetingID, caller, pin, host string, p pinPrompt) *document {
	actions := []action{
		{Application: "set", Data: "meeting_id=" + setValue(printable(meetingID))},
		{Application: "set", Data: "effective_caller_id_name=" + setValue(caller)},
	}
	actions = append(actions, p.limit()...)
	actions = append(actions, action{Application: "bridge", Data: "sofia/external/" + fsEscape(pin+"@"+host)})
	return dialplan("Bridge Call to BBB Server", "bridge_to_bbb_server", did, actions)
}

// render writes the document as mod_xml_curl reads it.
func render(d *document) []byte {
	out, err := xml.MarshalIndent(d, "", "  ")
	if err != nil { // only types above, all marshalable
		panic("fsapi: marshal document: " + err.Error())
	}
	return append(out, '\n')
}
