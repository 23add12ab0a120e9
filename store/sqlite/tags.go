package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tintot/classify"
	"tintot/models"
)

// insertTagSQL records one hashtag term of a post (classify.PostTags).
const insertTagSQL = `INSERT INTO post_tags(post_id, tag, unit_code, local_day) VALUES (?, ?, ?, ?)
	ON CONFLICT(post_id, tag) DO NOTHING`

// dropTagsSQL removes the terms a post no longer carries (a re-poll changed its text);
// the parameter is the JSON list of the terms it still carries.
const dropTagsSQL = `DELETE FROM post_tags WHERE post_id = ? AND tag NOT IN (SELECT value FROM json_each(?))`

// writeTags records the hashtag terms of a post written in tx (insert: fresh is true,
// nothing to remove).
func (s *Store) writeTags(ctx context.Context, tx *sql.Tx, ins *sql.Stmt, p models.Post, fresh bool) error {
	tags := classify.PostTags(p)
	if !fresh {
		if _, err := tx.StmtContext(ctx, s.dropTags).ExecContext(ctx, p.ID, jsonText(tags)); err != nil {
			return fmt.Errorf("sqlite: unable to update the hashtags of post %s: %w", p.ID, err)
		}
	}
	for _, tag := range tags {
		if _, err := ins.ExecContext(ctx, p.ID, tag, p.UnitCode, p.LocalDay); err != nil {
			return fmt.Errorf("sqlite: unable to record hashtag %q of post %s: %w", tag, p.ID, err)
		}
	}
	return nil
}

// backfillBatch is how many posts backfillPostTags reads per transaction (a variable
// for tests).
var backfillBatch = 2000

// backfillPostTags records the hashtag terms of the posts stored before post_tags
// existed (see the migration), a batch of posts per transaction, remembering how far it
// got: an interrupted open resumes where it stopped. Posts written since are indexed as
// they are written.
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
		rows, err := tx.QueryContext(ctx, `SELECT rowid, id, unit_code, local_day, title, summary, categories FROM posts
			WHERE rowid > ? AND rowid <= ? ORDER BY rowid LIMIT ?`, next, last, backfillBatch)
		if err != nil {
			return fmt.Errorf("read posts: %w", err)
		}
		var batch []models.Post
		reached := last
		for rows.Next() {
			var p models.Post
			var cats string
			if err := rows.Scan(&reached, &p.ID, &p.UnitCode, &p.LocalDay, &p.Title, &p.Summary, &cats); err != nil {
				rows.Close()
				return fmt.Errorf("read post: %w", err)
			}
			if p.Categories, err = fromJSON[string](cats); err != nil {
				rows.Close()
				return fmt.Errorf("categories of post %s: %w", p.ID, err)
			}
			batch = append(batch, p)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read posts: %w", err)
		}
		rows.Close()
		if len(batch) < backfillBatch {
			reached = last
		}
		ins := tx.StmtContext(ctx, s.insertTag)
		for _, p := range batch {
			if err := s.writeTags(ctx, tx, ins, p, true); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE post_tags_backfill SET next_rowid = ?`, reached); err != nil {
			return fmt.Errorf("record progress: %w", err)
		}
		return nil
	})
}
