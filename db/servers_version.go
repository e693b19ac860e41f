package db

import "context"

// SetBBBVersion records a server's BBB version ("" included) without touching anything else of
// it; ENOTFOUND for an unknown server.
func (db *DB) SetBBBVersion(ctx context.Context, serverID, version string) error {
	res, err := db.rw.NewUpdate().Model((*serverRow)(nil)).Where("id = ?", serverID).Set("bbb_version = ?", version).Exec(ctx)
	if err != nil {
		return translate(err, "update the BBB version of", "server "+quote(serverID))
	}
	return notFoundIfNone(res, "server "+quote(serverID))
}
