package recordings

import (
	"bytes"
	"html/template"
	"net/http"
)

// notFoundPage is the "Recording Not Found" page (Scalelite's errors/recording_not_found, with
// its locale keys), in the language the browser asks for (Pages, LOCALES_DIR, DEFAULT_LOCALE).
var notFoundPage = template.Must(template.New("not-found").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:sans-serif;text-align:center;margin-top:15vh;color:#333}h1{font-weight:400}</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p>{{.Info}}</p>
</body>
</html>
`))

// notFound answers 404 with the not-found page. Every refusal of a recording (unknown, not
// published, another tenant's, a missing or spent link or cookie) gets the same page, so that
// none tells whether a recording exists.
func (p *Playback) notFound(w http.ResponseWriter, r *http.Request) {
	s := p.cfg.Pages.For(r.Header.Get("Accept-Language"))
	var b bytes.Buffer
	err := notFoundPage.Execute(&b, map[string]string{"Lang": s.Lang.String(),
		"Title": s.T("errors.recording_not_found.title"), "Info": s.T("errors.recording_not_found.info")})
	if err != nil {
		p.internal(w, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", s.Lang.String())
	h.Set("Vary", "Accept-Language")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(b.Bytes())
}
