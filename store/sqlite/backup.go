package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// Backup writes a consistent, compacted copy of the database to dst while the store keeps
// serving (see the package function Backup).
func (s *Store) Backup(ctx context.Context, dst string) error {
	if s.path == "" {
		return errors.New("sqlite: an in-memory database cannot be backed up")
	}
	return Backup(ctx, s.path, dst)
}

// Backup copies the database file src to dst, consistent and compacted, while tintot may
// keep running on src: VACUUM INTO reads under one read transaction on a connection of
// its own, so polls and pages go on writing meanwhile. It neither creates nor migrates
// src. The copy is then opened and checked with PRAGMA integrity_check. dst must not exist
// yet; a failed backup leaves no file behind.
func Backup(ctx context.Context, src, dst string) error {
	if st, err := os.Stat(src); err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("sqlite: no database file at %s", src)
	}
	if dst == "" {
		return errors.New("sqlite: backup needs a file name")
	}
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("sqlite: backup file %s already exists: choose a new name", dst)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("sqlite: backup file %s: %w", dst, err)
	}
	if st, err := os.Stat(filepath.Dir(dst)); err != nil || !st.IsDir() {
		return fmt.Errorf("sqlite: backup folder %s does not exist", filepath.Dir(dst))
	}
	// The read pool is query_only, which VACUUM INTO refuses; this connection only reads
	// the database (it writes dst).
	q := url.Values{"_pragma": {"busy_timeout(10000)"}, "mode": {"rw"}}
	db, err := sql.Open("sqlite", "file:"+uriEscaper.Replace(src)+"?"+q.Encode())
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		os.Remove(dst)
		return fmt.Errorf("sqlite: backup to %s: %w", dst, err)
	}
	if err := checkIntegrity(ctx, dst); err != nil {
		os.Remove(dst)
		return err
	}
	return nil
}

// checkIntegrity opens the database file at path read-only and runs integrity_check.
func checkIntegrity(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+uriEscaper.Replace(path)+"?mode=ro")
	if err != nil {
		return fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return fmt.Errorf("sqlite: check %s: %w", path, err)
	}
	if result != "ok" {
		return fmt.Errorf("sqlite: the copy %s is damaged: %s", path, result)
	}
	return nil
}
