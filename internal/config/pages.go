package config

import "golang.org/x/text/language"

// Pages configures the HTML pages shown to end users (recording not found and the like).
type Pages struct {
	// DefaultLocale is DEFAULT_LOCALE: the language of the pages when the browser's
	// Accept-Language names none we have (default "en").
	DefaultLocale string
	// LocalesDir is LOCALES_DIR: a directory of Rails-style <locale>.yml files whose strings
	// replace or add to the built-in English (Scalelite's custom locales); "" for none.
	LocalesDir string
}

func (r *reader) pages() Pages {
	p := Pages{DefaultLocale: r.trimmed("DEFAULT_LOCALE"), LocalesDir: r.trimmed("LOCALES_DIR")}
	if p.DefaultLocale == "" {
		p.DefaultLocale = "en"
	}
	if _, err := language.Parse(p.DefaultLocale); err != nil {
		r.fail("DEFAULT_LOCALE", "%q is not a language tag (e.g. en, de, pt-BR)", p.DefaultLocale)
	}
	return p
}
