package campaign

import (
	"testing"

	"tintot/store"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	return newMemStore()
}
