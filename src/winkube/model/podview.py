"""The pod spec inside any workload kind, with the API server's path prefix for it."""
from __future__ import annotations

from collections.abc import Iterator

from ..k8s.workloads import CONTAINER_LISTS, POD_SPEC_PATHS, WORKLOAD_KINDS, as_dict, as_list
from ..record import Record
from .paths import Path

__all__ = ["CONTAINER_LISTS", "POD_SPEC_PATHS", "WORKLOAD_KINDS", "ContainerRef", "PodView", "as_dict", "as_list", "pod_view"]


class ContainerRef(Record):
    __slots__ = ("list_name", "index", "container", "path", "security_context")

    def __init__(self, list_name: str, index: int, container: dict, path: Path, security_context: dict | None = None):
        self.list_name = list_name  # initContainers / containers / ephemeralContainers
        self.index, self.container = index, container
        self.path = path  # prefix + (list_name, index)
        # the container's securityContext ({} when absent or not a mapping): read once, most rules ask for it
        if security_context is None:
            security_context = container.get("securityContext")
            if security_context.__class__ is not dict:
                security_context = as_dict(security_context)
        self.security_context = security_context

    @property
    def name(self) -> str:
        n = self.container.get("name")
        return n if isinstance(n, str) else f"{self.list_name}[{self.index}]"


class PodView(Record):
    __slots__ = ("kind", "obj", "spec", "prefix", "pod_meta", "_containers", "security_context")

    def __init__(self, kind: str, obj: dict, spec: dict, prefix: Path, pod_meta: dict, _containers: list | None = None,
                 security_context: dict | None = None):
        self.kind, self.obj, self.spec, self.prefix = kind, obj, spec, prefix
        self.pod_meta = pod_meta  # the pod's own metadata: the template's for workloads, the object's for Pods
        self._containers = _containers
        # the pod's securityContext ({} when absent or not a mapping): read once, most rules ask for it
        self.security_context = as_dict(spec.get("securityContext")) if security_context is None else security_context

    @property
    def is_template(self) -> bool:
        return self.kind != "Pod"

    def path(self, *segments) -> Path:
        return self.prefix + segments

    def containers(self, lists: tuple[str, ...] = CONTAINER_LISTS) -> Iterator[ContainerRef]:
        """Containers in the API server's visiting order (init, regular, ephemeral); entries that
        are not mappings are skipped (the loader reports them). Built once per pod spec: every rule
        walks them."""
        every = self._containers
        if every is None:
            every = self._containers = [
                ContainerRef(list_name, i, c, self.prefix + (list_name, i))
                for list_name in CONTAINER_LISTS
                for i, c in enumerate(as_list(self.spec.get(list_name))) if isinstance(c, dict)]
        if lists is CONTAINER_LISTS:
            return iter(every)
        in_order = _IN_ORDER.get(lists)
        if in_order is None:
            in_order = _IN_ORDER[lists] = len(lists) == 1 or list(lists) == [n for n in CONTAINER_LISTS if n in lists]
        return iter([c for c in every if c.list_name in lists]) if in_order else _ordered(every, lists)

    @property
    def os_name(self):
        """spec.os.name as written (None when spec.os or its name is absent)."""
        os_ = self.spec.get("os")
        return os_.get("name") if isinstance(os_, dict) else None

    @property
    def annotations(self) -> dict:
        return as_dict(self.pod_meta.get("annotations"))

    @property
    def labels(self) -> dict:
        return as_dict(self.pod_meta.get("labels"))


_IN_ORDER: dict[tuple, bool] = {}  # lists -> are they in the API server's order (the rules' few tuples)


def _ordered(every: list, lists: tuple[str, ...]) -> Iterator[ContainerRef]:
    for name in lists:  # a caller's own order of lists
        for c in every:
            if c.list_name == name:
                yield c


def pod_view(obj: dict) -> PodView | None:
    """The PodView of a workload object, or None for other kinds."""
    kind = obj.get("kind")
    paths = _PATHS.get(kind) if isinstance(kind, str) else None
    if paths is None:
        return None
    prefix, meta_path = paths
    cur = obj
    for seg in prefix:
        cur = cur.get(seg)
        if not isinstance(cur, dict):
            cur = {}
    meta = obj
    for seg in meta_path:
        meta = meta.get(seg)
        if not isinstance(meta, dict):
            meta = {}
    return PodView(kind, obj, cur, prefix, meta)


# kind -> (path of its pod spec, path of the pod's metadata: the template's for workloads)
_PATHS = {kind: (prefix, prefix[:-1] + ("metadata",) if kind != "Pod" else ("metadata",)) for kind, prefix in POD_SPEC_PATHS.items()}
