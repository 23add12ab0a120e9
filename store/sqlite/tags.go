package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tintot/classify"
	"tintot/models"
)

// backfillBatch is how many posts backfillPostTags reads per transaction (a variable
// for tests).
var backfillBatch = 2000

// backfillPostTags records the hashtag terms of the posts stored before posts had them
// (see the migration), a batch of posts per transaction, remembering how far it got: an
// interrupted open resumes where it stopped. Posts written since are indexed as they are
// written.
func (s *Store) backfillPostTags(ctx context.Context) error {
	for {
		done, err := s.backfillStep(ctx)
		if err != nil {
			return fmt.Errorf("sqlite: hashtag backfill: %w", err)
		}
		if done {
			return nil
		}
	}
}

// backfillStep indexes the next batch of posts of the backfill, in one transaction, and
// reports whether nothing is left to do.
func (s *Store) backfillStep(ctx context.Context) (bool, error) {
	var next, last int64
	err := s.w.QueryRowContext(ctx, `SELECT next_rowid, last_rowid FROM post_tags_backfill`).Scan(&next, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read state: %w", err)
	}
	if next >= last {
		if _, err := s.w.ExecContext(ctx, `DELETE FROM post_tags_backfill`); err != nil {
			return false, fmt.Errorf("finish: %w", err)
		}
		return true, nil
	}
	return false, s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT rowid, title, summary, categories FROM posts
			WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`, next, last, backfillBatch)
		if err != nil {
			return fmt.Errorf("read posts: %w", err)
		}
		type tagged struct {
			rowid int64
			tags  string
		}
		var batch []tagged
		reached, n := last, 0
		for rows.Next() {
			var p models.Post
			var cats string
			if err := rows.Scan(&reached, &p.Title, &p.Summary, &cats); err != nil {
				rows.Close()
				return fmt.Errorf("read post: %w", err)
			}
			n++
			if p.Categories, err = fromJSON[string](cats); err != nil {
				rows.Close()
				return fmt.Errorf("categories of post at rowid %d: %w", reached, err)
			}
			if tags := classify.PostTags(p); len(tags) > 0 {
				batch = append(batch, tagged{reached, jsonText(tags)})
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read posts: %w", err)
		}
		rows.Close()
		if n < backfillBatch {
			reached = last
		}
		for _, b := range batch { // the update trigger fills post_tags
			if _, err := tx.ExecContext(ctx, `UPDATE posts SET tags = ? WHERE rowid = ?`, b.tags, b.rowid); err != nil {
				return fmt.Errorf("record hashtags of post at rowid %d: %w", b.rowid, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE post_tags_backfill SET next_rowid = ?`, reached); err != nil {
			return fmt.Errorf("record progress: %w", err)
		}
		return nil
	})
}
