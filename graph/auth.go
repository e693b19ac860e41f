package graph

import (
	"context"
	"net/http"
	"strings"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type principalKey struct{}

// WithPrincipal returns ctx carrying the authenticated principal.
func WithPrincipal(ctx context.Context, p *scalelite.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal of ctx, nil when unauthenticated.
func PrincipalFrom(ctx context.Context) *scalelite.Principal {
	p, _ := ctx.Value(principalKey{}).(*scalelite.Principal)
	return p
}

// bearerToken returns the token of an "Authorization: Bearer <token>" value ("" when it is not
// one). The scheme is case-insensitive.
func bearerToken(v string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// requestKey returns the API key of an HTTP request: the Authorization: Bearer header.
func requestKey(r *http.Request) (key string, present bool) {
	h := r.Header.Get("Authorization")
	return bearerToken(h), h != ""
}

// tenantFilter returns the tenant id a principal is confined to, and whether it is confined.
func tenantFilter(p *scalelite.Principal) (string, bool) { return p.Tenant() }
