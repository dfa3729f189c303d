// Command platforms-oracle answers, with containerd's own code, how containerd on a Windows node
// matches and orders the entries of an image index. tools/build-platforms-oracle.sh builds it once
// per release listed under tools/platforms-oracle/<release>/ (a go.mod and go.sum pinning the
// release, and an "adapter" file naming the adapter_*.go that reaches that release's comparers);
// tests/compat/test_oracle_differential.py reads it.
//
// Input: one JSON object per line, {"host": <OCI platform>, "entries": [<OCI platform>, ...]}.
// Output: one JSON object per line with, for each comparer the adapter provides (see there), which
// entries match and the matching entries' indices in the order containerd tries them: a stable sort
// by the comparer's Less, as images.LimitManifests and images.Manifest sort them.
//
// The host platform is passed in rather than read with DefaultSpec(), which reads the build of the
// machine it runs on.
//
// A request {"strconv": ["283x", ...]} is answered with Go's strconv.Atoi and ParseUint (base 10,
// 8 and 16 bits) of each string, value and whether it parsed: containerd reads os.version with them
// and sometimes ignores the error, so winkube/gostrconv.py restates the values Go returns.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"

	specs "github.com/opencontainers/image-spec/specs-go/v1"
)

// comparer is one of containerd's platform MatchComparers, as functions.
type comparer struct {
	match func(specs.Platform) bool
	less  func(a, b specs.Platform) bool
}

type request struct {
	Host    specs.Platform   `json:"host"`
	Entries []specs.Platform `json:"entries"`
	Strconv []string         `json:"strconv,omitempty"`
}

type answer struct {
	Match []bool `json:"match"`
	Order []int  `json:"order"`
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

func run(entries []specs.Platform, c comparer) answer {
	a := answer{Match: make([]bool, len(entries)), Order: []int{}}
	for i, e := range entries {
		if c.match(e) {
			a.Match[i] = true
			a.Order = append(a.Order, i)
		}
	}
	sort.SliceStable(a.Order, func(i, j int) bool { return c.less(entries[a.Order[i]], entries[a.Order[j]]) })
	return a
}

func respond(line []byte) map[string]any {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return map[string]any{"error": err.Error()}
	}
	if req.Strconv != nil {
		out := make([]numbers, 0, len(req.Strconv))
		for _, s := range req.Strconv {
			a, ea := strconv.Atoi(s)
			u8, e8 := strconv.ParseUint(s, 10, 8)
			u16, e16 := strconv.ParseUint(s, 10, 16)
			out = append(out, numbers{number{int64(a), ea == nil}, number{int64(u8), e8 == nil}, number{int64(u16), e16 == nil}})
		}
		return map[string]any{"strconv": out}
	}
	resp := map[string]any{}
	for name, c := range comparers(req.Host) {
		resp[name] = run(req.Entries, c)
	}
	return resp
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		if err := enc.Encode(respond(in.Bytes())); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
