package bbb

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseResponse parses a BBB XML answer: the root element (normally <response>) and its direct
// children. Unknown elements are kept in Elements. Input that is not one well-formed XML element is
// an error.
func ParseResponse(raw []byte) (*Response, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errors.New("answer is not XML: empty body")
	}
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	resp := &Response{Raw: raw}
	depth := 0
	rootSeen := false
	var cur Element
	var curStart int64
	var text strings.Builder
	hasChild := false
	var stack []xml.Name
	for {
		offset := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("answer is not XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			stack = append(stack, t.Name)
			switch depth {
			case 1:
				if rootSeen {
					return nil, errors.New("answer is not XML: more than one root element")
				}
				rootSeen = true
			case 2:
				cur = Element{Name: t.Name.Local}
				curStart = offset
				text.Reset()
				hasChild = false
			default:
				hasChild = true
			}
		case xml.EndElement:
			if len(stack) == 0 || stack[len(stack)-1] != t.Name {
				return nil, fmt.Errorf("answer is not XML: unexpected </%s>", t.Name.Local)
			}
			stack = stack[:len(stack)-1]
			if depth == 2 {
				cur.Raw = raw[curStart:d.InputOffset()]
				if !hasChild {
					cur.Text = text.String()
				}
				resp.Elements = append(resp.Elements, cur)
				switch cur.Name {
				case "returncode":
					resp.ReturnCode = strings.TrimSpace(cur.Text)
				case "messageKey":
					resp.MessageKey = strings.TrimSpace(cur.Text)
				case "message":
					resp.Message = strings.TrimSpace(cur.Text)
				}
			}
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("answer is not XML: text outside the root element")
			}
			if depth == 2 {
				text.Write(t)
			}
		}
	}
	if len(stack) > 0 {
		return nil, fmt.Errorf("answer is not XML: <%s> not closed", stack[len(stack)-1].Local)
	}
	if !rootSeen {
		return nil, errors.New("answer is not XML: no root element")
	}
	return resp, nil
}
