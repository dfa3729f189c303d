//go:build windows

package main

// containerd/platforms v0.2.1 and v1.0.0-rc.0, built for Windows and run under Wine: their Windows
// matcher lives in *_windows.go files. Default() is Only(DefaultSpec()) (defaults_windows.go):
//
//	"only"    platforms.Only(host)     = Default()
//	"ordered" platforms.Ordered(host)

import (
	"github.com/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

func comparers(host specs.Platform) map[string]comparer {
	only, ordered := platforms.Only(host), platforms.Ordered(host)
	return map[string]comparer{"only": {only.Match, only.Less}, "ordered": {ordered.Match, ordered.Less}}
}
