package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
)

// progress shows what a long command is doing as one line on stderr, rewritten in place and
// erased when done, only when stderr is a terminal (go-isatty): pipes, log files and scripts get
// nothing. Kept by hand: it is a status line of free text ("[3/40] importing x.tar", "polling
// every server..."), not a bar; a progress-bar library (schollz/progressbar) would draw a bar on
// its own timer and bring three more modules for these two uses.
type progress struct {
	w     io.Writer
	on    bool
	width int // of the line on screen
}

func (e *env) progress() *progress {
	f, ok := e.stderr.(*os.File)
	return &progress{w: e.stderr, on: ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))}
}

// show replaces the line with the formatted text.
func (p *progress) show(format string, args ...any) {
	if !p.on {
		return
	}
	line := fmt.Sprintf(format, args...)
	if len(line) > 100 {
		line = line[:97] + "..."
	}
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", max(p.width-len(line), 0)))
	p.width = len(line)
}

// done erases the line, so that the command's own output starts on a clean line.
func (p *progress) done() {
	if p.on && p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}
