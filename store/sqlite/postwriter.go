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
// in its own locks. postWriter keeps the statements of the post writes prepared on the
// connection and reuses one argument slice per statement.

// rawStmt is a statement prepared on the writer's driver connection.
type rawStmt struct {
	st   driver.Stmt
	args []driver.NamedValue
}

// exec runs the statement with vals (strings, int64, int, float64 or nil) and returns
// the number of rows it changed.
func (r *rawStmt) exec(ctx context.Context, vals ...any) (int64, error) {
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

// postWriter holds the statements of a poll's writes (its posts, then its feeds' states),
// prepared on one driver connection.
type postWriter struct {
	conn                                                               any // the driver connection they belong to
	insertPost, insertTag, updatePost, countPosts, bumpDay, updateFeed *rawStmt
}

// postWriterOn returns the statements prepared on dc, preparing them if dc is a
// connection they were not prepared on (the first write, or the pool replaced it).
func (s *Store) postWriterOn(ctx context.Context, dc any) (*postWriter, error) {
	if s.pw != nil && s.pw.conn == dc {
		return s.pw, nil
	}
	pc, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, errors.New("sqlite: the driver cannot prepare statements")
	}
	w := &postWriter{conn: dc}
	for _, st := range []struct {
		dst  **rawStmt
		name string
		sql  string
	}{
		{&w.insertPost, "post insert", insertPostSQL},
		{&w.insertTag, "hashtag insert", insertTagSQL},
		{&w.updatePost, "post update", updatePostSQL},
		{&w.countPosts, "day counter update", countPostsSQL},
		{&w.bumpDay, "day counter version", bumpDaySQL},
		{&w.updateFeed, "feed update", updateFeedSQL},
	} {
		p, err := pc.PrepareContext(ctx, st.sql)
		if err != nil {
			w.close()
			return nil, fmt.Errorf("sqlite: prepare %s: %w", st.name, err)
		}
		*st.dst = &rawStmt{st: p}
	}
	s.pw = w // statements of a connection the pool dropped are dropped with it
	return w, nil
}

// close closes the statements prepared so far.
func (w *postWriter) close() error {
	var errs []error
	for _, st := range []*rawStmt{w.insertPost, w.insertTag, w.updatePost, w.countPosts, w.bumpDay, w.updateFeed} {
		if st != nil {
			errs = append(errs, st.st.Close())
		}
	}
	return errors.Join(errs...)
}

// writePosts runs fn in a write transaction on the writer's driver connection, with the
// post writes' statements. fn's statements should run with a context that is not
// canceled (cancellation makes the driver watch every statement); ctx is checked by fn
// between rows, and the transaction rolls back if fn fails.
func (s *Store) writePosts(ctx context.Context, fn func(w *postWriter) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		ec, ok := dc.(driver.ExecerContext)
		if !ok {
			return errors.New("sqlite: the driver cannot execute statements")
		}
		w, err := s.postWriterOn(ctx, dc)
		if err != nil {
			return err
		}
		if _, err := ec.ExecContext(ctx, "BEGIN IMMEDIATE", nil); err != nil {
			return fmt.Errorf("sqlite: begin: %w", err)
		}
		end := context.WithoutCancel(ctx)
		rollback := func(cause error) error {
			if _, err := ec.ExecContext(end, "ROLLBACK", nil); err != nil {
				// A connection left inside a transaction must not serve anyone else.
				return errors.Join(cause, fmt.Errorf("sqlite: rollback: %w", err), driver.ErrBadConn)
			}
			return cause
		}
		if err := fn(w); err != nil {
			return rollback(err)
		}
		if _, err := ec.ExecContext(end, "COMMIT", nil); err != nil {
			return rollback(fmt.Errorf("sqlite: commit: %w", mapErr(err)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.ckpt.kick()
	return nil
}

// closePostWriter closes the post writes' statements (Close, before the pool).
func (s *Store) closePostWriter() error {
	if s.pw == nil {
		return nil
	}
	conn, err := s.w.Conn(context.Background())
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		if s.pw.conn != dc {
			return nil // its connection is gone, and its statements with it
		}
		err := s.pw.close()
		s.pw = nil
		return err
	})
}
