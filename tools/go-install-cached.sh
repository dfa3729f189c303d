#!/usr/bin/env bash
# go-install-cached.sh NAME MODULE/cmd/path VERSION: `go install` one Go command into the winkube
# cache ($WINKUBE_CACHE or ~/.cache/winkube/NAME/VERSION), once; prints the binary's path on its
# last line. The Go module proxy serves the module like any other; nothing is downloaded besides.
set -euo pipefail
name=$1 package=$2 version=$3
cache=${WINKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winkube}
out="$cache/$name/$version"
if [ -x "$out/$name" ]; then echo "$out/$name"; exit 0; fi
# One build at a time per cache: several checkouts (or make targets) may ask at once.
mkdir -p "$cache"; exec 9>"$cache/.$name.lock"; flock 9
if [ -x "$out/$name" ]; then echo "$out/$name"; exit 0; fi
command -v go >/dev/null || { echo "build-$name: Go is not installed; it is needed to build $name" >&2; exit 1; }
rm -rf "$out.tmp"; mkdir -p "$out.tmp"
start=$(date +%s)
echo "building $name $version (cold build: a few minutes on 2 cores)" >&2
GOBIN="$out.tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "$package@$version"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "built in $(( $(date +%s) - start )) s" >&2
echo "$out/$name"
