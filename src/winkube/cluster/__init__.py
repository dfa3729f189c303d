"""Live cluster access for audit, plan and the webhook: kubeconfig / in-cluster config, raw JSON
get, paginated list and watch — written by hand on httpx.

Why not a client library:

- the official ``kubernetes`` client is 167 MB installed, imports in 238 ms (730 ms once an API
  class and a model are used) and turns every object into a model instance — far too slow to
  deserialize the 150,000 pods of a cluster at Kubernetes' scalability envelope, and winkube's
  engine reads plain dicts anyway;
- lightkube (15 MB) fails kubeconfigs whose exec credential plugin uses
  ``client.authentication.k8s.io/v1`` (it knows only v1alpha1/v1beta1), which is what current
  cloud plugins (kubelogin, gke-gcloud-auth-plugin, aws eks get-token) write;
- winkube needs only GET, paginated LIST and WATCH of raw JSON, which is ~1,100 lines on httpx
  (already a dependency for the registry client), deadlines and caps included. Measurements:
  ../shared/reference/dependencies.md.

API (stable; plan and the webhook code against it)::

    cluster = Cluster.connect(kubeconfig=None, context=None, timeout=30.0)   # in-cluster if no kubeconfig
    cluster.version()                          # /version
    for pod in cluster.list("/api/v1/pods"):   # every item, limit/continue paging
    items, rv = cluster.list_with_version("/api/v1/nodes")
    for ev in cluster.watch("/api/v1/nodes", rv, timeout_seconds=300): ev["type"], ev["object"]
    cluster.get("/api/v1/nodes/name")
    load_dump(["nodes.yaml", "all.json"])      # offline: objects by kind

Every failure is a ClusterError whose message says what failed; a 403 also carries
``.permission`` (verb, resource, API group, namespace). Every request ends within ``timeout``
(connecting, retries, Retry-After waits and the whole body), a watch within timeout_seconds +
``timeout``; bodies, watch lines and page counts are capped (``max_response_bytes``,
``max_watch_line``, ``max_pages``).
"""
from __future__ import annotations

from .client import Cluster, ClusterError, ResourceRef, parse_path
from .dump import iter_dump, load_dump

__all__ = ["Cluster", "ClusterError", "ResourceRef", "iter_dump", "load_dump", "parse_path"]
