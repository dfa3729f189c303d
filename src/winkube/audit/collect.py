"""Where audit's objects come from: a live cluster (streamed, page by page) or a kubectl dump.

Both answer `read(kind)` with an iterable of objects of that kind; a resource that cannot be read
(403, or missing from the dump) is recorded in `partial` and audit goes on with the rest.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Iterator

from ..cluster import Cluster, ClusterError
from ..k8s.workloads import CLUSTER_WORKLOAD_KINDS
from ..k8s.workloads import RESOURCES as API_RESOURCES
from ..k8s.workloads import Resource


# What audit reads, in the order it reads it: owners before pods (pods are streamed and dropped).
RESOURCES: tuple[Resource, ...] = tuple(
    API_RESOURCES[k] for k in ("Node", "RuntimeClass", *(w for w in CLUSTER_WORKLOAD_KINDS if w != "Pod"), "Pod", "Event"))
BY_KIND = {r.kind: r for r in RESOURCES}


@dataclass
class Missing:
    """A resource audit could not read; for a 403 `permission` is what RBAC must grant."""

    kind: str
    reason: str
    permission: str | None = None

    def __str__(self) -> str:
        return f"{self.kind}: {self.permission or self.reason}"


class Progress:
    """`reading pods… 12,500` on stderr, rewritten in place — only when stderr is a terminal."""

    def __init__(self, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = (hasattr(self.stream, "isatty") and self.stream.isatty()) if enabled is None else enabled
        self._last = 0

    def tick(self, what: str, n: int) -> None:
        if self.enabled and (n - self._last >= 500 or n < self._last):
            self._last = n
            self.stream.write(f"\r\x1b[Kreading {what}… {n:,}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


@dataclass
class LiveSource:
    cluster: Cluster
    namespace: str | None = None  # None: all namespaces
    progress: Progress = field(default_factory=lambda: Progress(False))
    chunk_size: int = 500
    partial: list[Missing] = field(default_factory=list)
    description: str = ""
    server_version: dict | None = None

    def __post_init__(self):
        self.description = f"{self.cluster.server} (context {self.cluster.context})"

    def read(self, kind: str) -> Iterator[dict]:
        res = BY_KIND[kind]
        path = res.path(self.namespace)
        n = 0
        try:
            for item in self.cluster.list(path, limit=self.chunk_size):
                item.setdefault("kind", kind)  # list items carry no kind
                item.setdefault("apiVersion", f"{res.group}/{res.version}" if res.group else res.version)
                n += 1
                self.progress.tick(res.plural, n)
                yield item
        except ClusterError as e:
            if e.status == 404 and kind in ("RuntimeClass", "CronJob"):
                self.partial.append(Missing(kind, f"the API server does not serve {path} ({e.message})"))
                return
            self.partial.append(Missing(kind, e.message, e.permission))

    def objects(self) -> Iterator[dict]:
        for res in RESOURCES:
            yield from self.read(res.kind)

    def kubelet_configs(self, pools, notes: list[str]) -> list:
        """The live kubelet configuration (audit/kubelet.py): configz per Windows pool, kubeadm's ConfigMap."""
        from .kubelet import read_live
        return read_live(self.cluster, pools, notes)


@dataclass
class DumpSource:
    """kubectl dumps, streamed (winkube.cluster.iter_dump): objects of any kind, in any order."""

    paths: list[str]
    description: str = ""
    namespace: str | None = None
    progress: Progress = field(default_factory=lambda: Progress(False))
    errors: list[str] = field(default_factory=list)
    partial: list[Missing] = field(default_factory=list)
    server_version: dict | None = None

    def __post_init__(self):
        self.description = self.description or "dump " + ", ".join(self.paths)

    def objects(self) -> Iterator[dict]:
        from ..cluster import iter_dump
        n = 0
        for obj in iter_dump(self.paths, self.errors):
            n += 1
            self.progress.tick("objects", n)
            res = BY_KIND.get(obj.get("kind"))
            if self.namespace and res is not None and res.namespaced and \
                    (obj.get("metadata") or {}).get("namespace") != self.namespace:
                continue
            yield obj
