package db

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// placementTx applies placement requests one after the other inside one transaction that holds
// the placement lock (see place_batch.go). It reads what placements depend on once - every
// server, the running meetings with the requests' meeting ids or first voice bridge candidates
// (a request's further candidates are read only when the first ones are taken) - and keeps that
// state up to date in memory as each request is applied, so each request sees the writes of the
// ones before it exactly as if they had committed: a meeting id placed earlier is found, a voice
// bridge taken earlier is skipped, and the loads Select sees include the earlier reservations.
// New meetings are inserted in one multi-row INSERT and the reservations added in one UPDATE at
// flush (one statement on PostgreSQL); a request that refers to a meeting still waiting to be
// inserted flushes the inserts first, so every Meeting KeepExisting or a result sees carries its
// row id.
//
// A request's Finish is called once its server and voice bridge are chosen (a new meeting's ID
// is still 0 then), and the create parameters it returns are written with the row - in the
// INSERT of a new meeting, in the UPDATE of a re-homed one - so a create costs no write besides
// its placement.
//
// A request is refused (Select's error, another tenant's meeting, no free voice bridge, a server
// that is not a candidate) before it writes or queues anything, so a refusal never needs a
// rollback. Any error from the database is returned as such and fails the whole transaction.
type placementTx struct {
	db *DB
	tx bun.Tx

	servers []serverRow    // every server ordered by id; Load includes this transaction's reservations
	index   map[string]int // server id -> position in servers

	running map[string]*scalelite.Meeting // running meetings with the requests' meeting ids
	pending []*scalelite.Meeting          // new meetings not inserted yet (ID 0)

	bridges       [][]string      // voice bridge candidates of each request, computed once
	bridgeInUse   map[string]bool // voice bridges used by running meetings (read or placed here)
	bridgeChecked map[string]bool // voice bridges whose use was read in this transaction
	reserved      map[string][]float64
	reservedSeq   []string // server ids in the order of their first reservation
	currentIndex  int      // request being applied, to blame a request that panicked
}

// newPlacementTx returns the state of a placement transaction for n requests.
func (db *DB) newPlacementTx(tx bun.Tx, n int) *placementTx {
	return &placementTx{
		db: db, tx: tx,
		index:         map[string]int{},
		running:       map[string]*scalelite.Meeting{},
		bridges:       make([][]string, n),
		bridgeInUse:   map[string]bool{},
		bridgeChecked: map[string]bool{},
		reserved:      map[string][]float64{},
	}
}

// load reads the state the requests depend on: every server, then in one query the running
// meetings with the requests' meeting ids or using the first of their voice bridge candidates
// (almost always free: the others are read by freeBridge when needed, which keeps this query
// small). It computes the voice bridge candidates of every request up front.
func (p *placementTx) load(ctx context.Context, reqs []scalelite.PlaceRequest) error {
	if err := p.tx.NewSelect().Model(&p.servers).OrderExpr("id").Scan(ctx); err != nil {
		return fmt.Errorf("load servers: %w", err)
	}
	for i := range p.servers {
		p.index[p.servers[i].ID] = i
	}
	ids := make([]string, 0, len(reqs))
	var bridges []string
	seen := map[string]bool{}
	for i, r := range reqs {
		ids = append(ids, r.Meeting.MeetingID)
		p.currentIndex = i
		p.bridges[i] = r.VoiceBridges.Candidates(r.Meeting.MeetingID)
		for _, c := range p.bridges[i] {
			if c == "" {
				continue
			}
			if !seen[c] {
				seen[c] = true
				bridges = append(bridges, c)
			}
			break
		}
	}
	// UNION ALL rather than OR: SQLite's planner scans every running meeting for the OR.
	query, args := "SELECT * FROM meetings WHERE ended_at IS NULL AND meeting_id IN (?)", []any{inList(ids)}
	if len(bridges) > 0 {
		query += " UNION ALL SELECT * FROM meetings WHERE ended_at IS NULL AND voice_bridge IN (?)"
		args = append(args, inList(bridges))
	}
	var rows []meetingRow
	if err := p.tx.NewRaw(query, args...).Scan(ctx, &rows); err != nil {
		return fmt.Errorf("load running meetings: %w", err)
	}
	wanted := make(map[string]bool, len(ids))
	for _, id := range ids {
		wanted[id] = true
	}
	for i := range rows {
		if wanted[rows[i].MeetingID] {
			p.running[rows[i].MeetingID] = rows[i].domain()
		}
		p.bridgeInUse[rows[i].VoiceBridge] = true // running: its bridge is in use
	}
	for _, c := range bridges {
		p.bridgeChecked[c] = true
	}
	return nil
}

// checkBridges reads which of the candidates not read yet are used by running meetings.
func (p *placementTx) checkBridges(ctx context.Context, candidates []string) error {
	var unchecked []string
	for _, c := range candidates {
		if c != "" && !p.bridgeChecked[c] {
			unchecked = append(unchecked, c)
		}
	}
	if len(unchecked) == 0 {
		return nil
	}
	var used []string
	err := p.tx.NewSelect().Model((*meetingRow)(nil)).Column("voice_bridge").
		Where("ended_at IS NULL AND voice_bridge IN (?)", inList(unchecked)).Scan(ctx, &used)
	if err != nil {
		return fmt.Errorf("load voice bridges: %w", err)
	}
	for _, c := range used {
		p.bridgeInUse[c] = true
	}
	for _, c := range unchecked {
		p.bridgeChecked[c] = true
	}
	return nil
}

