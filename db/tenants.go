package db

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type tenantRow struct {
	bun.BaseModel `bun:"table:tenants,alias:t"`

	ID             string    `bun:"id,pk"`
	Name           string    `bun:"name"`
	Secrets        string    `bun:"secrets"` // JSON array
	LRSEndpoint    string    `bun:"lrs_endpoint"`
	LRSUsername    string    `bun:"lrs_username"`
	LRSPassword    string    `bun:"lrs_password"`
	KCTokenURL     string    `bun:"kc_token_url"`
	KCClientID     string    `bun:"kc_client_id"`
	KCClientSecret string    `bun:"kc_client_secret"`
	KCUsername     string    `bun:"kc_username"`
	KCPassword     string    `bun:"kc_password"`
	CreatedAt      time.Time `bun:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at"`
}

func tenantToRow(t *scalelite.Tenant) (*tenantRow, error) {
	secrets, err := encodeSecrets(t.Secrets)
	if err != nil {
		return nil, err
	}
	return &tenantRow{
		ID: t.ID, Name: t.Name, Secrets: secrets,
		LRSEndpoint: t.LRSEndpoint, LRSUsername: t.LRSUsername, LRSPassword: t.LRSPassword,
		KCTokenURL: t.KCTokenURL, KCClientID: t.KCClientID, KCClientSecret: t.KCClientSecret,
		KCUsername: t.KCUsername, KCPassword: t.KCPassword,
		CreatedAt: utc(t.CreatedAt), UpdatedAt: utc(t.UpdatedAt),
	}, nil
}

func (r *tenantRow) domain() (*scalelite.Tenant, error) {
	var secrets []string
	if err := json.Unmarshal([]byte(r.Secrets), &secrets); err != nil {
		return nil, fmt.Errorf("secrets of tenant %s: %w", r.ID, err)
	}
	return &scalelite.Tenant{
		ID: r.ID, Name: r.Name, Secrets: secrets,
		LRSEndpoint: r.LRSEndpoint, LRSUsername: r.LRSUsername, LRSPassword: r.LRSPassword,
		KCTokenURL: r.KCTokenURL, KCClientID: r.KCClientID, KCClientSecret: r.KCClientSecret,
		KCUsername: r.KCUsername, KCPassword: r.KCPassword,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}, nil
}

func encodeSecrets(secrets []string) (string, error) {
	if secrets == nil {
		secrets = []string{}
	}
	b, err := json.Marshal(secrets)
	return string(b), err
}

// CreateTenant inserts t, generating its ID when empty and filling CreatedAt/UpdatedAt.
// ECONFLICT for a duplicate name or id.
func (db *DB) CreateTenant(ctx context.Context, t *scalelite.Tenant) error {
	if t.Name == "" {
		return scalelite.Errorf(scalelite.EINVALID, "tenant needs a name")
	}
	if t.ID == "" {
		t.ID = uuid.NewString()
	}
	now := db.now()
	t.CreatedAt, t.UpdatedAt = now, now
	row, err := tenantToRow(t)
	if err != nil {
		return err
	}
	if _, err := db.rw.NewInsert().Model(row).Exec(ctx); err != nil {
		return translate(err, "create", "tenant "+quote(t.Name))
	}
	return nil
}

// Tenant returns a tenant by id; ENOTFOUND when unknown.
func (db *DB) Tenant(ctx context.Context, id string) (*scalelite.Tenant, error) {
	return db.tenantWhere(ctx, "id = ?", id, "tenant "+quote(id))
}

// TenantByName returns the tenant with this name, compared without regard to case (a host's
// first label); ENOTFOUND when unknown.
func (db *DB) TenantByName(ctx context.Context, name string) (*scalelite.Tenant, error) {
	return db.tenantWhere(ctx, "lower(name) = lower(?)", name, "tenant named "+quote(name))
}

func (db *DB) tenantWhere(ctx context.Context, where, arg, what string) (*scalelite.Tenant, error) {
	var row tenantRow
	if err := db.ro.NewSelect().Model(&row).Where(where, arg).Scan(ctx); err != nil {
		return nil, translate(err, "get", what)
	}
	return row.domain()
}

