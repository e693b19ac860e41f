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
	// BaseURL is scheme://host[:port] as asked (Rails' request.base_url): https when the
	// connection is TLS or a trusted proxy says X-Forwarded-Proto https.
	BaseURL string
}

// Resolve returns what the request says: the last X-Forwarded-Host and X-Forwarded-Proto values
// when the peer is a trusted proxy, else the Host header and the connection.
func (r *Resolver) Resolve(req *http.Request) Client {
	trusted := r.peerTrusted(req)
	asked := req.Host
	if fwd := req.Header.Get("X-Forwarded-Host"); fwd != "" && trusted {
		asked = lastValue(fwd)
	}
	host := asked
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	scheme := "http"
	if req.TLS != nil || trusted && strings.EqualFold(lastValue(req.Header.Get("X-Forwarded-Proto")), "https") {
		scheme = "https"
	}
	return Client{Host: strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")), BaseURL: scheme + "://" + asked}
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

// With returns ctx carrying c.
func With(ctx context.Context, c Client) context.Context { return context.WithValue(ctx, key{}, c) }

// From returns the client carried by ctx (zero when none).
func From(ctx context.Context) Client {
	c, _ := ctx.Value(key{}).(Client)
	return c
}

// Host returns the host of the client carried by the request's context ("" when none).
func Host(r *http.Request) string { return From(r.Context()).Host }
