package sqlite

import (
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestNewPostIDs checks that post IDs keep the shape API clients know (32 lowercase hex
// digits, like every other ID), never repeat, and begin with their creation time.
func TestNewPostIDs(t *testing.T) {
	before := time.Now().UnixMilli()
	seen := map[string]bool{}
	for range 10000 {
		id := newPostID()
		if len(id) != 32 {
			t.Fatalf("post ID %q has %d characters, want 32", id, len(id))
		}
		if _, err := hex.DecodeString(id); err != nil || strings.ToLower(id) != id {
			t.Fatalf("post ID %q is not hexadecimal: %v", id, err)
		}
		if seen[id] {
			t.Fatalf("post ID %q given twice", id)
		}
		seen[id] = true
	}
	last := newPostID()
	after := time.Now().UnixMilli()
	at, err := strconv.ParseInt(last[:12], 16, 64)
	if err != nil || at < before || at > after {
		t.Errorf("post ID time prefix = %d (%v), want a unix millisecond in [%d, %d]", at, err, before, after)
	}
}
