#!/usr/bin/env bash
# Build the Helm CLI from its Go module (the Go module proxy serves it like any Go module), for the
# test that renders deploy/helm/winkube-webhook and dry-runs it against the real kube-apiserver,
# and for `winkube lint CHART`'s tests. Cached outside the repository by version; prints the
# binary's path on its last line.
set -euo pipefail
exec "$(dirname "$0")/go-install-cached.sh" helm helm.sh/helm/v3/cmd/helm "${WINKUBE_HELM_VERSION:-v3.19.0}"
