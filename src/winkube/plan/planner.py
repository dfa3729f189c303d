"""Where each workload can land: targeting.resolve per workload, rendered pool by pool.

Every answer comes from winkube.targeting.resolve (DESIGN.md: targeting is computed once); this
module only merges the answers of a pool's load sub-pools (plan/usage.py) and orders them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..engine import shape_errors
from ..errors import InvalidInput
from ..model.finding import ObjectRef
from ..model.podview import as_dict, pod_view
from ..model.profile import NodePool, Profile
from ..targeting import ImageUse, PoolFit, Targeting, resolve
from .usage import split_by_load

# The scheduler's filter plugins in the order targeting applies them.
FILTERS = ("NodeName", "NodeUnschedulable", "NodeAffinity", "TaintToleration", "NodeResourcesFit")


@dataclass(slots=True)
class PoolVerdict:
    pool: NodePool  # the pool as the profile has it (allocatable, not free capacity)
    failures: list[tuple[str, str]]  # scheduler filters that reject it: (plugin, why); empty: schedulable
    kubelet: list[tuple[str, str]]  # kubelet admission: (reason, message)
    runtime: list[tuple[ImageUse, str]]  # images that cannot run there
    nodes: list[str] = field(default_factory=list)  # nodes that pass every filter (when names are known)

    @property
    def schedulable(self) -> bool:
        return not self.failures

    @property
    def lands(self) -> bool:
        """Scheduled there, admitted by the kubelet, and every image can run."""
        return not self.failures and not self.kubelet and not self.runtime

    @property
    def stage(self) -> str:
        """Where it stops: scheduling / kubelet / runtime, or `lands`."""
        if self.failures:
            return "scheduling"
        if self.kubelet:
            return "kubelet"
        if self.runtime:
            return "runtime"
        return "lands"

    @property
    def first(self) -> tuple[str, str] | None:
        """(step, why) of the first thing that stops it here, None when it lands."""
        if self.failures:
            return self.failures[0]
        if self.kubelet:
            return self.kubelet[0]
        if self.runtime:
            use, why = self.runtime[0]
            return ("ImageOS" if use.os and use.os != self.pool.os else "ImageBuild", why)
        return None


@dataclass(slots=True)
class WorkloadPlan:
    ref: ObjectRef
    kind: str
    targeting: Targeting | None
    pools: list[PoolVerdict]
    admission: list[str] = field(default_factory=list)  # why the API server rejects its pods
    file: str | None = None
    line: int | None = None

    @property
    def landing(self) -> list[NodePool]:
        """Pools that pass every scheduler filter."""
        return [v.pool for v in self.pools if v.schedulable] if not self.admission else []

    @property
    def starts_on(self) -> list[NodePool]:
        """Pools where it is scheduled, admitted and its images run."""
        return [v.pool for v in self.pools if v.lands] if not self.admission else []

    @property
    def lands(self) -> bool:
        return bool(self.starts_on)

    def verdict(self, pool_name: str) -> PoolVerdict:
        return next(v for v in self.pools if v.pool.name == pool_name)


def _rank(fit: PoolFit) -> int:
    """How far a sub-pool got through the filters (the most telling answer for a pool)."""
    if not fit.failures:
        return len(FILTERS)
    plugin = fit.failures[0][0]
    return FILTERS.index(plugin) if plugin in FILTERS else 0


class WorkloadError(InvalidInput):
    """A workload whose pod spec cannot be decoded; path is the API server's field path, if known."""

    def __init__(self, message: str, path: tuple = ()):
        super().__init__(message)
        self.path = path


class Planner:
    """plan(obj) for many workloads against one profile and one known load."""

    def __init__(self, profile: Profile, usage: dict[str, dict[str, int]] | None = None, images: dict | None = None):
        self.profile = profile
        self.usage = usage or {}
        self.images = images or {}
        self.judged, self.owner = split_by_load(profile, self.usage)

    def plan(self, obj: dict, file: str | None = None, line: int | None = None) -> WorkloadPlan:
        """Raises WorkloadError (with the field path) when the object cannot be decoded as a workload."""
        view = pod_view(obj)
        if view is None:
            raise WorkloadError(f"{obj.get('kind')!r} is not a workload kind")
        problems = shape_errors(view)
        if problems:
            raise WorkloadError(problems[0][1], tuple(problems[0][0]))
        meta = as_dict(obj.get("metadata"))
        ref = ObjectRef(obj.get("apiVersion") if isinstance(obj.get("apiVersion"), str) else None, view.kind,
                        meta.get("namespace") if isinstance(meta.get("namespace"), str) else None,
                        meta.get("name") if isinstance(meta.get("name"), str) else None)
        try:
            t = resolve(view, self.judged, self.images)
        except (TypeError, AttributeError, ValueError) as e:  # a shape targeting cannot read
            raise WorkloadError(f"cannot read the pod spec: {e}", tuple(view.prefix)) from None
        admission = list(t.conflicts)
        if t.runtime_class_missing:
            admission.append(f"RuntimeClass {t.runtime_class_name!r} does not exist in {self.profile.source}; "
                             f"the API server rejects the pod (RuntimeClass admission: not found)")
        merged: dict[str, list[PoolFit]] = {}
        for fit in t.fits:
            merged.setdefault(self.owner[fit.pool.name].name, []).append(fit)
        verdicts = []
        for pool in self.profile.pools:
            fits = merged.get(pool.name, [])
            if not fits:
                continue
            best = max(fits, key=_rank)
            nodes = [n for f in fits if f.schedulable for n in f.pool.node_names]
            verdicts.append(PoolVerdict(pool, list(best.failures), list(best.kubelet), list(best.runtime), nodes))
        return WorkloadPlan(ref, view.kind, t, verdicts, admission, file, line)
