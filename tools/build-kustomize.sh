#!/usr/bin/env bash
# Build kustomize from its Go module (sigs.k8s.io/kustomize/kustomize/v5, served by the Go module
# proxy), for the tests that lint Kustomize overlays. Cached outside the repository by version,
# like helm; prints the binary's path on its last line. v5.8.0: the newest release this Go (1.26) builds.
set -euo pipefail
version=${WINKUBE_KUSTOMIZE_VERSION:-v5.8.0}
cache=${WINKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winkube}
out="$cache/kustomize/$version"
if [ -x "$out/kustomize" ]; then echo "$out/kustomize"; exit 0; fi
command -v go >/dev/null || { echo "build-kustomize: Go is not installed; it is needed to build kustomize" >&2; exit 1; }
mkdir -p "$out.tmp"
start=$(date +%s)
echo "building kustomize $version (cold build: a minute or two on 2 cores)" >&2
GOBIN="$out.tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kustomize/kustomize/v5@$version"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "built in $(( $(date +%s) - start )) s" >&2
echo "$out/kustomize"