// candidates returns fresh copies of the enabled and online servers ordered by id.
func (p *placementTx) candidates() []*scalelite.Server {
	out := make([]*scalelite.Server, 0, len(p.servers))
	for i := range p.servers {
		if s := &p.servers[i]; s.State == string(scalelite.ServerEnabled) && s.Online {
			out = append(out, s.domain())
		}
	}
	return out
}

// server returns a copy of the server, nil when it does not exist.
func (p *placementTx) server(id string) *scalelite.Server {
	if i, ok := p.index[id]; ok {
		return p.servers[i].domain()
	}
	return nil
}

// apply applies request i. refused is the request's own failure (nothing was written or queued
// for it); err is a database error that fails the transaction.
func (p *placementTx) apply(ctx context.Context, i int, req scalelite.PlaceRequest) (res scalelite.PlaceResult, refused, err error) {
	p.currentIndex = i
	id := req.Meeting.MeetingID
	if p.db.applyHook != nil {
		p.db.applyHook(id)
	}
	if m := p.running[id]; m != nil && m.ID == 0 {
		if err := p.flushInserts(ctx); err != nil {
			return res, nil, err
		}
	}
	var existing *scalelite.Meeting
	if m := p.running[id]; m != nil {
		copied := *m
		existing = &copied
		if existing.TenantID != req.Meeting.TenantID {
			return res, scalelite.Errorf(scalelite.ECONFLICT, "meeting %q is running for another tenant", id), nil
		}
		srv := p.server(existing.ServerID)
		switch req.Decide(existing, srv) {
		case scalelite.Stay:
			return scalelite.PlaceResult{Meeting: existing, Server: srv}, nil, nil
		case scalelite.StayAsk:
			return scalelite.PlaceResult{Meeting: existing, Server: srv, AskCordoned: true}, nil, nil
		}
	}

	chosen, placement, err := req.Select(p.candidates())
	if err != nil {
		return res, err, nil // unchanged, as the MeetingStore contract says
	}
	if chosen == nil || !p.isCandidate(chosen.ID) {
		return res, translate(fmt.Errorf("select returned a server that is not a candidate"), "place", "meeting "+quote(id)), nil
	}
	reservation := req.Reservation * chosen.LoadMultiplier
	now := p.db.now()

	if existing != nil {
		moved := *existing
		moved.ServerID, moved.Placement, moved.Reservation, moved.MissedPolls, moved.UpdatedAt = chosen.ID, placement, reservation, 0, now
		moved.Participants = 0 // its new server has not been polled yet
		moved.CreateQuery, moved.CreateBody = req.CreateParams(&moved, chosen)
		var set boundSet // the create parameters carry passwords: bound, not in the statement text
		set.add("server_id", chosen.ID)
		set.add("placement", placement)
		set.add("reservation", reservation)
		set.add("missed_polls", 0)
		set.add("participants", 0)
		set.add("updated_at", now)
		set.add("create_query", moved.CreateQuery)
		set.add("create_body", moved.CreateBody)
		query, args := set.update("meetings", "id = ?", existing.ID)
		var row meetingRow
		if err := p.db.scanBound(ctx, p.tx, &row, query+" RETURNING *", args...); err != nil {
			return res, nil, fmt.Errorf("re-home: %w", err)
		}
		p.running[id] = row.domain()
		res = scalelite.PlaceResult{Meeting: row.domain(), Moved: true, Previous: existing}
	} else {
		vb, refused, err := p.freeBridge(ctx, i)
		if refused != nil || err != nil {
			return res, refused, err
		}
		m := req.Meeting
		m.ID, m.ServerID, m.VoiceBridge, m.Placement, m.Reservation = 0, chosen.ID, vb, placement, reservation
		m.MissedPolls, m.CreatedAt, m.UpdatedAt, m.EndedAt = 0, now, now, nil
		m.CreateQuery, m.CreateBody = req.CreateParams(&m, chosen)
		p.pending = append(p.pending, &m)
		p.running[id] = &m
		p.bridgeInUse[vb] = true
		res = scalelite.PlaceResult{Meeting: &m, Created: true} // ID filled in by flushInserts
	}
	res.Server = chosen
	if reservation != 0 {
		p.servers[p.index[chosen.ID]].Load += reservation
		if _, ok := p.reserved[chosen.ID]; !ok {
			p.reservedSeq = append(p.reservedSeq, chosen.ID)
		}
		p.reserved[chosen.ID] = append(p.reserved[chosen.ID], reservation)
	}
	return res, nil, nil
}

func (p *placementTx) isCandidate(id string) bool {
	i, ok := p.index[id]
	return ok && p.servers[i].State == string(scalelite.ServerEnabled) && p.servers[i].Online
}

