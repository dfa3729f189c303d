//go:build windows

package main

// containerd 1.7.0 .. 1.7.18's own platforms package, built for Windows and run under Wine.
// Default() is Only(DefaultSpec()) (platforms/defaults_windows.go):
//
//	"only"  platforms.Only(host)  = Default()

import (
	"github.com/containerd/containerd/platforms"
	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

func comparers(host specs.Platform) map[string]comparer {
	only := platforms.Only(host)
	return map[string]comparer{"only": {only.Match, only.Less}}
}
