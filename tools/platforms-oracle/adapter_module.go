package main

// containerd/platforms v1.0.0-rc.1 and later, built for Linux. From rc.1 the Windows version
// matcher is built on every OS (commit 7c58292, "Move windows matcher logic so all platforms can
// use"), so NewMatcher, Only and Ordered run the same code here as on a Windows node:
//
//	"only"    platforms.Only(host)                     = Default() up to v1.0.0-rc.1
//	"windows" &windowsMatchComparer{NewMatcher(host)}  = Default() from v1.0.0-rc.2 (defaults_windows.go)
//	"ordered" platforms.Ordered(host)                  = the transfer service's image filter
//	                                                     (core/transfer/image/imagestore.go)
//
// Default() itself is in defaults_windows.go and does not build on Linux; its comparer type is
// unexported, so its Less is reached by go:linkname and called on a value of the same layout, as
// upstream's own defaults_test.go wraps NewMatcher in windowsMatchComparer "on other platforms".
// One difference stays: Normalize maps an empty "os" to runtime.GOOS, linux here and windows on a
// node, so the test generates no entry with an empty os.

import (
	_ "unsafe" // go:linkname

	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// windowsMatchComparer has the layout of containerd/platforms' unexported windowsMatchComparer
// (struct{ Matcher }) so that its Less can be called on it.
type windowsMatchComparer struct {
	platforms.Matcher
}

//go:linkname windowsLess github.com/containerd/platforms.(*windowsMatchComparer).Less
func windowsLess(c *windowsMatchComparer, p1, p2 specs.Platform) bool

func comparers(host specs.Platform) map[string]comparer {
	only, ordered := platforms.Only(host), platforms.Ordered(host)
	win := &windowsMatchComparer{platforms.NewMatcher(host)}
	return map[string]comparer{
		"only":    {only.Match, only.Less},
		"windows": {win.Match, func(a, b specs.Platform) bool { return windowsLess(win, a, b) }},
		"ordered": {ordered.Match, ordered.Less},
	}
}
