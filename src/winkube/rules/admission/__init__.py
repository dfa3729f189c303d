"""Admission stage: kube-apiserver's OS-dependent pod validation, replicated exactly.

One module per rule; each reports the API server's own field path, error type (Forbidden, Invalid,
Required, NotSupported) and detail text for the Kubernetes release asked for (1.30–1.37). The
version-dependent facts (which fields exist, which feature gates are on by default) live in
knowledge/api_validation.yaml; the shared validators live in _common.py. Source of truth:
kubernetes/kubernetes pkg/apis/core/validation/validation.go and pkg/api/pod/util.go.
"""
