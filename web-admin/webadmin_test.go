package webadmin

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// testFS is a build as `npm run build` lays it out.
var testFS = fstest.MapFS{
	"index.html":                {Data: []byte(`<!doctype html><html><head><base href="/admin/"><script type="module" src="assets/app-AB12CD34.js"></script></head><body></body></html>`)},
	"assets/app-AB12CD34.js":    {Data: []byte(`console.log("app")`)},
	"assets/style-EF56GH78.css": {Data: []byte(`body{margin:0}`)},
	"robots.txt":                {Data: []byte("User-agent: *\nDisallow: /\n")},
}

func get(t *testing.T, h http.Handler, method, target string, hdr map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestHandlerServesAssetsAndFallsBack(t *testing.T) {
	h, err := newHandler(testFS)
	if err != nil {
		t.Fatal(err)
	}
	const (
		index     = "index"
		immutable = "public, max-age=31536000, immutable"
	)
	tests := []struct {
		name        string
		method      string
		path        string
		status      int
		contentType string
		cache       string
		body        string // "index" means index.html; "" means not checked
		location    string
	}{
		{"root", "GET", "/admin/", 200, "text/html; charset=utf-8", "no-cache", index, ""},
		{"index by name", "GET", "/admin/index.html", 200, "text/html; charset=utf-8", "no-cache", index, ""},
		{"client route", "GET", "/admin/servers/bbb-1", 200, "text/html; charset=utf-8", "no-cache", index, ""},
		{"client route with query", "GET", "/admin/meetings?server=bbb-1", 200, "text/html; charset=utf-8", "no-cache", index, ""},
		{"client route trailing slash", "GET", "/admin/audit/", 200, "text/html; charset=utf-8", "no-cache", index, ""},
		{"hashed js", "GET", "/admin/assets/app-AB12CD34.js", 200, "text/javascript; charset=utf-8", immutable, `console.log("app")`, ""},
		{"hashed css", "GET", "/admin/assets/style-EF56GH78.css", 200, "text/css; charset=utf-8", immutable, `body{margin:0}`, ""},
		{"other file", "GET", "/admin/robots.txt", 200, "text/plain; charset=utf-8", "no-cache", "User-agent: *\nDisallow: /\n", ""},
		{"head", "HEAD", "/admin/assets/app-AB12CD34.js", 200, "text/javascript; charset=utf-8", immutable, "", ""},
		{"missing asset is 404, not index", "GET", "/admin/assets/app-OLDHASH.js", 404, "", "no-store", "", ""},
		{"assets directory", "GET", "/admin/assets", 404, "", "no-store", "", ""},
		{"missing file with extension", "GET", "/admin/favicon.ico", 404, "", "no-store", "", ""},
		{"bare prefix redirects", "GET", "/admin", 301, "", "", "", "/admin/"},
		{"bare prefix keeps query", "GET", "/admin?x=1", 301, "", "", "", "/admin/?x=1"},
		{"outside the prefix", "GET", "/other", 404, "", "", "", ""},
		{"dot segments stay inside", "GET", "/admin/../../etc/passwd", 200, "text/html; charset=utf-8", "no-cache", index, ""},
		{"post refused", "POST", "/admin/", 405, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, h, tt.method, tt.path, nil)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d (body %q)", resp.StatusCode, tt.status, body)
			}
			if tt.contentType != "" {
				if got := resp.Header.Get("Content-Type"); got != tt.contentType {
					t.Errorf("Content-Type = %q, want %q", got, tt.contentType)
				}
				if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
					t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
				}
			}
			if got := resp.Header.Get("Cache-Control"); tt.cache != "" && got != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.cache)
			}
			if tt.location != "" {
				if got := resp.Header.Get("Location"); got != tt.location {
					t.Errorf("Location = %q, want %q", got, tt.location)
				}
			}
			want := tt.body
			if want == index {
				want = string(testFS["index.html"].Data)
			}
			if tt.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD body = %q, want none", body)
			}
			if want != "" && string(body) != want {
				t.Errorf("body = %q, want %q", body, want)
			}
			if strings.HasPrefix(tt.contentType, "text/html") {
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
					t.Errorf("Content-Security-Policy = %q", csp)
				}
			}
		})
	}
}

func TestHandlerRevalidatesIndex(t *testing.T) {
	h, err := newHandler(testFS)
	if err != nil {
		t.Fatal(err)
	}
	first := get(t, h, "GET", "/admin/", nil)
	etag := first.Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag on index.html")
	}
	again := get(t, h, "GET", "/admin/tenants", map[string]string{"If-None-Match": etag})
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET status = %d, want 304", again.StatusCode)
	}
}

func TestNewHandlerNeedsIndex(t *testing.T) {
	_, err := newHandler(fstest.MapFS{"assets/app-X.js": {Data: []byte("x")}})
	if err == nil || !strings.Contains(err.Error(), "index.html") {
		t.Fatalf("err = %v, want a missing index.html error", err)
	}
}

// TestEmbeddedBuild checks the committed dist/: index.html references hashed assets that exist
// and are served with their types.
func TestEmbeddedBuild(t *testing.T) {
	h := Handler()
	resp := get(t, h, "GET", "/admin/", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("index: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(string(body), `<base href="/admin/">`) {
		t.Errorf("index.html has no <base href=\"/admin/\">:\n%s", body)
	}
	refs := regexp.MustCompile(`(?:src|href)="(assets/[^"]+)"`).FindAllStringSubmatch(string(body), -1)
	wantTypes := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	seen := map[string]bool{}
	for _, m := range refs {
		ref := m[1]
		ext := ref[strings.LastIndex(ref, "."):]
		seen[ext] = true
		if !regexp.MustCompile(`^assets/[a-z]+-[A-Z0-9]{8}\.(js|css)$`).MatchString(ref) {
			t.Errorf("asset %s has no content hash in its name", ref)
		}
		r := get(t, h, "GET", "/admin/"+ref, nil)
		if r.StatusCode != 200 {
			t.Errorf("%s: status %d", ref, r.StatusCode)
			continue
		}
		if got := r.Header.Get("Content-Type"); got != wantTypes[ext] {
			t.Errorf("%s: Content-Type %q, want %q", ref, got, wantTypes[ext])
		}
		if got := r.Header.Get("Cache-Control"); !strings.Contains(got, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable", ref, got)
		}
	}
	if !seen[".js"] || !seen[".css"] {
		t.Errorf("index.html references %v; want a script and a stylesheet", refs)
	}
}

// TestGraphiQLPolicy: only the GraphQL page (GraphiQL) may use inline styles and data: fonts;
// scripts stay same-origin everywhere.
func TestGraphiQLPolicy(t *testing.T) {
	h, err := newHandler(testFS)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path       string
		looseStyle bool
	}{
		{"/admin/graphql", true},
		{"/admin/", false},
		{"/admin/servers/bbb-1", false},
		{"/admin/graphql/more", false},
	} {
		resp := get(t, h, "GET", tt.path, nil)
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != 200 || !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: status %d, CSP %q", tt.path, resp.StatusCode, csp)
		}
		loose := strings.Contains(csp, "style-src 'self' 'unsafe-inline'") && strings.Contains(csp, "font-src data:")
		if loose != tt.looseStyle {
			t.Errorf("%s: CSP %q; inline styles and data: fonts allowed = %v, want %v", tt.path, csp, loose, tt.looseStyle)
		}
	}
}
