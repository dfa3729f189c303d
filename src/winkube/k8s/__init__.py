"""Kubernetes semantics, each written once: what the API server, the scheduler, the kubelet and
the controllers do with a field, independent of winkube's rules, engine and front doors.

This package imports nothing else from winkube (checked by the import-linter contract in
pyproject.toml): label selectors and node selector terms (`selectors`), taints and tolerations
(`taints`), quantities (`quantity`), versions and Windows builds (`versions`), well-known labels
(`labels`), workload kinds and container lists (`workloads`), images of a pod (`images`), node
signatures and memo keys (`keys`), and the order of the stages a workload passes (`stages`).
"""
