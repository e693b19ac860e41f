package bbbfacade

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// redirectFound answers 302 to location exactly as c.Redirect (net/http.Redirect) does, without
// its URL parse and replacer for the common case of an absolute ASCII http(s) URL (a join
// redirect); anything else goes through c.Redirect. Hand-written on purpose: it is part of the
// join path's allocation cut measured by BenchmarkJoinHandler (cmd/scalelite-bench; figures in
// docs/benchmarks.md), and a test holds its answer byte for byte equal to c.Redirect's.
func redirectFound(c *gin.Context, location string) {
	if !strings.HasPrefix(location, "http://") && !strings.HasPrefix(location, "https://") || !isASCII(location) {
		c.Redirect(http.StatusFound, location)
		return
	}
	c.Status(http.StatusFound)
	h := c.Writer.Header()
	_, hadCT := h["Content-Type"]
	h.Set("Location", location)
	m := c.Request.Method
	if !hadCT && (m == http.MethodGet || m == http.MethodHead) {
		h.Set("Content-Type", "text/html; charset=utf-8")
	}
	c.Writer.WriteHeader(http.StatusFound)
	if hadCT || m != http.MethodGet {
		return // gin writes the header after the handler
	}
	const head, tail = `<a href="`, `">Found</a>.` + "\n\n"
	b := make([]byte, 0, len(head)+len(location)+len(location)/4+len(tail))
	b = append(b, head...)
	b = appendHTMLEscaped(b, location)
	b = append(b, tail...)
	_, _ = c.Writer.Write(b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// appendHTMLEscaped escapes as net/http's htmlEscape.
func appendHTMLEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&#34;"...)
		case '\'':
			b = append(b, "&#39;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}
