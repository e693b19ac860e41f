package bbbsim

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/scalelite-go/scalelite/internal/bbb"
)

// Server is one simulated BBB server. Its methods are safe for concurrent use.
type Server struct {
	addr    string // 127.0.0.1:port, fixed at start
	secret  string
	opts    Options
	http    *http.Server
	closed  chan struct{}
	serveWG sync.WaitGroup

	lnMu     sync.Mutex // guards ln, down, isClosed
	ln       net.Listener
	down     bool
	isClosed bool

	connsMu sync.Mutex
	conns   map[net.Conn]struct{}

	ctlMu     sync.RWMutex
	delay     time.Duration
	blackhole chan struct{} // non-nil while blackholed; closed to release waiting requests
	httpError int
	malformed bool

	mu       sync.RWMutex
	meetings map[string]*SimMeeting
	ended    map[string]bool
	sessions map[string]session // sessionToken -> attendee
	seq      int64

	callsMu sync.Mutex
	calls   []Call
}

// Call is one request the server received.
type Call struct {
	Method string
	// Action is the API call name ("" for the API root), or the URL path for requests outside
	// /bigbluebutton/api (e.g. "/html5client/join").
	Action   string
	RawQuery string
	Params   url.Values // query and form-body parameters
	Body     []byte
	Time     time.Time
}

type session struct{ meetingID, userID string }

func newServer(addr, secret string, opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		addr:     ln.Addr().String(),
		secret:   secret,
		opts:     opts,
		closed:   make(chan struct{}),
		conns:    map[net.Conn]struct{}{},
		meetings: map[string]*SimMeeting{},
		ended:    map[string]bool{},
		sessions: map[string]session{},
	}
	s.http = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
		ConnState:         s.trackConn,
	}
	s.ln = ln
	s.serve(ln)
	return s, nil
}

func (s *Server) serve(ln net.Listener) {
	s.serveWG.Add(1)
	go func() {
		defer s.serveWG.Done()
		s.http.Serve(ln)
	}()
}

func (s *Server) trackConn(c net.Conn, state http.ConnState) {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	switch state {
	case http.StateNew:
		s.conns[c] = struct{}{}
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

// URL returns the API URL, http://127.0.0.1:PORT/bigbluebutton/api.
func (s *Server) URL() string { return "http://" + s.addr + "/bigbluebutton/api" }

// Addr returns HOST:PORT (127.0.0.1:PORT unless Options.Hosts says otherwise).
func (s *Server) Addr() string { return s.addr }

// Secret returns the server's shared secret.
func (s *Server) Secret() string { return s.secret }

// Endpoint returns the server as a bbb.Endpoint.
func (s *Server) Endpoint() bbb.Endpoint { return bbb.Endpoint{URL: s.URL(), Secret: s.secret} }

// SetDown makes the server refuse connections (true: the listener and every open connection are
// closed) or listen again on the same port (false). If the port cannot be taken back within 5 s
// the server stays down.
func (s *Server) SetDown(down bool) {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.isClosed || s.down == down {
		return
	}
	if down {
		s.down = true
		s.ln.Close()
		s.ln = nil
		s.closeConns()
		return
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ln, err := net.Listen("tcp", s.addr)
		if err == nil {
			s.down = false
			s.ln = ln
			s.serve(ln)
			return
		}
		if time.Now().After(deadline) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *Server) closeConns() {
	s.connsMu.Lock()
	defer s.connsMu.Unlock()
	for c := range s.conns {
		c.Close()
		delete(s.conns, c)
	}
}

// SetDelay delays every answer by d (0 = off). Requests whose client goes away are dropped.
func (s *Server) SetDelay(d time.Duration) {
	s.ctlMu.Lock()
	s.delay = d
	s.ctlMu.Unlock()
}

// SetBlackhole makes the server accept connections and read requests but never answer (true),
// until it is turned off (the waiting requests are then answered) or the server is closed.
func (s *Server) SetBlackhole(on bool) {
	s.ctlMu.Lock()
	defer s.ctlMu.Unlock()
	switch {
	case on && s.blackhole == nil:
		s.blackhole = make(chan struct{})
	case !on && s.blackhole != nil:
		close(s.blackhole)
		s.blackhole = nil
	}
}

// SetHTTPError makes every request answer with this HTTP status and an HTML body (0 = off).
func (s *Server) SetHTTPError(code int) {
	s.ctlMu.Lock()
	s.httpError = code
	s.ctlMu.Unlock()
}

// SetMalformed makes every request answer HTTP 200 with a truncated, not well-formed XML document.
func (s *Server) SetMalformed(on bool) {
	s.ctlMu.Lock()
	s.malformed = on
	s.ctlMu.Unlock()
}

// Calls returns a copy of the requests received (oldest first, at most Options.CallLimit).
func (s *Server) Calls() []Call {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CallsTo returns the recorded calls of one action.
func (s *Server) CallsTo(action string) []Call {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Action == action {
			out = append(out, c)
		}
	}
	return out
}

// ResetCalls forgets the recorded calls.
func (s *Server) ResetCalls() {
	s.callsMu.Lock()
	s.calls = nil
	s.callsMu.Unlock()
}

func (s *Server) record(c Call) {
	s.callsMu.Lock()
	defer s.callsMu.Unlock()
	s.calls = append(s.calls, c)
	if limit := s.opts.CallLimit; len(s.calls) > limit+limit/4 {
		s.calls = append([]Call(nil), s.calls[len(s.calls)-limit:]...)
	}
}

// Close stops the server: blocked requests are dropped, connections closed, goroutines ended.
func (s *Server) Close() {
	s.lnMu.Lock()
	if s.isClosed {
		s.lnMu.Unlock()
		return
	}
	s.isClosed = true
	close(s.closed)
	s.lnMu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.http.Shutdown(ctx); err != nil {
		s.http.Close()
	}
	s.serveWG.Wait()
}
