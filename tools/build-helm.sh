#!/usr/bin/env bash
# Build the Helm CLI from its Go module (the Go module proxy serves it like any Go module), for the
# test that renders deploy/helm/winkube-webhook and dry-runs it against the real kube-apiserver.
# Cached outside the repository by version; prints the binary's path on its last line.
set -euo pipefail
version=${WINKUBE_HELM_VERSION:-v3.19.0}
cache=${WINKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winkube}
out="$cache/helm/$version"
if [ -x "$out/helm" ]; then echo "$out/helm"; exit 0; fi
# One build at a time per cache: several checkouts (or make targets) may ask at once.
mkdir -p "$cache"; exec 9>"$cache/.helm.lock"; flock 9
if [ -x "$out/helm" ]; then echo "$out/helm"; exit 0; fi
command -v go >/dev/null || { echo "build-helm: Go is not installed; it is needed to build helm" >&2; exit 1; }
rm -rf "$out.tmp"; mkdir -p "$out.tmp"
start=$(date +%s)
echo "building helm $version (cold build: a few minutes on 2 cores)" >&2
GOBIN="$out.tmp" CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "helm.sh/helm/v3/cmd/helm@$version"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "built in $(( $(date +%s) - start )) s" >&2
echo "$out/helm"
