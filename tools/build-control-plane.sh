#!/usr/bin/env bash
# Build the real kube-apiserver, kube-scheduler and etcd that the test suite runs, from their Go
# modules (tools/kube, tools/etcd). Binaries go to a cache outside the repository, keyed by the
# Kubernetes version and the hash of both go.sum files, so a warm machine rebuilds nothing.
# Prints the directory that holds the binaries on its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kube_version=$(sed -n -E 's/^(require)?[[:space:]]*k8s\.io\/kubernetes (v[0-9.]+)( .*)?$/\2/p' "$here/kube/go.mod" | head -1)
[ -n "$kube_version" ] || { echo "build-control-plane: cannot read the Kubernetes version from tools/kube/go.mod" >&2; exit 1; }
key=$(cat "$here/kube/go.sum" "$here/etcd/go.sum" "$here/etcd/main.go" | sha256sum | cut -c1-12)
cache=${WINKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/winkube}
out="$cache/control-plane/$kube_version-$key"
if [ -x "$out/kube-apiserver" ] && [ -x "$out/kube-scheduler" ] && [ -x "$out/etcd" ]; then
  echo "$out"; exit 0
fi
# One build at a time per cache: several checkouts (or make targets) may ask at once.
mkdir -p "$cache"; exec 9>"$cache/.control-plane.lock"; flock 9
if [ -x "$out/kube-apiserver" ] && [ -x "$out/kube-scheduler" ] && [ -x "$out/etcd" ]; then
  echo "$out"; exit 0
fi
command -v go >/dev/null || { echo "build-control-plane: Go is not installed; it is needed to build kube-apiserver" >&2; exit 1; }
rm -rf "$out.tmp"; mkdir -p "$out.tmp"
minor=${kube_version#v1.}; minor=${minor%%.*}
# The same version stamp the Kubernetes release build writes (hack/lib/version.sh), so /version
# and the emulated-version logic see a real release.
pkg=k8s.io/component-base/version
ldflags="-s -w -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
ldflags="$ldflags -X k8s.io/client-go/pkg/version.gitVersion=$kube_version -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
start=$(date +%s)
echo "building kube-apiserver and kube-scheduler $kube_version and etcd (cold build: several minutes on 2 cores)" >&2
(cd "$here/kube" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$out.tmp/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-scheduler)
(cd "$here/etcd" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out.tmp/etcd" .)
rm -rf "$out" && mv "$out.tmp" "$out"
echo "built in $(( $(date +%s) - start )) s: $(du -sh "$out" | cut -f1) in $out" >&2
echo "$out"
