package scalelite

import (
	"net/url"
	"reflect"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		raw     string
		want    Params
		wantErr bool
	}{
		{"", nil, false},
		{"a=1&b=x+y&c=%C3%A9", Params{{Key: "a", Value: "1"}, {Key: "b", Value: "x y"}, {Key: "c", Value: "é"}}, false},
		{"&checksum=x", Params{{Key: "checksum", Value: "x"}}, false},
		{"a=1&&a=2", Params{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}, false},
		{"password&meetingID=m", Params{{Key: "password", Bare: true}, {Key: "meetingID", Value: "m"}}, false},
		{"a=", Params{{Key: "a"}}, false},
		{"a=1=2", Params{{Key: "a", Value: "1=2"}}, false},
		{"a=%zz", nil, true},
		{"%zz=1", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseQuery(tt.raw)
		if (err != nil) != tt.wantErr || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQuery(%q) = %#v, %v; want %#v, err %v", tt.raw, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		p    Params
		want string
	}{
		{nil, ""},
		{Params{{Key: "name", Value: "Test Meeting"}, {Key: "meetingID", Value: "abc123"}}, "name=Test+Meeting&meetingID=abc123"},
		{Params{{Key: "v", Value: "*-._~!'()/:?=&é"}}, "v=*-._%7E%21%27%28%29%2F%3A%3F%3D%26%C3%A9"},
		{Params{{Key: "meetingID", Value: "m"}, {Key: "password", Bare: true}}, "meetingID=m&password"},
		{Params{{Key: "meta_a b", Value: ""}}, "meta_a+b="},
	}
	for _, tt := range tests {
		if got := tt.p.Encode(); got != tt.want {
			t.Errorf("Encode(%v) = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestParamsSetDelGet(t *testing.T) {
	p := Params{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "a", Value: "3"}, {Key: "password", Bare: true}}
	p.Set("a", "9")
	p.Set("c", "4")
	p.Set("password", "mp")
	want := Params{{Key: "a", Value: "9"}, {Key: "b", Value: "2"}, {Key: "password", Value: "mp"}, {Key: "c", Value: "4"}}
	if !reflect.DeepEqual(p, want) {
		t.Fatalf("after Set = %v, want %v", p, want)
	}
	p.Del("b")
	if got, ok := p.Get("b"); ok {
		t.Errorf("Get(b) after Del = %q, true", got)
	}
	if got, ok := p.Get("c"); !ok || got != "4" {
		t.Errorf("Get(c) = %q, %v; want 4, true", got, ok)
	}
	if got := p.Encode(); got != "a=9&password=mp&c=4" {
		t.Errorf("Encode = %q", got)
	}
	var empty Params
	empty.Set("x", "y")
	if got := empty.Encode(); got != "x=y" {
		t.Errorf("Set on nil: %q", got)
	}
}

func TestEncodeMatchesJavaForm(t *testing.T) {
	// url.QueryEscape differs from Java only in '~' and '*'; check everything else agrees.
	for c := 0; c < 256; c++ {
		s := string([]byte{byte(c)})
		got := FormEscape(s)
		want := url.QueryEscape(s)
		switch byte(c) {
		case '~':
			want = "%7E"
		case '*':
			want = "*"
		}
		if got != want {
			t.Errorf("FormEscape(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "a=1&b=2", "&checksum=x", "password&x=%20+", "a=%zz", "é=é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := ParseQuery(raw)
		if err != nil {
			return
		}
		// Encoding and parsing again gives the same parameters.
		again, err := ParseQuery(p.Encode())
		if err != nil {
			t.Fatalf("re-parse of %q: %v", p.Encode(), err)
		}
		if len(again) != len(p) {
			t.Fatalf("round trip of %q: %v vs %v", raw, p, again)
		}
		for i := range p {
			if p[i] != again[i] {
				t.Fatalf("round trip of %q: %v vs %v", raw, p[i], again[i])
			}
		}
	})
}
