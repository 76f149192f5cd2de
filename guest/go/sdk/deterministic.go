package temporal

import (
	"encoding/binary"
	"math/rand/v2"
	"time"
)

// Now is the workflow's time: the time of the workflow task being processed, the same on every
// replay. (time.Now reads the same clock through the worker's WASI subset.)
func Now() time.Time { return time.UnixMilli(hostNow()) }

// RandomBytes fills buf from the run's deterministic random stream, seeded by Temporal and the
// same on every replay. (crypto/rand and math/rand read the same stream through WASI.)
func RandomBytes(buf []byte) { hostRandom(buf) }

// NewRand returns a random number generator seeded from the run's deterministic random stream.
func NewRand() *rand.Rand {
	var seed [16]byte
	hostRandom(seed[:])
	return rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
}

// Patched is Temporal's versioning of workflow code: it reports whether this run takes the new
// code path for the change id. A run started before the change was deployed gets false on
// replay, so it keeps taking the old path; every other run gets true (recorded in history).
// One id gets one answer for the whole run.
//
//	if temporal.Patched("ship-with-insurance") { ... new code ... } else { ... old code ... }
func Patched(id string) bool { return hostPatched(id, false) }

// DeprecatePatch marks the change id as deployed everywhere: once no run started before it is
// open, the old path can be deleted and this call kept until no run that called Patched is left.
func DeprecatePatch(id string) { hostPatched(id, true) }

// IsReplaying reports whether the worker is replaying history (for side effects of the
// workflow's own; logs and metrics are already suppressed during replay).
func IsReplaying() bool { return hostIsReplaying() }
