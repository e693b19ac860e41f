package db

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

type apiKeyRow struct {
	bun.BaseModel `bun:"table:api_keys,alias:k"`

	ID         string     `bun:"id,pk"`
	Name       string     `bun:"name"`
	Hash       string     `bun:"hash"`
	Scope      string     `bun:"scope"`
	CreatedAt  time.Time  `bun:"created_at"`
	LastUsedAt *time.Time `bun:"last_used_at"`
	RevokedAt  *time.Time `bun:"revoked_at"`
}

func (r *apiKeyRow) domain() *scalelite.APIKey {
	return &scalelite.APIKey{ID: r.ID, Name: r.Name, Hash: r.Hash, Scope: scalelite.Scope(r.Scope),
		CreatedAt: r.CreatedAt.UTC(), LastUsedAt: utcPtr(r.LastUsedAt), RevokedAt: utcPtr(r.RevokedAt)}
}

// CreateAPIKey stores k, generating its ID when empty and CreatedAt when zero. ECONFLICT for a
// duplicate hash or id, EINVALID for an unknown scope.
func (db *DB) CreateAPIKey(ctx context.Context, k *scalelite.APIKey) error {
	if k.Hash == "" || !k.Scope.Valid() {
		return scalelite.Errorf(scalelite.EINVALID, "API key needs a hash and a valid scope (got %q)", k.Scope)
	}
	if k.ID == "" {
		k.ID = uuid.NewString()
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = db.now()
	}
	k.CreatedAt = utc(k.CreatedAt)
	row := &apiKeyRow{ID: k.ID, Name: k.Name, Hash: k.Hash, Scope: string(k.Scope), CreatedAt: k.CreatedAt,
		LastUsedAt: utcPtr(k.LastUsedAt), RevokedAt: utcPtr(k.RevokedAt)}
	if _, err := db.rw.NewInsert().Model(row).Exec(ctx); err != nil {
		return translate(err, "create", "API key "+quote(k.Name))
	}
	return nil
}

// APIKeyByHash returns the key with this hash unless it is revoked; ENOTFOUND otherwise.
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (*scalelite.APIKey, error) {
	var row apiKeyRow
	err := db.ro.NewSelect().Model(&row).Where("hash = ? AND revoked_at IS NULL", hash).Scan(ctx)
	if err != nil {
		return nil, translate(err, "get", "API key")
	}
	return row.domain(), nil
}

// APIKeys returns every key, revoked ones included, oldest first.
func (db *DB) APIKeys(ctx context.Context) ([]*scalelite.APIKey, error) {
	var rows []apiKeyRow
	if err := db.ro.NewSelect().Model(&rows).OrderExpr("created_at, id").Scan(ctx); err != nil {
		return nil, translate(err, "list", "API keys")
	}
	out := make([]*scalelite.APIKey, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// RevokeAPIKey marks the key revoked at at (a second revocation keeps the first time);
// ENOTFOUND for an unknown id.
func (db *DB) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res, err := db.rw.NewUpdate().Model((*apiKeyRow)(nil)).Where("id = ?", id).
		Set("revoked_at = COALESCE(revoked_at, ?)", utc(at)).Exec(ctx)
	if err != nil {
		return translate(err, "revoke", "API key "+quote(id))
	}
	return notFoundIfNone(res, "API key "+quote(id))
}

// TouchAPIKey sets the key's last use to at unless the stored one is later (a slow writer
// cannot move it back); ENOTFOUND for an unknown id.
func (db *DB) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	at = utc(at)
	res, err := db.rw.NewUpdate().Model((*apiKeyRow)(nil)).Where("id = ?", id).
		Set("last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < ? THEN ? ELSE last_used_at END", at, at).
		Exec(ctx)
	if err != nil {
		return translate(err, "touch", "API key "+quote(id))
	}
	return notFoundIfNone(res, "API key "+quote(id))
}

type auditRow struct {
	bun.BaseModel `bun:"table:audit_log,alias:a"`

	ID        int64     `bun:"id,pk,autoincrement"`
	Time      time.Time `bun:"time"`
	Actor     string    `bun:"actor"`
	Action    string    `bun:"action"`
	Arguments string    `bun:"arguments"`
	Result    string    `bun:"result"`
}

// AddAuditEntry stores e and fills its ID (and Time when zero).
func (db *DB) AddAuditEntry(ctx context.Context, e *scalelite.AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = db.now()
	}
	e.Time = utc(e.Time)
	row := &auditRow{Time: e.Time, Actor: e.Actor, Action: e.Action, Arguments: e.Arguments, Result: e.Result}
	if _, err := db.rw.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
		return translate(err, "add", "audit entry")
	}
	e.ID = row.ID
	return nil
}

// AuditEntries returns up to limit entries (0: all) with ID < beforeID (0: from the newest),
// newest first, and the total number of entries.
func (db *DB) AuditEntries(ctx context.Context, beforeID int64, limit int) ([]*scalelite.AuditEntry, int, error) {
	var rows []auditRow
	q := db.ro.NewSelect().Model(&rows).OrderExpr("id DESC")
	if beforeID > 0 {
		q.Where("id < ?", beforeID)
	}
	if limit > 0 {
		q.Limit(int64(limit))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, 0, translate(err, "list", "audit entries")
	}
	total, err := db.ro.NewSelect().Model((*auditRow)(nil)).Count(ctx)
	if err != nil {
		return nil, 0, translate(err, "count", "audit entries")
	}
	out := make([]*scalelite.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = &scalelite.AuditEntry{ID: r.ID, Time: r.Time.UTC(), Actor: r.Actor, Action: r.Action,
			Arguments: r.Arguments, Result: r.Result}
	}
	return out, int(total), nil
}
