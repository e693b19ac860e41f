package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgressOnlyOnATerminal(t *testing.T) {
	var buf bytes.Buffer
	e := &env{stderr: &buf}
	p := e.progress()
	p.show("[1/2] importing a.tar")
	p.done()
	if buf.Len() != 0 {
		t.Errorf("progress written to a non-terminal: %q", buf.String())
	}
	p = &progress{w: &buf, on: true}
	p.show("[1/2] importing long-name.tar")
	p.show("[2/2] importing b.tar")
	p.done()
	// The shorter line pads over the longer one; done blanks the line.
	want := "\r[1/2] importing long-name.tar" + "\r[2/2] importing b.tar" + strings.Repeat(" ", 29-21) + "\r" + strings.Repeat(" ", 21) + "\r"
	if buf.String() != want {
		t.Errorf("terminal output %q, want %q", buf.String(), want)
	}
}
