#!/usr/bin/env bash
# Build tools/platforms-oracle once per containerd release it knows (tools/platforms-oracle/<name>/:
# go.mod and go.sum pin the release from the Go module proxy; "adapter" names the adapter_*.go that
# reaches its comparers) into the winkube cache. The differential test runs every one of them.
# containerd/platforms v1.0.0-rc.1+ builds its Windows matcher on Linux; older releases (and
# containerd 1.6/1.7's own platforms package) keep it in *_windows.go, so those are built for
# Windows with Go 1.20 (later Go runtimes need bcryptprimitives.dll, which Debian's Wine 8 lacks;
# the toolchain comes from the Go module proxy) and run under Wine (`make wine`).
# Prints the directory holding <name>/platforms-oracle[.exe] on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src="$here/platforms-oracle"
cache=${WINKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winkube}
hash=$(cat "$src"/*.go | sha256sum | cut -c1-12)
root="$cache/platforms-oracle/$hash"
windows_go=go1.20.14
command -v go >/dev/null || { echo "build-platforms-oracle: Go is not installed; it is needed to build the oracle" >&2; exit 1; }
# One build at a time per cache, as the other tool builds: several checkouts may ask at once.
mkdir -p "$cache"; exec 9>"$cache/.platforms-oracle.lock"; flock 9
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for dir in "$src"/*/; do
  name=$(basename "$dir")
  [ -f "$dir/go.mod" ] || continue
  adapter=$(cat "$dir/adapter")
  out="$root/$name"
  case "$adapter" in
    windows_*) goos=windows toolchain=$windows_go exe=platforms-oracle.exe ;;
    *) goos=linux toolchain=local exe=platforms-oracle ;;
  esac
  [ -f "$out/$exe" ] && continue
  rm -rf "$work"/* && cp "$src/main.go" "$src/adapter_$adapter.go" "$dir/go.mod" "$dir/go.sum" "$work/"
  echo "building platforms-oracle for $name ($goos)" >&2
  mkdir -p "$root"
  tmp=$(mktemp -d "$root/.$name.XXXXXX")
  (cd "$work" && GOTOOLCHAIN=$toolchain GOOS=$goos GOARCH=amd64 CGO_ENABLED=0 GOFLAGS=-mod=readonly \
     go build -trimpath -o "$tmp/$exe" .)
  rm -rf "$out" && mv -T "$tmp" "$out"
done
# drop builds of driver sources nobody has used for a week
find "$cache/platforms-oracle" -mindepth 1 -maxdepth 1 ! -name "$hash" -mtime +7 -exec rm -rf {} +
touch "$root"
echo "$root"
