package bbb

import (
	"net/url"
	"strings"
	"testing"
)

const docSecret = "639259d4-9dd8-4b25-bf01-95f9567eaf4b"
const docQuery = "name=Test+Meeting&meetingID=abc123&attendeePW=111222&moderatorPW=333444"

func TestChecksumVectors(t *testing.T) {
	tests := []struct {
		name                string
		alg                 Algorithm
		action, query, want string
	}{
		{"docs sha1", SHA1, "create", docQuery, "1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"},
		{"docs sha256", SHA256, "create", docQuery, "da9185f7f333cfdfcd6eeac32dca3777510c4c436020d8b887ba5515bd1d189e"},
		{"getMeetings empty query", SHA1, "getMeetings", "", "2027baa7771026e9e93392f55031535d1444c41f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Checksum(tt.alg, tt.action, tt.query, docSecret); got != tt.want {
				t.Errorf("Checksum = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestChecksumLengths(t *testing.T) {
	for _, alg := range AllAlgorithms {
		got := Checksum(alg, "create", docQuery, docSecret)
		if len(got) != alg.hexLen() || strings.ToLower(got) != got {
			t.Errorf("%s: got %q (len %d), want %d lower-case hex", alg, got, len(got), alg.hexLen())
		}
	}
}

func TestStripChecksum(t *testing.T) {
	tests := []struct {
		raw, wantRest, wantSum string
	}{
		{"a=1&checksum=abc", "a=1", "abc"},
		{"checksum=abc&a=1", "a=1", "abc"},
		{"checksum=abc", "", "abc"},
		{"&checksum=abc", "", "abc"},
		{"a=1&checksum=abc&b=2", "a=1&b=2", "abc"},
		{"a=1", "a=1", ""},
		{"", "", ""},
		// every occurrence of the first matching pattern goes, as Java's String.replace does
		{"a=1&checksum=abc&checksum=abc", "a=1", "abc"},
		// encoded key: the value is found but the literal surgery does not match
		{"a=1&check%73um=abc", "a=1&check%73um=abc", "abc"},
	}
	for _, tt := range tests {
		rest, sum := StripChecksum(tt.raw)
		if rest != tt.wantRest || sum != tt.wantSum {
			t.Errorf("StripChecksum(%q) = %q, %q; want %q, %q", tt.raw, rest, sum, tt.wantRest, tt.wantSum)
		}
	}
}

func TestVerify(t *testing.T) {
	sign := func(alg Algorithm, action, q string) string { return Checksum(alg, action, q, docSecret) }
	form := func(s string) url.Values { v, _ := url.ParseQuery(s); return v }
	secrets := []string{docSecret}
	tests := []struct {
		name string
		in   VerifyInput
		want bool
	}{
		{"docs vector sha1", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"}, true},
		{"docs vector sha256", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=da9185f7f333cfdfcd6eeac32dca3777510c4c436020d8b887ba5515bd1d189e"}, true},
		{"sha384", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=" + sign(SHA384, "create", docQuery)}, true},
		{"sha512", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=" + sign(SHA512, "create", docQuery)}, true},
		{"getMeetings empty", VerifyInput{Action: "getMeetings", RawQuery: "checksum=2027baa7771026e9e93392f55031535d1444c41f"}, true},
		{"?&checksum=", VerifyInput{Action: "getMeetings", RawQuery: "&checksum=2027baa7771026e9e93392f55031535d1444c41f"}, true},
		{"checksum first", VerifyInput{Action: "create", RawQuery: "checksum=" + sign(SHA1, "create", docQuery) + "&" + docQuery}, true},
		{"upper-case hex", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=1FCBB0C4FC1F039F73AA6D697D2DB9BA7F803F17"}, true},
		{"%20 instead of + signed as +", VerifyInput{Action: "create", RawQuery: strings.Replace(docQuery, "+", "%20", 1) + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"}, false},
		{"%20 signed as %20", VerifyInput{Action: "create", RawQuery: "name=Test%20Meeting&checksum=" + sign(SHA1, "create", "name=Test%20Meeting")}, true},
		{"lower-case escape differs", VerifyInput{Action: "create", RawQuery: "name=a%2fb&checksum=" + sign(SHA1, "create", "name=a%2Fb")}, false},
		{"reordered params", VerifyInput{Action: "create", RawQuery: "meetingID=abc123&name=Test+Meeting&attendeePW=111222&moderatorPW=333444&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"}, false},
		{"wrong action", VerifyInput{Action: "join", RawQuery: docQuery + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17"}, false},
		{"wrong length", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f1"}, false},
		{"wrong length 63", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=" + sign(SHA256, "create", docQuery)[:63]}, false},
		{"non-hex", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=" + strings.Repeat("z", 40)}, false},
		{"missing checksum", VerifyInput{Action: "create", RawQuery: docQuery}, false},
		{"empty checksum", VerifyInput{Action: "getMeetings", RawQuery: "checksum="}, false},
		{"sha1 not allowed", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17", Allowed: []Algorithm{SHA256, SHA512}}, false},
		{"sha256 allowed", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=" + sign(SHA256, "create", docQuery), Allowed: []Algorithm{SHA256}}, true},
		{"no secrets", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17", Secrets: []string{}}, false},
		{"second secret", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17", Secrets: []string{"other", docSecret}}, true},
		{"empty secret ignored", VerifyInput{Action: "getMeetings", RawQuery: "checksum=" + Checksum(SHA1, "getMeetings", "", ""), Secrets: []string{""}}, false},
		{"wrong secret", VerifyInput{Action: "create", RawQuery: docQuery + "&checksum=1fcbb0c4fc1f039f73aa6d697d2db9ba7f803f17", Secrets: []string{"other"}}, false},

		// form POST bodies
		{"form sorted rebuild", VerifyInput{Action: "create", Form: form("name=Test+Meeting&meetingID=abc123&checksum=" + sign(SHA1, "create", "meetingID=abc123&name=Test+Meeting"))}, true},
		{"form rebuild java encoding", VerifyInput{Action: "create", Form: form("name=a b*c~&meetingID=x&checksum=" + sign(SHA256, "create", "meetingID=x&name=a+b*c%7E"))}, true},
		{"form without checksum", VerifyInput{Action: "create", Form: form("name=Test+Meeting&meetingID=abc123"), Body: "name=Test+Meeting&meetingID=abc123&checksum=" + sign(SHA1, "create", "name=Test+Meeting&meetingID=abc123")}, false},
		{"form action+secret alone does not cover body", VerifyInput{Action: "getMeetingInfo", Form: form("meetingID=abc&checksum=" + sign(SHA1, "getMeetingInfo", ""))}, false},
		{"form with only checksum", VerifyInput{Action: "getMeetings", Form: form("checksum=" + sign(SHA1, "getMeetings", ""))}, true},
		{"form query merged", VerifyInput{Action: "end", RawQuery: "meetingID=m1", Form: form("password=mp&checksum=" + sign(SHA1, "end", "meetingID=m1&password=mp"))}, true},
		{"form body checksum, raw query signed, nothing else in body", VerifyInput{Action: "end", RawQuery: "meetingID=m1", Form: form("checksum=" + sign(SHA1, "end", "meetingID=m1"))}, true},
		{"form body checksum, raw query signed, smuggled body param", VerifyInput{Action: "end", RawQuery: "meetingID=m1", Form: form("password=x&checksum=" + sign(SHA1, "end", "meetingID=m1"))}, false},
		{"form same key in query and body", VerifyInput{Action: "end", RawQuery: "meetingID=m1", Form: form("meetingID=m1&checksum=" + sign(SHA1, "end", "meetingID=m1"))}, false},
		{"query checksum wins over form", VerifyInput{Action: "getMeetingInfo", RawQuery: "meetingID=a&checksum=" + sign(SHA1, "getMeetingInfo", "meetingID=a"), Form: form("meetingID=b")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in.Secrets == nil {
				in.Secrets = secrets
			}
			if got := Verify(in); got != tt.want {
				t.Errorf("Verify = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifyRawBodyOrder(t *testing.T) {
	body := "name=Test+Meeting&meetingID=abc123&checksum=" + Checksum(SHA1, "create", "name=Test+Meeting&meetingID=abc123", docSecret)
	form, _ := url.ParseQuery(body)
	got := Verify(VerifyInput{Action: "create", Form: form, Body: body, Secrets: []string{docSecret}})
	if !got {
		t.Errorf("Verify(raw body order) = false, want true")
	}
}

func TestParseAlgorithms(t *testing.T) {
	tests := []struct {
		in      string
		want    []Algorithm
		wantErr bool
	}{
		{"", nil, false},
		{"SHA1:sha256:Sha512", []Algorithm{SHA1, SHA256, SHA512}, false},
		{"sha384", []Algorithm{SHA384}, false},
		{"sha1::", []Algorithm{SHA1}, false},
		{"md5", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseAlgorithms(tt.in)
		if (err != nil) != tt.wantErr || strings.Join(algStrings(got), ",") != strings.Join(algStrings(tt.want), ",") {
			t.Errorf("ParseAlgorithms(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestStrongest(t *testing.T) {
	tests := []struct {
		in   []Algorithm
		want Algorithm
	}{
		{nil, SHA256},
		{[]Algorithm{SHA1}, SHA1},
		{[]Algorithm{SHA1, SHA512, SHA256}, SHA512},
		{[]Algorithm{SHA384, SHA256}, SHA384},
	}
	for _, tt := range tests {
		if got := Strongest(tt.in); got != tt.want {
			t.Errorf("Strongest(%v) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func algStrings(a []Algorithm) []string {
	s := make([]string, len(a))
	for i, x := range a {
		s[i] = string(x)
	}
	return s
}
