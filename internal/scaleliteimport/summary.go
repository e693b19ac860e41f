package scaleliteimport

import (
	"sort"
	"strings"
)

// maxNotes bounds the conflicts and skips a summary lists per kind (the counts are complete).
const maxNotes = 200

// Summary is what a run found and did.
type Summary struct {
	DryRun    bool      `json:"dryRun"`
	Overwrite bool      `json:"overwrite"`
	Kinds     []*Counts `json:"kinds"`
	Seconds   float64   `json:"seconds"`
}

// Counts are one kind's numbers. In a dry run Imported and Overwritten say what a real run
// would do.
type Counts struct {
	Kind        string `json:"kind"`
	Found       int    `json:"found"`       // in Scalelite
	Imported    int    `json:"imported"`    // new to us
	Unchanged   int    `json:"unchanged"`   // already ours, identical
	Overwritten int    `json:"overwritten"` // ours differed and was replaced (Overwrite)
	Conflicts   int    `json:"conflicts"`   // ours differs: skipped
	Skipped     int    `json:"skipped"`     // not importable (reason in Notes)
	Notes       []Note `json:"notes,omitempty"`
	MoreNotes   int    `json:"moreNotes,omitempty"` // notes left out beyond maxNotes
}

// Note says why one item was not imported.
type Note struct {
	ID       string `json:"id"`
	Conflict bool   `json:"conflict,omitempty"`
	Reason   string `json:"reason"`
}

// counts returns the Counts of kind, adding it on first use.
func (s *Summary) counts(kind string) *Counts {
	for _, c := range s.Kinds {
		if c.Kind == kind {
			return c
		}
	}
	c := &Counts{Kind: kind}
	s.Kinds = append(s.Kinds, c)
	return c
}

// Changed returns the number of items written (or, in a dry run, that would be).
func (s *Summary) Changed() int {
	n := 0
	for _, c := range s.Kinds {
		n += c.Imported + c.Overwritten
	}
	return n
}

// Conflicts returns the number of conflicts over all kinds.
func (s *Summary) Conflicts() int {
	n := 0
	for _, c := range s.Kinds {
		n += c.Conflicts
	}
	return n
}

func (c *Counts) note(n Note) {
	if len(c.Notes) >= maxNotes {
		c.MoreNotes++
		return
	}
	c.Notes = append(c.Notes, n)
}

func (c *Counts) conflict(id, reason string) {
	c.Conflicts++
	c.note(Note{ID: id, Conflict: true, Reason: reason})
}

func (c *Counts) skip(id, reason string) {
	c.Skipped++
	c.note(Note{ID: id, Reason: reason})
}

// joinFields lists field names for a message.
func joinFields(fields []string) string {
	sort.Strings(fields)
	return strings.Join(fields, ", ")
}
