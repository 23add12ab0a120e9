package sqlite

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
)

// The posts of a poll are written below database/sql, on the writer's driver connection:
// database/sql copies and converts the arguments of every statement into a new slice
// (a sixth of a first poll's allocations, three statements a post) and wraps each call
// in its own locks. A postWriter prepares the statements of one write transaction on the
// connection as they are first used, reuses one argument slice per statement, and
// finalizes them all before the connection goes back to the pool: a statement left
// prepared keeps a connection the pool drops open, with its transaction and its lock.

// rawStmt is a statement of a write transaction on the writer's driver connection,
// prepared when first run.
type rawStmt struct {
	pc   driver.ConnPrepareContext
	name string // what it does, for errors
	sql  string
	st   driver.Stmt
	args []driver.NamedValue
}

// exec runs the statement with vals (strings, int64, int, float64, []byte or nil) and
// returns the number of rows it changed.
func (r *rawStmt) exec(ctx context.Context, vals ...any) (int64, error) {
	if r.st == nil {
		st, err := r.pc.PrepareContext(ctx, r.sql)
		if err != nil {
			return 0, fmt.Errorf("sqlite: prepare %s: %w", r.name, err)
		}
		r.st = st
	}
	if cap(r.args) < len(vals) {
		r.args = make([]driver.NamedValue, len(vals))
	}
	args := r.args[:len(vals)]
	for i, v := range vals {
		if n, ok := v.(int); ok {
			v = int64(n)
		}
		args[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	res, err := r.st.(driver.StmtExecContext).ExecContext(ctx, args)
	clear(args) // the row's strings are not kept alive until the next row
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// postWriter holds the statements of a poll's writes (its posts, then its feeds' states)
// for one transaction.
type postWriter struct {
	insertPost, insertTag, updatePost, countPosts, bumpDay, updateFeed *rawStmt
}

func newPostWriter(pc driver.ConnPrepareContext) *postWriter {
	st := func(name, sql string) *rawStmt { return &rawStmt{pc: pc, name: name, sql: sql} }
	return &postWriter{
		insertPost: st("post insert", insertPostSQL),
		insertTag:  st("hashtag insert", insertTagSQL),
		updatePost: st("post update", updatePostSQL),
		countPosts: st("day counter update", countPostsSQL),
		bumpDay:    st("day counter version", bumpDaySQL),
		updateFeed: st("feed update", updateFeedSQL),
	}
}

// close finalizes the statements that were prepared.
func (w *postWriter) close() error {
	var errs []error
	for _, st := range []*rawStmt{w.insertPost, w.insertTag, w.updatePost, w.countPosts, w.bumpDay, w.updateFeed} {
		if st.st != nil {
			errs = append(errs, st.st.Close())
			st.st = nil
		}
	}
	return errors.Join(errs...)
}

// writePosts runs fn in a write transaction on the writer's driver connection, with the
// post writes' statements. fn's statements should run with a context that is not
// canceled: an interrupted statement makes SQLite end the transaction by itself, and the
// driver watches every statement run with a cancelable one. fn checks ctx between rows;
// the transaction rolls back if fn fails or panics.
func (s *Store) writePosts(ctx context.Context, fn func(w *postWriter) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) (err error) {
		ec, ok := dc.(driver.ExecerContext)
		if !ok {
			return errors.New("sqlite: the driver cannot execute statements")
		}
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return errors.New("sqlite: the driver cannot prepare statements")
		}
		if _, err := ec.ExecContext(ctx, "BEGIN IMMEDIATE", nil); err != nil {
			return fmt.Errorf("sqlite: begin: %w", err)
		}
		end := context.WithoutCancel(ctx)
		w := newPostWriter(pc)
		finished := false
		defer func() {
			cerr := w.close()
			if p := recover(); p != nil {
				if !finished {
					_ = endTx(ec, end, nil)
				}
				panic(p) // the pool closes the connection (its statements are finalized)
			}
			if cerr != nil && err == nil {
				err = fmt.Errorf("sqlite: finalize statements: %w", cerr)
			}
		}()
		if err := fn(w); err != nil {
			finished = true
			return endTx(ec, end, err)
		}
		finished = true
		if _, err := ec.ExecContext(end, "COMMIT", nil); err != nil {
			return endTx(ec, end, fmt.Errorf("sqlite: commit: %w", mapErr(err)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.ckpt.kick()
	return nil
}

// endTx rolls back the connection's transaction after cause and returns cause. SQLite
// ends a transaction by itself after some errors, so a ROLLBACK that fails is checked:
// a connection outside any transaction (a BEGIN then succeeds) is fine; one whose
// transaction cannot be ended must not serve anyone else (driver.ErrBadConn).
func endTx(ec driver.ExecerContext, ctx context.Context, cause error) error {
	if _, err := ec.ExecContext(ctx, "ROLLBACK", nil); err == nil {
		return cause
	}
	if _, err := ec.ExecContext(ctx, "BEGIN", nil); err == nil {
		if _, err := ec.ExecContext(ctx, "ROLLBACK", nil); err == nil {
			return cause
		}
	}
	return errors.Join(cause, errors.New("sqlite: the writer's transaction could not be ended"), driver.ErrBadConn)
}
