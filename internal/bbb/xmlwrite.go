package bbb

// Hand-written on purpose: front-ends get Scalelite's bytes, which are libxml2's (Nokogiri's):
// an <?xml version="1.0"?> line, two-space indentation, <name/> for empty text, quotes left
// unescaped and a carriage return as &#13;. encoding/xml writes <name></name>, escapes quotes
// and has no such declaration or indentation rule (xmlwrite_test.go holds the bytes).

import (
	"io"
	"strings"
)

// ContentTypeXML is the Content-Type of the balancer's XML answers (Scalelite's).
const ContentTypeXML = "application/xml; charset=utf-8"

// xmlHeader starts every document the balancer writes, as Nokogiri does.
const xmlHeader = "<?xml version=\"1.0\"?>\n"

// ErrorDocument returns Scalelite's error envelope:
//
//	<?xml version="1.0"?>
//	<response>
//	  <returncode>FAILED</returncode>
//	  <messageKey>KEY</messageKey>
//	  <message>TEXT</message>
//	</response>
//
// with a final newline. Answer it with HTTP 200 and ContentTypeXML.
func ErrorDocument(key, message string) []byte {
	return NewDocument("FAILED").Element("messageKey", key).Element("message", message).Bytes()
}

// WriteError writes ErrorDocument(key, message) to w.
func WriteError(w io.Writer, key, message string) error {
	_, err := w.Write(ErrorDocument(key, message))
	return err
}

// Document builds a <response> document with returncode first and the other children in the order
// they are added, indented by two spaces like Scalelite's (Nokogiri) output. Elements with empty
// text are written as <name/>.
type Document struct {
	b strings.Builder
}

// NewDocument starts a document with the given returncode (SUCCESS or FAILED).
func NewDocument(returnCode string) *Document {
	d := &Document{}
	d.b.WriteString(xmlHeader)
	d.b.WriteString("<response>\n")
	return d.Element("returncode", returnCode)
}

// Element appends <name>text</name> with text escaped.
func (d *Document) Element(name, text string) *Document {
	d.b.WriteString("  <")
	d.b.WriteString(name)
	if text == "" {
		d.b.WriteString("/>\n")
		return d
	}
	d.b.WriteByte('>')
	EscapeText(&d.b, text)
	d.b.WriteString("</")
	d.b.WriteString(name)
	d.b.WriteString(">\n")
	return d
}

// RawElement appends <name>inner</name> with inner written verbatim (relayed XML such as a list
// of <meeting> nodes); empty inner gives <name/>.
func (d *Document) RawElement(name string, inner []byte) *Document {
	d.b.WriteString("  <")
	d.b.WriteString(name)
	if len(inner) == 0 {
		d.b.WriteString("/>\n")
		return d
	}
	d.b.WriteByte('>')
	d.b.Write(inner)
	d.b.WriteString("</")
	d.b.WriteString(name)
	d.b.WriteString(">\n")
	return d
}

// Raw appends an XML fragment verbatim (for example relayed elements), on its own line.
func (d *Document) Raw(fragment []byte) *Document {
	d.b.WriteString("  ")
	d.b.Write(fragment)
	d.b.WriteByte('\n')
	return d
}

// Bytes closes the document and returns it. The document must not be used afterwards.
func (d *Document) Bytes() []byte {
	d.b.WriteString("</response>\n")
	return []byte(d.b.String())
}

// EscapeText writes s escaped for XML character data as libxml2 (Nokogiri) does: &, < and > become
// entities and a carriage return becomes &#13;; quotes stay. Characters that XML 1.0 forbids (control characters other than tab, newline and carriage return, and invalid
// UTF-8) are replaced with U+FFFD.
func EscapeText(b *strings.Builder, s string) {
	if plainText(s) {
		b.WriteString(s)
		return
	}
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#13;")
		case '\t', '\n':
			b.WriteRune(r)
		default:
			if r < 0x20 || r == 0xFFFD || r == 0xFFFE || r == 0xFFFF {
				b.WriteRune('\uFFFD')
				continue
			}
			b.WriteRune(r)
		}
	}
}

// Escape returns s escaped for XML character data (see EscapeText).
func Escape(s string) string {
	var b strings.Builder
	EscapeText(&b, s)
	return b.String()
}

// plainText reports whether s is printable ASCII without &, < and >, so it needs no escaping.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && c != '\t' && c != '\n' || c >= 0x80 || c == '&' || c == '<' || c == '>' {
			return false
		}
	}
	return true
}
