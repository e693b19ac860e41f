package db

// Group commit for placements.
//
// Every placement that cannot be answered from a plain read (a new meeting, or a running one that
// must be re-homed) has to run serialised with all other placements: on PostgreSQL behind
// pg_advisory_xact_lock, on SQLite behind the database write lock. Done one transaction per
// placement, throughput is bounded by one commit (one WAL flush, 4-8 ms) per meeting. So within
// one process the placements are funnelled through a single worker per DB:
//
//   - PlaceMeeting queues a placeCall and waits. The worker takes everything waiting, oldest
//     first, up to maxPlacementBatch, and runs it as ONE transaction: one lock acquisition, one
//     commit. It starts a new batch as soon as the previous one is answered, so batches grow by
//     themselves with the load (no timer, no added latency for a lone caller).
//   - Inside the transaction the requests are applied in queue order with the semantics of
//     serial placements (placementTx in place_tx.go): each sees the writes of the ones before
//     (the same meeting id twice: the second finds the first; loads include earlier
//     reservations). The reads are made once per batch and the writes are one multi-row INSERT
//     (with each meeting's create parameters, see PlaceRequest.Finish) and one UPDATE of the
//     loads (one statement together on PostgreSQL), so a batch costs a fixed number of
//     statements: on PostgreSQL BEGIN, the lock, two reads, the write and COMMIT.
//   - A request that is refused (Select's error, another tenant's meeting, no free voice
//     bridge) writes nothing and gets its error; the others go on. After the commit every
//     caller gets its answer.
//   - A database error fails the batch (rolled back, nothing committed): each of its callers is
//     told to retry, and runs its request alone in its own transaction, on its own goroutine and
//     context. One bad request therefore fails alone. A panic in a request's callback also
//     fails the batch; that caller re-raises the panic on its own goroutine, the others retry.
//   - Contexts: a caller whose context ends while its call is still queued removes it and gets
//     the context's error. Once the worker has taken the call it is applied (or skipped with the
//     context's error if that ended before its turn) and the caller waits for the answer, so a
//     placement that committed is never lost to its caller. The batch transaction runs on the
//     worker's context, cancelled only when every caller of the batch has gone or at Close.
//   - On PostgreSQL the worker keeps one pool connection for itself while placements keep
//     coming (given back when the queue runs dry or a batch fails): the batch is the serial
//     step, so it must not queue behind other queries for a connection.
//   - Close stops the worker: queued callers get an error, a running batch is cancelled (its
//     callers retry alone, against a closing database), and Close returns after the worker
//     goroutine has exited and given its connection back.
//
// Both dialects use the worker: on SQLite it saves the per-transaction cost of BEGIN IMMEDIATE
// and the WAL commit for all but one placement of each batch (see docs/benchmarks.md). It uses
// the single writer connection of the pool there, taken per batch, so other writes interleave.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/uptrace/bun"

	"github.com/scalelite-go/scalelite/internal/scalelite"
)

// maxPlacementBatch bounds the placements of one transaction.
const maxPlacementBatch = 64

// errDBClosed answers placements queued or attempted after Close.
var errDBClosed = errors.New("database is closed")

// placeCall is one queued placement.
type placeCall struct {
	ctx    context.Context
	req    scalelite.PlaceRequest
	answer chan placeAnswer // buffered; receives exactly one answer once the call is taken
}

// placeAnswer is what the worker tells a caller.
type placeAnswer struct {
	res      scalelite.PlaceResult
	err      error
	retry    bool // the batch failed: run the request alone in its own transaction
	panicked any  // a method of the request panicked with this value in the worker
}

// placementQueue is the per-DB queue and worker of group-committed placements.
type placementQueue struct {
	db *DB

	mu      sync.Mutex
	waiting []*placeCall
	started bool // the worker goroutine runs (started by the first call)
	closed  bool

	wake   chan struct{} // capacity 1: something was queued or the queue closed
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the worker has exited (or never started and closed)

	// conn is the worker's own PostgreSQL connection, held while placements keep coming so that
	// a batch never waits behind other queries for a pool connection (worker goroutine only).
	conn     bun.Conn
	haveConn bool

	batches   atomic.Int64 // batch transactions committed
	batched   atomic.Int64 // calls answered by committed batches
	fallbacks atomic.Int64 // batches that failed and were retried one by one
}

func newPlacementQueue(db *DB) *placementQueue {
	ctx, cancel := context.WithCancel(context.Background())
	return &placementQueue{db: db, wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel, done: make(chan struct{})}
}

// place queues req and waits for its answer or for ctx to end while it is still queued.
func (q *placementQueue) place(ctx context.Context, req scalelite.PlaceRequest) placeAnswer {
	c := &placeCall{ctx: ctx, req: req, answer: make(chan placeAnswer, 1)}
	if err := q.enqueue(c); err != nil {
		return placeAnswer{err: placeFailed(req.Meeting.MeetingID, err)}
	}
	select {
	case a := <-c.answer:
		return a
	case <-ctx.Done():
		if q.remove(c) {
			return placeAnswer{err: placeFailed(req.Meeting.MeetingID, ctx.Err())}
		}
		return <-c.answer // taken by the worker: it answers
	}
}

func (q *placementQueue) enqueue(c *placeCall) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return errDBClosed
	}
	if !q.started {
		q.started = true
		go q.run()
	}
	q.waiting = append(q.waiting, c)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return nil
}

// remove takes c out of the queue; false when the worker has already taken it.
func (q *placementQueue) remove(c *placeCall) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	i := slices.Index(q.waiting, c)
	if i < 0 {
		return false
	}
	q.waiting = slices.Delete(q.waiting, i, i+1)
	return true
}

