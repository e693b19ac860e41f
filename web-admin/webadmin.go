// Package webadmin serves the web console, a small TypeScript single-page app that talks only to
// /graphql. Its built assets (dist/, produced by `npm run build` in this directory and committed)
// are embedded in the binary, so `go build` needs no node.
//
// Handler serves them under /admin/: hashed assets (/admin/assets/NAME-HASH.EXT) with a
// one-year immutable cache, and index.html, with no-cache and an ETag, for /admin/ and for every
// client route (a path with no file extension that is not an asset). Mount it for GET and HEAD on
// /admin and /admin/*path.
package webadmin

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// Prefix is the path the console is served under.
const Prefix = "/admin/"

//go:embed dist
var dist embed.FS

// contentTypes fixes the types of the files the build produces, independently of the host's
// mime tables.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".map":   "application/json; charset=utf-8",
	".json":  "application/json; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".txt":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
}

// contentSecurityPolicy allows the console's own scripts, styles and connections (same-origin
// fetch and websockets to /graphql) and nothing else.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// graphiqlRoute is the console's GraphQL page. GraphiQL sets inline styles and embeds its fonts
// as data: URLs, so that page alone also allows those (scripts stay 'self' only); the console
// loads it as a page of its own rather than in place.
const graphiqlRoute = "graphql"

const graphiqlSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src data:; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// asset is one embedded file, read once.
type asset struct {
	body        []byte
	contentType string
	etag        string
	immutable   bool // hashed name: cache for a year
}

type handler struct {
	assets map[string]*asset // by path relative to dist, e.g. "assets/app-X.js"
	index  *asset
}

// Handler returns the console's handler for requests under /admin/ (and /admin, which is
// redirected to /admin/). It panics if the embedded build is missing index.html, which only a
// broken build can cause.
func Handler() http.Handler {
	root, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(fmt.Sprintf("webadmin: %v", err))
	}
	h, err := newHandler(root)
	if err != nil {
		panic(fmt.Sprintf("webadmin: %v", err))
	}
	return h
}

// newHandler reads every file of root into memory.
func newHandler(root fs.FS) (*handler, error) {
	h := &handler{assets: map[string]*asset{}}
	err := fs.WalkDir(root, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h.assets[name] = &asset{
			body:        body,
			contentType: typeOf(name, body),
			etag:        `"` + hex.EncodeToString(sum[:8]) + `"`,
			immutable:   strings.HasPrefix(name, "assets/"),
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read embedded console: %w", err)
	}
	h.index = h.assets["index.html"]
	if h.index == nil {
		return nil, fmt.Errorf("embedded console has no index.html (run npm run build in web-admin)")
	}
	return h, nil
}

func typeOf(name string, body []byte) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(body)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if p == strings.TrimSuffix(Prefix, "/") {
		target := Prefix
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	if !strings.HasPrefix(p, Prefix) {
		http.NotFound(w, r)
		return
	}
	name := strings.TrimPrefix(path.Clean(p), strings.TrimSuffix(Prefix, "/"))
	name = strings.TrimPrefix(name, "/")

	a, ok := h.assets[name]
	switch {
	case ok && name != "index.html":
	case name == graphiqlRoute:
		serve(w, r, h.index, graphiqlSecurityPolicy)
		return
	case name == "" || name == "index.html" || isClientRoute(name):
		a = h.index
	default:
		// A missing asset or file: answer 404 rather than index.html, so that a stale page
		// asking for an old bundle fails visibly instead of parsing HTML as JavaScript.
		w.Header().Set("Cache-Control", "no-store")
		http.NotFound(w, r)
		return
	}
	serve(w, r, a, contentSecurityPolicy)
}

// isClientRoute reports whether name is a route of the single-page app (e.g. "servers/bbb1"):
// not under assets/ and without a file extension in its last segment.
func isClientRoute(name string) bool {
	if name == "assets" || strings.HasPrefix(name, "assets/") {
		return false
	}
	return !strings.Contains(path.Base(name), ".")
}

func serve(w http.ResponseWriter, r *http.Request, a *asset, csp string) {
	hd := w.Header()
	hd.Set("Content-Type", a.contentType)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("ETag", a.etag)
	if a.immutable {
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	if a.contentType == contentTypes[".html"] {
		hd.Set("Content-Security-Policy", csp)
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
