package fsapi

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// expand models FreeSWITCH's variable expansion (switch_channel_expand_variables, the same
// algorithm as switch_event_expand_headers_check in src/switch_event.c): it returns the text
// the string expands to, with the variables and API calls it would expand left out, and their
// names. A string without "${" and without one of the escapes \\ \n \s \t \' is not processed
// at all.
func expand(in string) (string, []string) {
	if !strings.Contains(in, "${") && !hasEscapedData(in) {
		return in, nil
	}
	var out strings.Builder
	var vars []string
	nv := false
	for p := 0; p < len(in); p++ {
		if in[p] == '\\' && p+1 < len(in) {
			switch in[p+1] {
			case '$':
				nv = true
				p++
				if p+1 < len(in) && in[p+1] == '$' {
					p++
				}
			case '\'':
				p++
				continue
			case '\\':
				out.WriteByte('\\')
				p++
				continue
			}
		}
		variable := false
		if in[p] == '$' && !nv {
			if p+1 < len(in) && in[p+1] == '$' {
				p++ // $${global}
			}
			if p+1 < len(in) && in[p+1] == '{' {
				variable = true
			} else {
				nv = true
			}
		}
		if nv {
			out.WriteByte(in[p])
			nv = false
			continue
		}
		if variable {
			s := p + 2
			e, br := s, 1
			for e < len(in) {
				if br == 1 && in[e] == '}' {
					break
				}
				if e != s && in[e] == '{' {
					br++
				} else if br > 1 && in[e] == '}' {
					br--
				}
				e++
			}
			vars = append(vars, in[s:e])
			p = e // the closing brace (or the end); the next iteration goes on after it
			continue
		}
		out.WriteByte(in[p])
	}
	return out.String(), vars
}

// hasEscapedData is switch_string_has_escaped_data.
func hasEscapedData(in string) bool {
	i := strings.IndexByte(in, '\\')
	for i >= 0 {
		i++
		if i < len(in) && strings.IndexByte(`\nst'`, in[i]) >= 0 {
			return true
		}
		j := strings.IndexByte(in[i:], '\\')
		if j < 0 {
			return false
		}
		i += j
	}
	return false
}

func TestExpandModel(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		vars    []string
	}{
		{`plain text`, `plain text`, nil},
		{`a$b $$c`, `a$b $$c`, nil}, // not processed: no "${", no escape
		{`${pin} XML public`, ` XML public`, []string{"pin"}},
		{`x=$${global}y`, `x=y`, []string{"global"}},
		{`${system(rm -rf /)}`, ``, []string{"system(rm -rf /)"}},
		{`${a{b}c}d`, `d`, []string{"a{b}c"}},
		{`\${pin}`, `${pin}`, nil},
		{`\\${pin}`, `\`, []string{"pin"}}, // Scalelite's escape of \ alone is not enough before ${
		{`a\\b`, `a\b`, nil},
		{`a\b`, `a\b`, nil},
		{`it\'s`, `its`, nil},
		{`\$$\\`, `$\`, nil},
		{`$$\\`, `$\`, nil},
	} {
		out, vars := expand(tc.in)
		if out != tc.out || fmt.Sprint(vars) != fmt.Sprint(tc.vars) {
			t.Errorf("expand(%q) = %q %q, want %q %q", tc.in, out, vars, tc.out, tc.vars)
		}
	}
}

// Every string comes back from one expansion of fsEscape, and from two of setValue (with "${"
// neutralised), with nothing expanded.
func TestEscapeRoundTrip(t *testing.T) {
	for _, v := range []string{"", "plain", `a\b`, `\`, `\\`, `${x}`, `$${x}`, `\${x}`, `$`, `$$`, `$$\`, `\$`, `\$$`,
		`\'`, `'`, `it's ${a}`, `\n\s\t`, `}{$`, "$\\{", `${${x}}`, `a$`, `\\\$\$`} {
		if out, vars := expand(fsEscape(v)); out != v || vars != nil {
			t.Errorf("expand(fsEscape(%q)) = %q %q", v, out, vars)
		}
		once, vars1 := expand(setValue(v))
		twice, vars2 := expand(once)
		if want := strings.ReplaceAll(v, "${", "$ {"); twice != want || vars1 != nil || vars2 != nil || strings.Contains(twice, "${") {
			t.Errorf("set %q: expands to %q then %q (vars %q %q), want %q", v, once, twice, vars1, vars2, want)
		}
	}
}

// element is one element of a parsed document.
type element struct {
	Path  string // e.g. document/section/context
	Attrs map[string]string
}

// parseDocument reads an answer as FreeSWITCH's XML parser would and returns its elements in
// order; anything but elements and blank text (comments, processing instructions, directives,
// text) is an error.
func parseDocument(body []byte) ([]element, error) {
	dec := xml.NewDecoder(strings.NewReader(string(body)))
	dec.Strict = true
	var stack []string
	var out []element
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != "" {
				return nil, fmt.Errorf("namespaced element %v", tok.Name)
			}
			stack = append(stack, tok.Name.Local)
			el := element{Path: strings.Join(stack, "/"), Attrs: map[string]string{}}
			for _, a := range tok.Attr {
				if a.Name.Space != "" {
					return nil, fmt.Errorf("namespaced attribute %v", a.Name)
				}
				if _, dup := el.Attrs[a.Name.Local]; dup {
					return nil, fmt.Errorf("attribute %s twice", a.Name.Local)
				}
				el.Attrs[a.Name.Local] = a.Value
			}
			out = append(out, el)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if strings.TrimSpace(string(tok)) != "" {
				return nil, fmt.Errorf("text %q", tok)
			}
		default:
			return nil, fmt.Errorf("unexpected %T", tok)
		}
	}
	if len(out) == 0 || out[0].Path != "document" {
		return nil, errors.New("no document element")
	}
	return out, nil
}
