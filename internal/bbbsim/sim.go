package bbbsim

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// Options configure Start. The zero value gives random ports and secrets.
type Options struct {
	// Secrets[i] is the secret of server i; missing or "" entries get a random 40-hex secret.
	Secrets []string
	// Ports[i] is the port of server i; missing or 0 entries get a free port.
	Ports []int
	// Hosts[i] is the address server i listens on, e.g. 127.0.0.2 so that servers have
	// distinct host names (Linux routes all of 127.0.0.0/8 to the loopback); missing or ""
	// entries listen on 127.0.0.1.
	Hosts []string
	// BBBVersion is the bbbVersion of the API root document (default "3.0.19").
	BBBVersion string
	// Now is the clock for createTime and call times (default time.Now).
	Now func() time.Time
	// CallLimit is how many calls each server keeps, oldest dropped first (default 100000).
	CallLimit int
}

// Sim is a set of simulated BBB servers.
type Sim struct {
	servers []*Server
	stop    func() bool
}

// Start starts n servers on 127.0.0.1. They run until Close or until ctx ends.
func Start(ctx context.Context, n int, opts Options) (*Sim, error) {
	if n < 1 {
		return nil, errors.New("bbbsim: need at least one server")
	}
	if opts.BBBVersion == "" {
		opts.BBBVersion = "3.0.19"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.CallLimit <= 0 {
		opts.CallLimit = 100000
	}
	sim := &Sim{}
	for i := range n {
		secret, port, host := "", 0, "127.0.0.1"
		if i < len(opts.Hosts) && opts.Hosts[i] != "" {
			host = opts.Hosts[i]
		}
		if i < len(opts.Secrets) {
			secret = opts.Secrets[i]
		}
		if i < len(opts.Ports) {
			port = opts.Ports[i]
		}
		if secret == "" {
			secret = randomHex(20)
		}
		srv, err := newServer(net.JoinHostPort(host, strconv.Itoa(port)), secret, opts)
		if err != nil {
			sim.Close()
			return nil, fmt.Errorf("bbbsim: start server %d: %w", i+1, err)
		}
		sim.servers = append(sim.servers, srv)
	}
	sim.stop = context.AfterFunc(ctx, sim.closeServers)
	return sim, nil
}

// Servers returns the servers in start order.
func (s *Sim) Servers() []*Server { return append([]*Server(nil), s.servers...) }

// Close stops every server and waits for their goroutines. It is safe to call more than once.
func (s *Sim) Close() {
	if s.stop != nil {
		s.stop()
	}
	s.closeServers()
}

func (s *Sim) closeServers() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

func randomHex(nbytes int) string {
	const hex = "0123456789abcdef"
	b := make([]byte, nbytes)
	rand.Read(b)
	out := make([]byte, 2*nbytes)
	for i, c := range b {
		out[2*i], out[2*i+1] = hex[c>>4], hex[c&15]
	}
	return string(out)
}

// randomToken returns n random characters from [a-z0-9].
func randomToken(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b)
	for i, c := range b {
		b[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(b)
}
