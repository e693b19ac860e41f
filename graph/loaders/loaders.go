// Package loaders holds the per-operation dataloaders of the GraphQL control plane: each operation
// gets fresh loaders (no data outlives it), and every batch function returns its results in the
// order of the requested keys, with a not-found error for a missing key.
package loaders

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// Store is what the loaders read.
type Store interface {
	Servers(ctx context.Context, f scalelite.ServerFilter) ([]*scalelite.Server, error)
	Tenants(ctx context.Context) ([]*scalelite.Tenant, error)
	TenantSettings(ctx context.Context, tenantID string) ([]*scalelite.TenantSetting, error)
}

// Loaders batch the lookups that lists would otherwise repeat per row.
type Loaders struct {
	// Server loads servers by id (Meeting.server).
	Server *dataloadgen.Loader[string, *scalelite.Server]
	// Tenant loads tenants by id (Meeting.tenant, TenantSetting.tenant).
	Tenant *dataloadgen.Loader[string, *scalelite.Tenant]
	// Settings loads each tenant's settings by tenant id (Tenant.settings).
	Settings *dataloadgen.Loader[string, []*scalelite.TenantSetting]
}

// wait is how long a loader collects keys before it fetches them.
const wait = time.Millisecond

// New returns fresh loaders over store.
func New(store Store) *Loaders {
	return &Loaders{
		Server:   dataloadgen.NewLoader(serversByID(store), dataloadgen.WithWait(wait), dataloadgen.WithBatchCapacity(500)),
		Tenant:   dataloadgen.NewLoader(tenantsByID(store), dataloadgen.WithWait(wait)),
		Settings: dataloadgen.NewLoader(settingsByTenant(store), dataloadgen.WithWait(wait)),
	}
}

func serversByID(store Store) func(ctx context.Context, ids []string) ([]*scalelite.Server, []error) {
	return func(ctx context.Context, ids []string) ([]*scalelite.Server, []error) {
		servers, err := store.Servers(ctx, scalelite.ServerFilter{IDs: ids})
		if err != nil {
			return nil, []error{err}
		}
		byID := make(map[string]*scalelite.Server, len(servers))
		for _, s := range servers {
			byID[s.ID] = s
		}
		return inKeyOrder(ids, byID, "server")
	}
}

func tenantsByID(store Store) func(ctx context.Context, ids []string) ([]*scalelite.Tenant, []error) {
	return func(ctx context.Context, ids []string) ([]*scalelite.Tenant, []error) {
		tenants, err := store.Tenants(ctx)
		if err != nil {
			return nil, []error{err}
		}
		byID := make(map[string]*scalelite.Tenant, len(tenants))
		for _, t := range tenants {
			byID[t.ID] = t
		}
		return inKeyOrder(ids, byID, "tenant")
	}
}

func settingsByTenant(store Store) func(ctx context.Context, ids []string) ([][]*scalelite.TenantSetting, []error) {
	return func(ctx context.Context, ids []string) ([][]*scalelite.TenantSetting, []error) {
		all, err := store.TenantSettings(ctx, "")
		if err != nil {
			return nil, []error{err}
		}
		byTenant := map[string][]*scalelite.TenantSetting{}
		for _, s := range all {
			byTenant[s.TenantID] = append(byTenant[s.TenantID], s)
		}
		out := make([][]*scalelite.TenantSetting, len(ids))
		for i, id := range ids {
			out[i] = byTenant[id]
			if out[i] == nil {
				out[i] = []*scalelite.TenantSetting{}
			}
		}
		return out, nil
	}
}

// inKeyOrder lines results up with keys; a missing key gets an ENOTFOUND error.
func inKeyOrder[V any](keys []string, byKey map[string]V, what string) ([]V, []error) {
	out := make([]V, len(keys))
	var errs []error
	for i, k := range keys {
		v, ok := byKey[k]
		if !ok {
			if errs == nil {
				errs = make([]error, len(keys))
			}
			errs[i] = scalelite.Errorf(scalelite.ENOTFOUND, "No %s with id %s", what, k)
			continue
		}
		out[i] = v
	}
	return out, errs
}

type ctxKey struct{}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of ctx; nil when none were attached.
func For(ctx context.Context) *Loaders {
	l, _ := ctx.Value(ctxKey{}).(*Loaders)
	return l
}
