package feeds

import (
	"testing"

	"tintot/store"
)

// newBenchStore returns the store benchmarks run against.
func newBenchStore(tb testing.TB) store.Store {
	return newMemStore()
}
