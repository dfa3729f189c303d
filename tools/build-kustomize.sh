#!/usr/bin/env bash
# Build kustomize from its Go module (sigs.k8s.io/kustomize/kustomize/v5), for the tests that lint
# Kustomize overlays. Cached outside the repository by version, like helm; prints the binary's
# path on its last line. v5.8.0: the newest release that this machine's Go (1.26) builds.
set -euo pipefail
exec "$(dirname "$0")/go-install-cached.sh" kustomize sigs.k8s.io/kustomize/kustomize/v5 "${WINKUBE_KUSTOMIZE_VERSION:-v5.8.0}"
