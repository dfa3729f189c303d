// Command platforms-oracle answers, with containerd/platforms' own code, how containerd on a
// Windows node matches and orders the entries of an image index. It is built once per
// containerd/platforms release by tools/build-platforms-oracle.sh (the release is chosen by the
// go.mod that script writes) and read by tests/compat/test_oracle_differential.py.
//
// Input: one JSON object per line, {"host": <OCI platform>, "entries": [<OCI platform>, ...]}.
// Output: one JSON object per line with, for each comparer containerd uses on Windows, which
// entries match and the matching entries' indices in the order containerd tries them (a stable
// sort by the comparer's Less, as images.LimitManifests and images.Manifest sort them):
//
//	"only"    platforms.Only(host)                      = Default() up to platforms v1.0.0-rc.1
//	"windows" &windowsMatchComparer{NewMatcher(host)}   = Default() from v1.0.0-rc.2 (defaults_windows.go)
//	"ordered" platforms.Ordered(host)                   = the transfer service's image filter
//	                                                      (core/transfer/image/imagestore.go)
//
// A request {"strconv": ["283x", ...]} is answered with Go's strconv.Atoi and ParseUint (base 10,
// 8 and 16 bits) of each string, value and whether it parsed: containerd reads os.version with them
// and sometimes ignores the error, so winkube/gostrconv.py restates the values Go returns.
//
// The host platform is passed in rather than read with DefaultSpec(), which only exists on
// Windows. From v1.0.0-rc.1 the Windows version matcher is built on every OS (containerd/platforms
// commit 7c58292, "Move windows matcher logic so all platforms can use"), so NewMatcher, Only and
// Ordered run the same code here as on a Windows node. Default() itself is in defaults_windows.go
// and does not build on Linux; its comparer type is unexported, so its Less is reached by
// go:linkname and called on a value of the same layout, as upstream's own defaults_test.go wraps
// NewMatcher in windowsMatchComparer "on other platforms". One difference stays: Normalize maps an
// empty "os" to runtime.GOOS, which is linux here and windows on a node, so the test generates no
// entry with an empty os.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
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

type request struct {
	Host    specs.Platform   `json:"host"`
	Entries []specs.Platform `json:"entries"`
	Strconv []string         `json:"strconv,omitempty"`
}

// number is one strconv result: the value Go returns and whether err was nil.
type number struct {
	Value int64 `json:"value"`
	OK    bool  `json:"ok"`
}

type numbers struct {
	Atoi   number `json:"atoi"`
	Uint8  number `json:"uint8"`
	Uint16 number `json:"uint16"`
}

type answer struct {
	Match []bool `json:"match"`
	Order []int  `json:"order"`
}

type response struct {
	Only    answer    `json:"only"`
	Windows answer    `json:"windows"`
	Ordered answer    `json:"ordered"`
	Strconv []numbers `json:"strconv,omitempty"`
	Error   string    `json:"error,omitempty"`
}

func run(entries []specs.Platform, match func(specs.Platform) bool, less func(a, b specs.Platform) bool) answer {
	a := answer{Match: make([]bool, len(entries)), Order: []int{}}
	for i, e := range entries {
		if match(e) {
			a.Match[i] = true
			a.Order = append(a.Order, i)
		}
	}
	sort.SliceStable(a.Order, func(i, j int) bool { return less(entries[a.Order[i]], entries[a.Order[j]]) })
	return a
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		var resp response
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			resp.Error = err.Error()
		} else if req.Strconv != nil {
			for _, s := range req.Strconv {
				a, ea := strconv.Atoi(s)
				u8, e8 := strconv.ParseUint(s, 10, 8)
				u16, e16 := strconv.ParseUint(s, 10, 16)
				resp.Strconv = append(resp.Strconv, numbers{number{int64(a), ea == nil}, number{int64(u8), e8 == nil}, number{int64(u16), e16 == nil}})
			}
		} else {
			only := platforms.Only(req.Host)
			resp.Only = run(req.Entries, only.Match, only.Less)
			win := &windowsMatchComparer{platforms.NewMatcher(req.Host)}
			resp.Windows = run(req.Entries, win.Match, func(a, b specs.Platform) bool { return windowsLess(win, a, b) })
			ordered := platforms.Ordered(req.Host)
			resp.Ordered = run(req.Entries, ordered.Match, ordered.Less)
		}
		if err := enc.Encode(&resp); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
