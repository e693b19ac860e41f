package bbb

import "testing"

func TestErrorDocument(t *testing.T) {
	got := string(ErrorDocument("checksumError", "You did not pass the checksum security check"))
	want := `<?xml version="1.0"?>
<response>
  <returncode>FAILED</returncode>
  <messageKey>checksumError</messageKey>
  <message>You did not pass the checksum security check</message>
</response>
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestDocument(t *testing.T) {
	got := string(NewDocument("SUCCESS").
		Element("running", "true").
		Element("message", `a<b & "c"`+"\r").
		RawElement("meetings", nil).
		RawElement("recordings", []byte("<recording/>")).
		Raw([]byte("<x>1</x>")).
		Element("messageKey", "").
		Bytes())
	want := `<?xml version="1.0"?>
<response>
  <returncode>SUCCESS</returncode>
  <running>true</running>
  <message>a&lt;b &amp; "c"&#13;</message>
  <meetings/>
  <recordings><recording/></recordings>
  <x>1</x>
  <messageKey/>
</response>
`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	resp, err := ParseResponse([]byte(got))
	if err != nil || resp.ReturnCode != "SUCCESS" || resp.Message != `a<b & "c"` {
		t.Errorf("ParseResponse = %+v, %v", resp, err)
	}
}

func TestEscapeControlChars(t *testing.T) {
	if got := Escape("a\x00b\tc\n\xff"); got != "a\uFFFDb\tc\n\uFFFD" {
		t.Errorf("Escape = %q", got)
	}
}

func TestParseResponseElements(t *testing.T) {
	raw := []byte(`<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>a</meetingID></meeting></meetings><messageKey/></response>`)
	resp, err := ParseResponse(raw)
	if err != nil {
		t.Fatal(err)
	}
	el, ok := resp.Element("meetings")
	if !ok || string(el.Raw) != `<meetings><meeting><meetingID>a</meetingID></meeting></meetings>` || el.Text != "" {
		t.Errorf("meetings element = %+v", el)
	}
	if got := string(el.Inner()); got != `<meeting><meetingID>a</meetingID></meeting>` {
		t.Errorf("Inner = %q", got)
	}
	mk, _ := resp.Element("messageKey")
	if mk.Inner() != nil || string(mk.Raw) != "<messageKey/>" {
		t.Errorf("messageKey = %+v", mk)
	}
}
