package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/scalelite-go/scalelite/db/dbtest"
	"github.com/scalelite-go/scalelite/internal/bbbsim"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// The nginx front end of docker/compose.yaml, run for real (Debian's nginx) from the files in
// docker/nginx, in front of two api instances on PostgreSQL and Redis, plain HTTP and TLS:
// everything compose does except containers. What compose adds (service names, volumes) is
// checked by docker/deploycheck.
func TestComposeNginxFrontEnd(t *testing.T) {
	nginx := nginxBinary(t)
	env := sqliteEnv(t)
	env["DATABASE_URL"] = dbtest.PostgresDSN(t)
	env["REDIS_URL"] = testRedisURL(t)
	env["REDIS_NAMESPACE"] = redisNamespace()
	env["RECORDING_ACCEL_REDIRECT"] = "true"
	env["ADMIN_API_KEY"] = "nginx-test-admin-key-0123"
	if _, stderr, err := runCmd(t, env, "migrate", "up"); err != nil {
		t.Fatalf("migrate up: %v\n%s", err, stderr)
	}
	var apis []string
	for range 2 {
		s := start(t, env, "serve", "--roles", "api")
		apis = append(apis, s.stdout.wait(t, listening, s.done)[1])
	}
	sim, err := bbbsim.Start(context.Background(), 1, bbbsim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sim.Close)
	out, stderr, err := runCmd(t, env, "servers", "add", sim.Servers()[0].URL(), sim.Servers()[0].Secret())
	id := regexp.MustCompile(`id: (\S+)`).FindStringSubmatch(out)
	if err != nil || id == nil {
		t.Fatalf("servers add: %v\n%s", err, stderr)
	}
	for _, args := range [][]string{{"servers", "enable", id[1]}, {"poll"}} {
		if _, stderr, err := runCmd(t, env, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr)
		}
	}
	// A published recording, imported as the importer would.
	recordID := strings.Repeat("ab", 20) + "-1700000000000"
	webcams := strings.Repeat("webcam video ", 1000)
	archive := filepath.Join(t.TempDir(), recordID+".tar")
	os.WriteFile(archive, presentationArchive(t, recordID, "nginx-meeting", strings.NewReader(webcams), int64(len(webcams))), 0o644)
	if _, stderr, err := runCmd(t, env, "recordings", "import", archive); err != nil {
		t.Fatalf("recordings import: %v\n%s", err, stderr)
	}
	// The presentation player, as an operator installs it (docs/deployment.md).
	playerRoot := t.TempDir()
	player := filepath.Join(playerRoot, "playback", "presentation", "2.3")
	os.MkdirAll(player, 0o755)
	os.WriteFile(filepath.Join(player, "index.html"), []byte("<html>bbb-playback</html>"), 0o644)

	t.Run("http", func(t *testing.T) {
		fe := startNginx(t, nginx, nginxSetup{apis: apis, ssl: false, published: env["RECORDING_PUBLISH_DIR"], playerRoot: playerRoot})
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		checkFrontEnd(t, client, fe.http, env, recordID, webcams, apis)
	})
	t.Run("tls", func(t *testing.T) {
		fe := startNginx(t, nginx, nginxSetup{apis: apis, ssl: true, published: env["RECORDING_PUBLISH_DIR"], playerRoot: playerRoot})
		pool := x509.NewCertPool()
		pool.AppendCertsFromPEM(fe.cert)
		client := &http.Client{
			Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		// Plain HTTP redirects to HTTPS, except ACME challenges.
		resp, err := client.Get(fe.http + "/bigbluebutton/api")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
			t.Errorf("http with NGINX_SSL=true: %d to %q, want a 301 to https", resp.StatusCode, resp.Header.Get("Location"))
		}
		checkFrontEnd(t, client, fe.https, env, recordID, webcams, apis)
	})
}

func checkFrontEnd(t *testing.T, client *http.Client, base string, env map[string]string, recordID, webcams string, apis []string) {
	t.Helper()
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		return resp, b.String()
	}
	secret := env["LOADBALANCER_SECRET"]
	api := base + "/bigbluebutton/api"
	create := scalelite.Params{{Key: "meetingID", Value: "nginx-meeting"}, {Key: "name", Value: "Room"}}
	for range 4 { // over both api instances
		resp, body := get(strings.TrimPrefix(signedURL(api, "create", create, secret), base))
		if resp.StatusCode != 200 || !strings.Contains(body, "<returncode>SUCCESS</returncode>") {
			t.Fatalf("create through nginx: %d %s", resp.StatusCode, body)
		}
	}
	for _, a := range apis {
		_, m := httpGet(t, a+"/metrics")
		if !regexp.MustCompile(`scalelite_http_requests_total\{[^}]*route="/bigbluebutton/api/create"[^}]*\} [1-9]`).MatchString(m) {
			t.Errorf("api instance %s answered no create: nginx does not balance over both", a)
		}
	}
	// Playback: the api checks the request and answers X-Accel-Redirect; nginx sends the file.
	resp, body := get("/presentation/" + recordID + "/video/webcams.webm")
	if resp.StatusCode != 200 || body != webcams || resp.Header.Get("X-Accel-Redirect") != "" {
		t.Errorf("recording file through nginx: %d, %d bytes (want %d), X-Accel-Redirect %q", resp.StatusCode, len(body), len(webcams), resp.Header.Get("X-Accel-Redirect"))
	}
	if resp, _ := get("/static-resource/presentation/" + recordID + "/video/webcams.webm"); resp.StatusCode != 404 {
		t.Errorf("the internal location answers from outside: %d", resp.StatusCode)
	}
	if resp, body := get("/playback/presentation/2.3/" + recordID); resp.StatusCode != 200 || !strings.Contains(body, "bbb-playback") {
		t.Errorf("presentation player: %d %q", resp.StatusCode, body)
	}
	if resp, body := get("/healthz"); resp.StatusCode != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %q", resp.StatusCode, body)
	}
	// GraphQL subscriptions: the websocket upgrade goes through.
	ws := "ws" + strings.TrimPrefix(base, "http") + "/graphql"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}, HTTPClient: client}
	conn, _, err := websocket.Dial(ctx, ws, opts)
	if err != nil {
		t.Fatalf("websocket through nginx: %v", err)
	}
	defer conn.CloseNow()
	conn.Write(ctx, websocket.MessageText, []byte(`{"type":"connection_init","payload":{"Authorization":"Bearer `+env["ADMIN_API_KEY"]+`"}}`))
	if _, msg, err := conn.Read(ctx); err != nil || !strings.Contains(string(msg), "connection_ack") {
		t.Errorf("graphql-transport-ws through nginx: %q %v", msg, err)
	}
}

