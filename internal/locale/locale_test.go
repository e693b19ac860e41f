package locale

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	title = "errors.recording_not_found.title"
	info  = "errors.recording_not_found.info"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBuiltInEnglish(t *testing.T) {
	c := English()
	for _, accept := range []string{"", "de-DE,de;q=0.9", "*", "garbage;;q=x"} {
		s := c.For(accept)
		if s.Lang.String() != "en" || s.T(title) != "Recording Not Found" || !strings.HasPrefix(s.T(info), "The recording you are looking for") {
			t.Errorf("%q: %s %q %q", accept, s.Lang, s.T(title), s.T(info))
		}
	}
	if got := c.For("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key: %q", got)
	}
}

// An operator's directory of Scalelite locale files: languages added, English customised,
// Accept-Language chooses, DEFAULT_LOCALE is the fallback, missing keys fall back.
func TestOperatorLocales(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"de.yml":  "de:\n  errors:\n    recording_not_found:\n      title: Aufzeichnung nicht gefunden\n      info: Die Aufzeichnungs-URL ist ungültig\n",
		"en.yml":  "en:\n  errors:\n    recording_not_found:\n      info: The recording url is invalid\n",
		"fr.yaml": "fr:\n  errors:\n    recording_not_found:\n      title: Enregistrement introuvable\n",
		"README":  "not a locale file",
	})
	c, err := Load(dir, "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ accept, lang, title, info string }{
		{"", "en", "Recording Not Found", "The recording url is invalid"},
		{"de-CH, en;q=0.5", "de", "Aufzeichnung nicht gefunden", "Die Aufzeichnungs-URL ist ungültig"},
		{"fr-FR", "fr", "Enregistrement introuvable", "The recording url is invalid"}, // info: the default's
		{"es, fr;q=0.3", "fr", "Enregistrement introuvable", "The recording url is invalid"},
		{"ja", "en", "Recording Not Found", "The recording url is invalid"},
	} {
		s := c.For(tc.accept)
		if s.Lang.String() != tc.lang || s.T(title) != tc.title || s.T(info) != tc.info {
			t.Errorf("%q: %s %q %q, want %s %q %q", tc.accept, s.Lang, s.T(title), s.T(info), tc.lang, tc.title, tc.info)
		}
	}

	// DEFAULT_LOCALE=de: German unless the browser asks for a language we have.
	c, err = Load(dir, "de")
	if err != nil {
		t.Fatal(err)
	}
	if s := c.For("ja"); s.Lang.String() != "de" || s.T(title) != "Aufzeichnung nicht gefunden" {
		t.Errorf("default de: %s %q", s.Lang, s.T(title))
	}
	if s := c.For("en-US"); s.Lang.String() != "en" {
		t.Errorf("en-US with default de: %s", s.Lang)
	}
	if s := c.For("fr"); s.T(info) != "Die Aufzeichnungs-URL ist ungültig" {
		t.Errorf("fr falls back to the default's info: %q", s.T(info))
	}
	// A default the catalogue lacks is English.
	if c, err := Load(dir, "it"); err != nil || c.Default().String() != "en" {
		t.Errorf("default it: %v %v", c, err)
	}
}

func TestBadLocaleFiles(t *testing.T) {
	for name, content := range map[string]string{
		"bad yaml":   "de: [unclosed\n",
		"not locale": "not a locale!:\n  x: y\n",
		"empty":      "",
	} {
		dir := writeFiles(t, map[string]string{"x.yml": content})
		if _, err := Load(dir, "en"); err == nil || !strings.Contains(err.Error(), "x.yml") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing"), "en"); err == nil {
		t.Error("missing directory accepted")
	}
	if _, err := Load("", "not a locale!"); err == nil {
		t.Error("bad DEFAULT_LOCALE accepted")
	}
}
