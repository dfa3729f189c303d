//go:build windows

package main

// containerd 1.6.x's own platforms package, built for Windows and run under Wine. Default() is
// matchComparer{defaults: Ordered(DefaultSpec(), linux/GOARCH), osVersionPrefix: "<major>.<minor>.<build>"}
// (platforms/defaults_windows.go), built from the machine's own build; the type is unexported, so
// its Match and Less are reached by go:linkname and called on a value of the same layout, built
// for the requested host:
//
//	"default"  matchComparer  = Default()

import (
	"runtime"
	_ "unsafe" // go:linkname

	"github.com/containerd/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// matchComparer has the layout of containerd 1.6's unexported platforms.matchComparer.
type matchComparer struct {
	defaults        platforms.Matcher
	osVersionPrefix string
}

//go:linkname matchComparerMatch github.com/containerd/containerd/platforms.matchComparer.Match
func matchComparerMatch(m matchComparer, p specs.Platform) bool

//go:linkname matchComparerLess github.com/containerd/containerd/platforms.matchComparer.Less
func matchComparerLess(m matchComparer, p1, p2 specs.Platform) bool

func comparers(host specs.Platform) map[string]comparer {
	m := matchComparer{
		defaults:        platforms.Ordered(host, specs.Platform{OS: "linux", Architecture: runtime.GOARCH}),
		osVersionPrefix: host.OSVersion,
	}
	return map[string]comparer{"default": {
		func(p specs.Platform) bool { return matchComparerMatch(m, p) },
		func(a, b specs.Platform) bool { return matchComparerLess(m, a, b) },
	}}
}
