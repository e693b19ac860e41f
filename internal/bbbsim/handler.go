package bbbsim

import (
	"html"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
	"github.com/scalelite-go/scalelite/internal/scalelite"
)

const (
	apiPrefix    = "/bigbluebutton/api"
	clientPath   = "/html5client/join"
	maxBodyBytes = 32 << 20
	contentXML   = "text/xml;charset=utf-8"
)

// request is one API request after parsing.
type request struct {
	action string
	params scalelite.Params // query then form body, checksum included
	body   []byte
	kind   bodyKind
}

type bodyKind int

const (
	bodyNone bodyKind = iota
	bodyForm
	bodyXML
	bodyOther
)

// ServeHTTP answers one request (the server is its own http.Handler).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	req := request{body: body, kind: kindOf(r, body)}
	action, isAPI := apiAction(r.URL.Path)
	if !isAPI {
		action = r.URL.Path
	}
	req.action = action
	req.params, _ = scalelite.ParseQuery(r.URL.RawQuery)
	if req.kind == bodyForm {
		fp, _ := scalelite.ParseQuery(string(body))
		req.params = append(req.params, fp...)
	}
	s.record(Call{Method: r.Method, Action: action, RawQuery: r.URL.RawQuery, Params: req.params.Values(),
		Body: body, Time: s.opts.Now()})

	if !s.applyControls(w, r) {
		return
	}
	if !isAPI {
		if r.URL.Path == clientPath {
			s.clientPage(w, r)
			return
		}
		http.NotFound(w, r)
		return
	}
	s.api(w, r, req)
}

func apiAction(path string) (string, bool) {
	if path == apiPrefix || path == apiPrefix+"/" {
		return "", true
	}
	if rest, ok := strings.CutPrefix(path, apiPrefix+"/"); ok {
		return rest, true
	}
	return "", false
}

func kindOf(r *http.Request, body []byte) bodyKind {
	if r.Method != http.MethodPost || len(body) == 0 {
		return bodyNone
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		return bodyForm
	case "application/xml", "text/xml", "application/x-xml":
		return bodyXML
	}
	return bodyOther
}

// applyControls applies the server's fault controls; false means the request was answered or
// dropped.
func (s *Server) applyControls(w http.ResponseWriter, r *http.Request) bool {
	s.ctlMu.RLock()
	hole, delay, code, malformed := s.blackhole, s.delay, s.httpError, s.malformed
	s.ctlMu.RUnlock()
	if hole != nil {
		select {
		case <-hole:
		case <-r.Context().Done():
			panic(http.ErrAbortHandler)
		case <-s.closed:
			panic(http.ErrAbortHandler)
		}
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			panic(http.ErrAbortHandler)
		case <-s.closed:
			t.Stop()
			panic(http.ErrAbortHandler)
		}
	}
	if code != 0 {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(code)
		io.WriteString(w, "<html><head><title>Error</title></head><body><h1>"+
			html.EscapeString(http.StatusText(code))+"</h1></body></html>")
		return false
	}
	if malformed {
		w.Header().Set("Content-Type", contentXML)
		io.WriteString(w, "<response><returncode>SUCCESS</returncode><meetings><meeting><meetingID>broken")
		return false
	}
	return true
}

func writeXML(w http.ResponseWriter, doc string) {
	w.Header().Set("Content-Type", contentXML)
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	io.WriteString(w, doc)
}

func (s *Server) fail(w http.ResponseWriter, key, message string) {
	writeXML(w, errorDoc(key, message))
}

func (s *Server) api(w http.ResponseWriter, r *http.Request, req request) {
	var h func(http.ResponseWriter, request, scalelite.Params)
	switch req.action {
	case "":
		s.index(w)
		return
	case "create":
		h = s.create
	case "join":
		h = s.join
	case "end":
		h = s.end
	case "isMeetingRunning":
		h = s.isMeetingRunning
	case "getMeetingInfo":
		h = s.getMeetingInfo
	case "getMeetings":
		h = s.getMeetings
	case "insertDocument":
		h = s.insertDocument
	case "getRecordings":
		h = s.getRecordings
	default:
		s.fail(w, "unsupportedRequest", "This request is not supported.")
		return
	}
	switch {
	case req.action == "insertDocument" && req.kind != bodyXML,
		req.action == "create" && req.kind == bodyOther,
		req.action != "create" && req.action != "insertDocument" && (req.kind == bodyOther || req.kind == bodyXML):
		s.fail(w, "unsupportedContentType", "POST request Content-Type is missing or unsupported")
		return
	}
	in := bbb.VerifyInput{Action: req.action, RawQuery: r.URL.RawQuery, Secrets: []string{s.secret}}
	if req.kind == bodyForm {
		in.Body = string(req.body)
		in.Form, _ = url.ParseQuery(in.Body)
	}
	if !bbb.Verify(in) {
		s.fail(w, "checksumError", "Checksums do not match")
		return
	}
	p := req.params.Clone()
	p.Del("checksum")
	h(w, req, p)
}

func (s *Server) index(w http.ResponseWriter) {
	d := newDoc("SUCCESS")
	d.el("version", "2.0")
	d.el("apiVersion", "2.0")
	d.el("bbbVersion", s.opts.BBBVersion)
	writeXML(w, d.finish())
}

func (s *Server) clientPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("sessionToken")
	s.mu.RLock()
	var name, meeting, role string
	sess, ok := s.sessions[token]
	if ok {
		if m, found := s.meetings[sess.meetingID]; found {
			meeting = m.Name
			for _, a := range m.Attendees {
				if a.SessionToken == token {
					name, role = a.FullName, a.Role
				}
			}
		} else {
			ok = false
		}
	}
	s.mu.RUnlock()
	if !ok {
		http.Error(w, "unknown session token", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(w, "<!DOCTYPE html><html><head><title>"+html.EscapeString(meeting)+
		"</title></head><body><h1>Simulated BigBlueButton client</h1><p>"+html.EscapeString(name)+
		" joined "+html.EscapeString(meeting)+" as "+html.EscapeString(role)+".</p></body></html>")
}