// queued returns the number of calls waiting for the worker.
func (q *placementQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}

// close stops the worker and waits for it; calls still queued get errDBClosed.
func (q *placementQueue) close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		<-q.done
		return
	}
	q.closed = true
	started := q.started
	q.mu.Unlock()
	q.cancel()
	if !started {
		close(q.done)
	}
	<-q.done
}

// run is the worker: it takes batches until the queue is closed.
func (q *placementQueue) run() {
	defer close(q.done)
	defer q.releaseConn()
	for {
		q.mu.Lock()
		if q.closed {
			calls := q.waiting
			q.waiting = nil
			q.mu.Unlock()
			for _, c := range calls {
				c.answer <- placeAnswer{err: placeFailed(c.req.Meeting.MeetingID, errDBClosed)}
			}
			return
		}
		n := min(len(q.waiting), maxPlacementBatch)
		batch := slices.Clone(q.waiting[:n])
		q.waiting = slices.Delete(q.waiting, 0, n)
		q.mu.Unlock()
		if n == 0 {
			q.releaseConn()
			select {
			case <-q.wake:
			case <-q.ctx.Done():
			}
			continue
		}
		q.runBatch(batch)
	}
}

// runBatch runs the calls in one transaction and answers each of them.
func (q *placementQueue) runBatch(calls []*placeCall) {
	// The transaction is not tied to any one caller: it is cancelled when all have gone.
	ctx, cancel := context.WithCancel(q.ctx)
	defer cancel()
	var present atomic.Int64
	present.Store(int64(len(calls)))
	for _, c := range calls {
		stop := context.AfterFunc(c.ctx, func() {
			if present.Add(-1) == 0 {
				cancel()
			}
		})
		defer stop()
	}
	answers, err := q.db.runPlacements(ctx, q.txRunner(ctx), calls, true)
	if err != nil {
		q.releaseConn() // it may be broken; the pool sorts that out
		q.fallbacks.Add(1)
		q.db.logger.WarnContext(ctx, "placement batch failed, placing its meetings one by one",
			"placements", len(calls), "error", err)
	} else {
		q.batches.Add(1)
		q.batched.Add(int64(len(calls)))
	}
	for i, c := range calls {
		c.answer <- answers[i]
	}
}

// txRunner returns what the batch transaction runs on: on PostgreSQL the worker's own
// connection (taken from the pool when the worker gets busy), else the read-write pool. On SQLite
// that pool is the one writer connection, which other writes must not wait for while the worker
// stays busy.
func (q *placementQueue) txRunner(ctx context.Context) txRunner {
	if q.db.dialect != Postgres {
		return q.db.rw
	}
	if !q.haveConn {
		conn, err := q.db.rw.Conn(ctx)
		if err != nil {
			return q.db.rw // the transaction will report what is wrong
		}
		q.conn, q.haveConn = conn, true
	}
	return q.conn
}

// releaseConn gives the worker's connection back to the pool.
func (q *placementQueue) releaseConn() {
	if q.haveConn {
		q.conn.Close()
		q.conn, q.haveConn = bun.Conn{}, false
	}
}

// txRunner runs a transaction: *bun.DB (a pool) or bun.Conn (one connection).
type txRunner interface {
	RunInTx(ctx context.Context, opts *sql.TxOptions, fn func(ctx context.Context, tx bun.Tx) error) error
}

// runPlacements applies the calls in order in one transaction on ctx and commits it. It returns
// one answer per call. When the transaction fails (err != nil, nothing committed), every answer
// says retry, except that with catchPanics a call whose request panicked (a method of its data) gets the panic value.
func (db *DB) runPlacements(ctx context.Context, on txRunner, calls []*placeCall, catchPanics bool) (answers []placeAnswer, err error) {
	answers = make([]placeAnswer, len(calls))
	var p *placementTx
	if catchPanics {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			for i := range answers {
				answers[i] = placeAnswer{retry: true}
			}
			if p != nil {
				answers[p.currentIndex] = placeAnswer{panicked: v}
			}
			err = fmt.Errorf("placement request panicked: %v", v)
		}()
	}
	reqs := make([]scalelite.PlaceRequest, len(calls))
	for i, c := range calls {
		reqs[i] = c.req
	}
	err = on.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := db.lockPlacements(ctx, tx); err != nil {
			return err
		}
		p = db.newPlacementTx(tx, len(reqs))
		if err := p.load(ctx, reqs); err != nil {
			return err
		}
		for i, c := range calls {
			if err := c.ctx.Err(); err != nil {
				answers[i] = placeAnswer{err: placeFailed(c.req.Meeting.MeetingID, err)}
				continue
			}
			res, refused, err := p.apply(ctx, i, c.req)
			if err != nil {
				return err
			}
			answers[i] = placeAnswer{res: res, err: refused}
		}
		return p.flush(ctx)
	})
	if err != nil {
		for i := range answers {
			answers[i] = placeAnswer{retry: true}
		}
		return answers, err
	}
	for i := range answers {
		answers[i].res = detached(answers[i].res)
	}
	return answers, nil
}

// detached gives the result its own copies of the meetings, which the transaction shares.
func detached(r scalelite.PlaceResult) scalelite.PlaceResult {
	if r.Meeting != nil {
		m := *r.Meeting
		r.Meeting = &m
	}
	if r.Previous != nil {
		m := *r.Previous
		r.Previous = &m
	}
	if r.Server != nil {
		s := *r.Server
		r.Server = &s
	}
	return r
}
