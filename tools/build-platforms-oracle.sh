#!/usr/bin/env bash
# Build tools/platforms-oracle once per containerd/platforms release (each from the Go module
# proxy, pinned by tools/platforms-oracle/<version>/go.mod and go.sum) into the winkube cache.
# The differential test (tests/compat/test_oracle_differential.py) runs every one of them.
# Releases before v1.0.0-rc.1 keep their Windows matcher in *_windows.go files, which do not
# build on Linux; they are covered by upstream's own test tables instead (tests/compat/).
# Prints the directory holding <version>/platforms-oracle on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/platforms-oracle"
cache=${WINKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winkube}
hash=$(cat "$src/main.go" | sha256sum | cut -c1-12)
root="$cache/platforms-oracle/$hash"
command -v go >/dev/null || { echo "build-platforms-oracle: Go is not installed; it is needed to build the oracle" >&2; exit 1; }
for dir in "$src"/v*/; do
  version=$(basename "$dir")
  out="$root/$version"
  [ -x "$out/platforms-oracle" ] && continue
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp "$src/main.go" "$dir/go.mod" "$dir/go.sum" "$work/"
  echo "building platforms-oracle against containerd/platforms $version" >&2
  mkdir -p "$out.tmp"
  (cd "$work" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -o "$out.tmp/platforms-oracle" .)
  rm -rf "$out" && mv "$out.tmp" "$out"
  rm -rf "$work"
done
echo "$root"
