// Package locale holds the strings of the HTML pages shown to end users, per language: English
// built in, plus an operator's directory of Rails-style locale files (Scalelite's
// config/locales/<locale>.yml, which operators replace or extend with their own), chosen per
// request from the browser's Accept-Language, else DEFAULT_LOCALE, else English.
package locale

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

//go:embed locales/*.yml
var builtIn embed.FS

// Catalog is every language's strings.
type Catalog struct {
	strings   map[language.Tag]map[string]string
	supported []language.Tag // the default first
	matcher   language.Matcher
	def       language.Tag
}

// Strings are one request's strings.
type Strings struct {
	c    *Catalog
	Lang language.Tag
}

// English is the catalogue with the built-in English strings only.
func English() *Catalog {
	c, err := Load("", "en")
	if err != nil { // the embedded files are tested
		panic(err)
	}
	return c
}

// Load reads the built-in strings, then every *.yml and *.yaml file of dir ("" for none), whose
// strings replace or add to them. defaultLocale (DEFAULT_LOCALE) is the language used when the
// browser asks for none of the catalogue's; one the catalogue lacks falls back to English.
func Load(dir, defaultLocale string) (*Catalog, error) {
	def, err := language.Parse(defaultLocale)
	if err != nil {
		return nil, fmt.Errorf("DEFAULT_LOCALE %q: %w", defaultLocale, err)
	}
	c := &Catalog{strings: map[language.Tag]map[string]string{}}
	if err := c.addFiles(builtIn, "locales"); err != nil {
		return nil, err
	}
	if dir != "" {
		if err := c.addFiles(os.DirFS(dir), "."); err != nil {
			return nil, fmt.Errorf("LOCALES_DIR %s: %w", dir, err)
		}
	}
	if _, ok := c.strings[def]; !ok {
		def = language.English
	}
	c.def = def
	c.supported = []language.Tag{def}
	for tag := range c.strings {
		if tag != def {
			c.supported = append(c.supported, tag)
		}
	}
	slices.SortFunc(c.supported[1:], func(a, b language.Tag) int { return strings.Compare(a.String(), b.String()) })
	c.matcher = language.NewMatcher(c.supported)
	return c, nil
}

// Default is the language of the pages for browsers that ask for none of ours.
func (c *Catalog) Default() language.Tag { return c.def }

// Languages lists the catalogue's languages, the default first.
func (c *Catalog) Languages() []language.Tag { return slices.Clone(c.supported) }

// For returns the strings for a request's Accept-Language header.
func (c *Catalog) For(acceptLanguage string) Strings {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Strings{c: c, Lang: c.def}
	}
	_, i, confidence := c.matcher.Match(tags...)
	if confidence == language.No {
		return Strings{c: c, Lang: c.def}
	}
	return Strings{c: c, Lang: c.supported[i]}
}

// T returns the string for key (e.g. "errors.recording_not_found.title") in the request's
// language, else the default language's, else English, else the key itself.
func (s Strings) T(key string) string {
	for _, tag := range []language.Tag{s.Lang, s.c.def, language.English} {
		if v, ok := s.c.strings[tag][key]; ok {
			return v
		}
	}
	return key
}

// addFiles merges the locale files of fsys's dir, in name order.
func (c *Catalog) addFiles(fsys fs.FS, dir string) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".yml" && ext != ".yaml") {
			continue
		}
		b, err := fs.ReadFile(fsys, filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		if err := c.add(b); err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
	}
	return nil
}

// add merges one Rails locale file: a map from locale names to nested maps of strings.
func (c *Catalog) add(b []byte) error {
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return err
	}
	if len(doc) == 0 {
		return errors.New("no locale in the file")
	}
	for name, tree := range doc {
		tag, err := language.Parse(name)
		if err != nil {
			return fmt.Errorf("%q is not a locale: %w", name, err)
		}
		m := c.strings[tag]
		if m == nil {
			m = map[string]string{}
			c.strings[tag] = m
		}
		flatten(m, "", tree)
	}
	return nil
}

// flatten stores the leaves of a nested map under their dotted keys.
func flatten(out map[string]string, prefix string, v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, child := range v {
			flatten(out, join(prefix, k), child)
		}
	case map[any]any: // a map with keys that are not all strings
		for k, child := range v {
			flatten(out, join(prefix, fmt.Sprint(k)), child)
		}
	case nil, []any:
		// nothing to show
	default:
		if prefix != "" {
			out[prefix] = fmt.Sprint(v)
		}
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
