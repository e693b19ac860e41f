// Package scalelite is the domain of the load balancer: the types every other package shares
// (servers, meetings, tenants, recordings, API keys, audit entries), the store interfaces that
// adapters implement, the error kinds that each edge translates, and pure policy (placement, load,
// voice bridges). It imports only the standard library.
package scalelite
