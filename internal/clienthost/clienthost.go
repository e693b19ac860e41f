// Package clienthost resolves, once per request, the host a client asked for (the Host header,
// or the last X-Forwarded-Host value when the peer is a trusted proxy) and the base URL it used,
// and carries them in the request context. The server sets them; the BBB API (tenants, playback
// URLs), playback and the host allow-list read them.
package clienthost

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Resolver finds the host a client asked for.
type Resolver struct {
	trusted []*net.IPNet
}

// NewResolver trusts X-Forwarded-Host from the proxies (IPs or CIDRs).
func NewResolver(proxies []string) (*Resolver, error) {
	r := &Resolver{}
	for _, p := range proxies {
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR", p)
			}
			bits := 128
			if ip4 := ip.To4(); ip4 != nil {
				ip, bits = ip4, 32
			}
			r.trusted = append(r.trusted, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address or CIDR", p)
		}
		r.trusted = append(r.trusted, n)
	}
	return r, nil
}

// Client is what a request says of where the client sent it.
type Client struct {
	// Host is the host asked for, lower-cased, without port or IPv6 brackets.
	Host string
	// Scheme is https when the connection is TLS or a trusted proxy says X-Forwarded-Proto
	// https, else http; Asked is the host as asked, with its port.
	Scheme, Asked string
}

// BaseURL is scheme://host[:port] as asked (Rails' request.base_url).
func (c Client) BaseURL() string { return c.Scheme + "://" + c.Asked }

// Resolve returns what the request says: the last X-Forwarded-Host and X-Forwarded-Proto values
// when the peer is a trusted proxy, else the Host header and the connection.
func (r *Resolver) Resolve(req *http.Request) Client {
	trusted := r.peerTrusted(req)
	asked := req.Host
	if fwd := req.Header.Get("X-Forwarded-Host"); fwd != "" && trusted {
		asked = lastValue(fwd)
	}
	host := asked
	if strings.IndexByte(host, ':') >= 0 { // a port, or IPv6 (SplitHostPort allocates its error)
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
	}
	scheme := "http"
	if req.TLS != nil || trusted && strings.EqualFold(lastValue(req.Header.Get("X-Forwarded-Proto")), "https") {
		scheme = "https"
	}
	return Client{Host: strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")), Scheme: scheme, Asked: asked}
}

func lastValue(s string) string {
	if i := strings.LastIndexByte(s, ','); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

func (r *Resolver) peerTrusted(req *http.Request) bool {
	if len(r.trusted) == 0 {
		return false
	}
	peer, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		peer = req.RemoteAddr
	}
	ip := net.ParseIP(peer)
	if ip == nil {
		return false
	}
	for _, n := range r.trusted {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

type key struct{}

// clientContext carries a Client in one allocation (context.WithValue would box it in a second).
type clientContext struct {
	context.Context
	c Client
}

func (c *clientContext) Value(k any) any {
	if k == (key{}) {
		return c
	}
	return c.Context.Value(k)
}

// With returns ctx carrying c.
func With(ctx context.Context, c Client) context.Context { return &clientContext{Context: ctx, c: c} }

// From returns the client carried by ctx (zero when none).
func From(ctx context.Context) Client {
	if c, ok := ctx.Value(key{}).(*clientContext); ok {
		return c.c
	}
	return Client{}
}

// Host returns the host of the client carried by the request's context ("" when none).
func Host(r *http.Request) string { return From(r.Context()).Host }
