package main

import (
	"fmt"

	"github.com/scalelite-go/scalelite/internal/locale"
)

// pages loads the strings of the pages shown to end users: English, plus LOCALES_DIR's locale
// files; DEFAULT_LOCALE picks the language for browsers that ask for none of them.
func (a *app) pages() (*locale.Catalog, error) {
	c := a.cfg.Pages
	pages, err := locale.Load(c.LocalesDir, c.DefaultLocale)
	if err != nil {
		return nil, fmt.Errorf("page strings: %w", err)
	}
	if pages.Default().String() != c.DefaultLocale && c.DefaultLocale != "en" {
		a.logger.Warn("DEFAULT_LOCALE has no strings in LOCALES_DIR: pages default to English", "default_locale", c.DefaultLocale, "locales_dir", c.LocalesDir)
	}
	if c.LocalesDir != "" {
		a.logger.Info("page strings loaded", "locales_dir", c.LocalesDir, "languages", fmt.Sprint(pages.Languages()))
	}
	return pages, nil
}
