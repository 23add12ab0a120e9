package models

import "testing"

func TestItemHashes(t *testing.T) {
	h := NewItemHashes([]ItemHash{{Key: 30, Content: 3}, {Key: 10, Content: 1}, {Key: 20, Content: 9}, {Key: 20, Content: 2}})
	if h.Len() != 3 || !h.Valid() || len(h) != 48 {
		t.Fatalf("NewItemHashes: %d items, valid %v, %d bytes", h.Len(), h.Valid(), len(h))
	}
	for key, want := range map[uint64]uint64{10: 1, 20: 2, 30: 3} {
		if got, ok := h.Content(key); !ok || got != want {
			t.Errorf("Content(%d) = %d, %v; want %d", key, got, ok, want)
		}
	}
	for _, key := range []uint64{0, 15, 31} {
		if _, ok := h.Content(key); ok {
			t.Errorf("Content(%d) found an absent key", key)
		}
	}
	if NewItemHashes(nil) != nil || ItemHashes(nil).Len() != 0 || !ItemHashes(nil).Valid() {
		t.Error("empty set")
	}
	if ItemHashes(h[:20]).Valid() || ItemHashes(append(append(ItemHashes{}, h[16:32]...), h[:16]...)).Valid() {
		t.Error("a cut or unsorted set is valid")
	}
}