// freeBridge returns request i's first voice bridge candidate that no running meeting uses
// (refused when there is none); err is a database error.
func (p *placementTx) freeBridge(ctx context.Context, i int) (vb string, refused, err error) {
	candidates := p.bridges[i]
	if len(candidates) == 0 {
		return "", scalelite.Errorf(scalelite.EINTERNAL, "no voice bridge candidates"), nil
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if !p.bridgeChecked[c] {
			if err := p.checkBridges(ctx, candidates); err != nil {
				return "", nil, err
			}
		}
		if !p.bridgeInUse[c] {
			return c, nil, nil
		}
	}
	return "", scalelite.Errorf(scalelite.EINTERNAL, "no free voice bridge among %d candidates", len(candidates)), nil
}

// flush writes what is still queued: the new meetings, then the reservations. On PostgreSQL both
// go in one statement when there are both (the batch's serial step pays per round trip).
func (p *placementTx) flush(ctx context.Context) error {
	if p.db.dialect == Postgres && len(p.pending) > 0 && len(p.reservedSeq) > 0 {
		return p.flushBoth(ctx)
	}
	if err := p.flushInserts(ctx); err != nil {
		return err
	}
	return p.flushReservations(ctx)
}

// placedID is a row id the INSERT returned.
type placedID struct {
	ID        int64  `bun:"id"`
	MeetingID string `bun:"meeting_id"`
}

// flushBoth inserts the pending meetings and adds the reservations in one PostgreSQL statement
// (data-modifying CTEs each run exactly once) and fills in the meetings' ids.
func (p *placementTx) flushBoth(ctx context.Context) error {
	insert, args, err := p.insertPending()
	if err != nil {
		return err
	}
	reserve, reserveArgs := p.reserveSQL()
	var ids []placedID
	query := "WITH placed AS (" + insert + " RETURNING id, meeting_id), reserved AS (" + reserve + ") SELECT id, meeting_id FROM placed"
	if err := p.db.scanAllBound(ctx, p.tx, &ids, query, append(args, reserveArgs...)...); err != nil {
		return fmt.Errorf("insert and reserve load: %w", err)
	}
	if err := p.takeIDs(ids); err != nil {
		return err
	}
	p.reserved, p.reservedSeq = map[string][]float64{}, nil
	return nil
}

// flushInserts inserts the pending meetings in one statement and fills in their ids.
func (p *placementTx) flushInserts(ctx context.Context) error {
	if len(p.pending) == 0 {
		return nil
	}
	insert, args, err := p.insertPending()
	if err != nil {
		return err
	}
	var ids []placedID
	if err := p.db.scanAllBound(ctx, p.tx, &ids, insert+" RETURNING id, meeting_id", args...); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	return p.takeIDs(ids)
}

// insertPending is the INSERT of the pending meetings with their values as bound parameters
// (they carry passwords and create parameters).
func (p *placementTx) insertPending() (string, []any, error) {
	rows := make([]any, len(p.pending))
	for i, m := range p.pending {
		rows[i] = meetingToRow(m)
	}
	return p.db.insertStatement(rows...)
}

// takeIDs fills in the pending meetings' row ids and empties the queue. RETURNING's row order is
// not promised, so ids are matched by meeting id (unique among the pending meetings: a second
// request for one flushes the first before it is applied).
func (p *placementTx) takeIDs(returned []placedID) error {
	ids := make(map[string]int64, len(returned))
	for _, r := range returned {
		ids[r.MeetingID] = r.ID
	}
	for _, m := range p.pending {
		if m.ID = ids[m.MeetingID]; m.ID == 0 {
			return fmt.Errorf("insert: no id returned for meeting %q", m.MeetingID)
		}
	}
	p.pending = p.pending[:0]
	return nil
}

// flushReservations adds the reservations to the servers' loads in one statement.
func (p *placementTx) flushReservations(ctx context.Context) error {
	if len(p.reservedSeq) == 0 {
		return nil
	}
	query, args := p.reserveSQL()
	if _, err := p.db.execBound(ctx, p.tx, query, args...); err != nil {
		return fmt.Errorf("reserve load: %w", err)
	}
	p.reserved, p.reservedSeq = map[string][]float64{}, nil
	return nil
}

// reserveSQL is the UPDATE adding the queued reservations. Each server's increments are added
// one by one, left to right ("load + r1 + r2"), so the stored load is the same float the separate
// updates of serial placements would have produced.
func (p *placementTx) reserveSQL() (string, []any) {
	var b strings.Builder
	args := make([]any, 0, 3*len(p.reservedSeq))
	b.WriteString("UPDATE servers SET load = CASE id")
	for _, id := range p.reservedSeq {
		b.WriteString(" WHEN ? THEN load")
		args = append(args, id)
		for _, r := range p.reserved[id] {
			b.WriteString(" + ?")
			args = append(args, r)
		}
	}
	b.WriteString(" ELSE load END WHERE id IN (")
	for i, id := range p.reservedSeq {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('?')
		args = append(args, id)
	}
	b.WriteByte(')')
	return b.String(), args
}