func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("TEST_REQUIRE_SERVICES") == "1" {
		t.Fatal("nginx is not installed (Debian package nginx-light; .ci/run installs it)")
	}
	t.Skip("nginx is not installed")
	return ""
}

type nginxSetup struct {
	apis       []string
	ssl        bool
	published  string
	playerRoot string
}

type frontEnd struct {
	http, https string
	cert        []byte
}

// startNginx renders docker/nginx as the nginx image does (envsubst of the templates with the
// compose service's environment), moved to a temporary prefix and free loopback ports, checks
// it with nginx -t and runs nginx until the test ends.
func startNginx(t *testing.T, nginx string, s nginxSetup) frontEnd {
	t.Helper()
	dir := t.TempDir()
	httpPort, httpsPort := freePort(t), freePort(t)
	fe := frontEnd{http: "http://127.0.0.1:" + httpPort, https: "https://127.0.0.1:" + httpsPort}
	var upstreams []string
	for _, a := range s.apis {
		upstreams = append(upstreams, strings.TrimPrefix(a, "http://"))
	}
	vars := map[string]string{
		"NGINX_SSL":                 strconv.FormatBool(s.ssl),
		"NGINX_SSL_CERTIFICATE":     filepath.Join(dir, "fullchain.pem"),
		"NGINX_SSL_CERTIFICATE_KEY": filepath.Join(dir, "privkey.pem"),
		"NGINX_PUBLISHED_DIR":       s.published,
		"SCALELITE_UPSTREAM":        strings.Join(upstreams, ";\n    server "),
	}
	if s.ssl {
		fe.cert = selfSignedCert(t, vars["NGINX_SSL_CERTIFICATE"], vars["NGINX_SSL_CERTIFICATE_KEY"])
	}
	relocate := strings.NewReplacer(
		"/etc/nginx/scalelite/", dir+"/",
		"listen 80;", "listen 127.0.0.1:"+httpPort+";",
		"listen [::]:80;", "",
		"listen 443 ssl http2;", "listen 127.0.0.1:"+httpsPort+" ssl http2;",
		"listen [::]:443 ssl http2;", "",
		"root /var/bigbluebutton;", "root "+s.playerRoot+";",
	)
	templates, _ := filepath.Glob("../../docker/nginx/templates/*.template")
	for _, tpl := range templates {
		b, err := os.ReadFile(tpl)
		if err != nil {
			t.Fatal(err)
		}
		// envsubst with only the defined variables, as the image's 20-envsubst-on-templates.sh.
		out := regexp.MustCompile(`\$\{([A-Z_]+)\}`).ReplaceAllStringFunc(string(b), func(m string) string {
			if v, ok := vars[m[2:len(m)-1]]; ok {
				return v
			}
			return m
		})
		name := strings.TrimSuffix(filepath.Base(tpl), ".template")
		os.WriteFile(filepath.Join(dir, name), []byte(relocate.Replace(out)), 0o644)
	}
	def, err := os.ReadFile("../../docker/nginx/conf.d/default.conf")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "default.conf"), []byte(relocate.Replace(string(def))), 0o644)
	conf := filepath.Join(dir, "nginx.conf")
	os.WriteFile(conf, []byte(`daemon off;
master_process off;
worker_processes 1;
pid `+dir+`/nginx.pid;
error_log `+dir+`/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path `+dir+`/client_body;
    proxy_temp_path `+dir+`/proxy;
    fastcgi_temp_path `+dir+`/fastcgi;
    uwsgi_temp_path `+dir+`/uwsgi;
    scgi_temp_path `+dir+`/scgi;
    types { text/html html; application/xml xml; video/webm webm; }
    default_type application/octet-stream;
    include `+dir+`/default.conf;
}
`), 0o644)
	if out, err := exec.Command(nginx, "-t", "-q", "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", conf).CombinedOutput(); err != nil {
		b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		t.Fatalf("nginx -t: %v\n%s%s", err, out, b)
	}
	cmd := exec.Command(nginx, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", conf)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+httpPort)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx does not listen: %v\n%s", err, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fe
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// selfSignedCert writes a certificate for 127.0.0.1 and its key, and returns the certificate.
func selfSignedCert(t *testing.T, certPath, keyPath string) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	os.WriteFile(certPath, cert, 0o644)
	os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return cert
}