// Tenants returns every tenant ordered by name.
func (db *DB) Tenants(ctx context.Context) ([]*scalelite.Tenant, error) {
	var rows []tenantRow
	if err := db.ro.NewSelect().Model(&rows).OrderExpr("name").Scan(ctx); err != nil {
		return nil, translate(err, "list", "tenants")
	}
	out := make([]*scalelite.Tenant, len(rows))
	for i := range rows {
		t, err := rows[i].domain()
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

// UpdateTenant applies u and returns the stored tenant; ENOTFOUND, ECONFLICT for a taken name.
func (db *DB) UpdateTenant(ctx context.Context, id string, u scalelite.TenantUpdate) (*scalelite.Tenant, error) {
	if u.Name != nil && *u.Name == "" {
		return nil, scalelite.Errorf(scalelite.EINVALID, "tenant name must not be empty")
	}
	var row tenantRow
	q := db.rw.NewUpdate().Model(&row).Where("id = ?", id).Set("updated_at = ?", db.now()).Returning("*")
	if u.Name != nil {
		q.Set("name = ?", *u.Name)
	}
	if u.Secrets != nil {
		secrets, err := encodeSecrets(u.Secrets)
		if err != nil {
			return nil, err
		}
		q.Set("secrets = ?", secrets)
	}
	for _, f := range []struct {
		column string
		value  *string
	}{
		{"lrs_endpoint", u.LRSEndpoint}, {"lrs_username", u.LRSUsername}, {"lrs_password", u.LRSPassword},
		{"kc_token_url", u.KCTokenURL}, {"kc_client_id", u.KCClientID}, {"kc_client_secret", u.KCClientSecret},
		{"kc_username", u.KCUsername}, {"kc_password", u.KCPassword},
	} {
		if f.value != nil {
			q.Set("? = ?", bun.Ident(f.column), *f.value)
		}
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return nil, translate(err, "update", "tenant "+quote(id))
	}
	if err := notFoundIfNone(res, "tenant "+quote(id)); err != nil {
		return nil, err
	}
	return row.domain()
}

// DeleteTenant removes the tenant and (by cascade) its settings; ENOTFOUND when unknown.
func (db *DB) DeleteTenant(ctx context.Context, id string) error {
	res, err := db.rw.NewDelete().Model((*tenantRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return translate(err, "delete", "tenant "+quote(id))
	}
	return notFoundIfNone(res, "tenant "+quote(id))
}

type tenantSettingRow struct {
	bun.BaseModel `bun:"table:tenant_settings,alias:ts"`

	ID       string `bun:"id,pk"`
	TenantID string `bun:"tenant_id"`
	Param    string `bun:"param"`
	Value    string `bun:"value"`
	Override bool   `bun:"override"`
}

func (r *tenantSettingRow) domain() *scalelite.TenantSetting {
	return &scalelite.TenantSetting{ID: r.ID, TenantID: r.TenantID, Param: r.Param, Value: r.Value, Override: r.Override}
}

// CreateTenantSetting inserts s, generating its ID when empty. ENOTFOUND for an unknown tenant,
// ECONFLICT when the tenant already sets the param.
func (db *DB) CreateTenantSetting(ctx context.Context, s *scalelite.TenantSetting) error {
	if s.TenantID == "" || s.Param == "" {
		return scalelite.Errorf(scalelite.EINVALID, "tenant setting needs a tenant and a param")
	}
	if s.ID == "" {
		s.ID = uuid.NewString()
	}
	row := &tenantSettingRow{ID: s.ID, TenantID: s.TenantID, Param: s.Param, Value: s.Value, Override: s.Override}
	if _, err := db.rw.NewInsert().Model(row).Exec(ctx); err != nil {
		if isForeignKeyViolation(err) {
			return scalelite.Errorf(scalelite.ENOTFOUND, "tenant %q not found", s.TenantID)
		}
		return translate(err, "create", "setting "+quote(s.Param)+" of tenant "+quote(s.TenantID))
	}
	return nil
}

// TenantSettings returns one tenant's settings, or every tenant's for "", ordered by tenant id
// then param.
func (db *DB) TenantSettings(ctx context.Context, tenantID string) ([]*scalelite.TenantSetting, error) {
	var rows []tenantSettingRow
	q := db.ro.NewSelect().Model(&rows).OrderExpr("tenant_id, param")
	if tenantID != "" {
		q.Where("tenant_id = ?", tenantID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, translate(err, "list", "tenant settings")
	}
	out := make([]*scalelite.TenantSetting, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// DeleteTenantSetting removes a setting; ENOTFOUND when unknown.
func (db *DB) DeleteTenantSetting(ctx context.Context, id string) error {
	res, err := db.rw.NewDelete().Model((*tenantSettingRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return translate(err, "delete", "tenant setting "+quote(id))
	}
	return notFoundIfNone(res, "tenant setting "+quote(id))
}
