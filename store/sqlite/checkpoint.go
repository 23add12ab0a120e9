package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// checkpointEvery is the shortest time between two of the checkpointer's rounds.
const checkpointEvery = 250 * time.Millisecond

// walAutoCheckpoint is the writer's automatic checkpoint threshold, in pages of log: past
// the checkpointer's rounds (a first poll writes ~3,000 pages in checkpointEvery), so it
// runs only when the checkpointer falls behind (SQLite's default, 1,000, made the writer
// checkpoint in the middle of a poll anyway). The log file then reaches ~32 MB at most.
const walAutoCheckpoint = "wal_autocheckpoint(8000)"

// checkpointer copies the write-ahead log into the database file from its own connection,
// after write transactions, so the writer does not: SQLite's automatic checkpoint runs
// inside the commit that takes the log past its threshold, on the writer's time (a tenth
// of a first poll's writing). A passive checkpoint never waits for the writer or the
// readers; whatever it leaves is copied by the next one, or by the writer's own
// automatic checkpoint (walAutoCheckpoint), which stays as the safety net.
//
// It copies at most every checkpointEvery: the pages a poll's batches all touch (the
// last leaf of each table and index, their parents) are then copied once for several
// commits, not once each (a first poll's writing 5–10 % less CPU than checkpointing
// after every commit).
type checkpointer struct {
	db     *sql.DB
	kicks  chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// startCheckpointer opens the checkpointer's connection (dsn) and starts it.
func startCheckpointer(dsn string) (*checkpointer, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: unable to open the checkpointer's connection: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxIdleTime(0)
	ctx, cancel := context.WithCancel(context.Background())
	c := &checkpointer{db: db, kicks: make(chan struct{}, 1), cancel: cancel, done: make(chan struct{})}
	go c.run(ctx)
	return c, nil
}

func (c *checkpointer) run(ctx context.Context) {
	defer close(c.done)
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.kicks:
			// An error (the database closing, a full disk) leaves the log to the
			// writer's automatic checkpoint.
			_, _ = c.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
			select { // the writes of the pause are copied by the next round
			case <-ctx.Done():
				return
			case <-time.After(checkpointEvery):
			}
		}
	}
}

// kick asks for a checkpoint; kicks while one is pending coalesce. A nil checkpointer
// (a database in memory) does nothing.
func (c *checkpointer) kick() {
	if c == nil {
		return
	}
	select {
	case c.kicks <- struct{}{}:
	default:
	}
}

// stop ends the checkpointer and closes its connection.
func (c *checkpointer) stop() error {
	if c == nil {
		return nil
	}
	c.cancel()
	<-c.done
	return c.db.Close()
}
