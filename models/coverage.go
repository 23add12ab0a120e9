package models

import "time"

// Channel coverage levels (seed 002 §I): the share of commune-level units, schools and
// offices with a working information channel on the internet.
const (
	CoverageBaseline = 0.80 // by 2025
	CoverageTarget   = 1.00 // by 2030
	// CoverageWindow is how recent a successful feed read or a manual post must be for a
	// unit's channel to count as working.
	CoverageWindow = 7 * 24 * time.Hour
)

// CoverageKinds are the unit kinds the coverage obligation binds: commune-level units
// (xã, phường) and grassroots units (schools, offices, enterprises).
var CoverageKinds = []UnitKind{UnitCommune, UnitGrassroots}

// ChannelCoverage is, for a parent's subtree at one instant, how many of the units the
// obligation binds have a working channel: a feed read successfully or a manual post
// submitted (and not rejected) within CoverageWindow before AsOf.
type ChannelCoverage struct {
	AsOf     time.Time      `json:"as_of"`
	Since    time.Time      `json:"since"`
	Units    int            `json:"units"`   // active commune-level and grassroots units
	Working  int            `json:"working"` // of them, with a working channel
	Share    float64        `json:"share"`   // Working / Units (0 when Units is 0)
	Baseline float64        `json:"baseline"`
	Target   float64        `json:"target"`
	ByKind   []KindCoverage `json:"by_kind"`
	// Without lists the units without a working channel (code and name), by code: the
	// first CoverageWithoutMax of them (every review page carries it); Units - Working
	// is how many there are.
	Without []UnitRef `json:"without"`
}

// CoverageWithoutMax is the most units ChannelCoverage.Without lists.
const CoverageWithoutMax = 100

// WithoutCount is how many units have no working channel.
func (c ChannelCoverage) WithoutCount() int { return c.Units - c.Working }

// WithoutMore is how many units without a working channel Without leaves out.
func (c ChannelCoverage) WithoutMore() int { return c.Units - c.Working - len(c.Without) }

// KindCoverage is the coverage of one unit kind.
type KindCoverage struct {
	Kind    UnitKind `json:"kind"`
	Units   int      `json:"units"`
	Working int      `json:"working"`
	Share   float64  `json:"share"`
}

// UnitRef names a unit.
type UnitRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// MeetsBaseline reports whether the share reaches the 2025 level.
func (c ChannelCoverage) MeetsBaseline() bool { return c.Units > 0 && c.Share+1e-9 >= c.Baseline }

// MeetsTarget reports whether the share reaches the 2030 level.
func (c ChannelCoverage) MeetsTarget() bool { return c.Units > 0 && c.Working == c.Units }
