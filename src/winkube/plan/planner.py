"""Where each workload can land: the engine's answer per workload, rendered pool by pool.

Every answer is Engine.evaluate's (winkube/answer.py) — the same findings lint reports, the
targeting its rules read, and "the API server rejects it, so it lands nowhere"; this module only
merges the answers of a pool's load sub-pools (plan/usage.py) and orders them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..answer import Answer
from ..engine import Engine, Options
from ..errors import InvalidInput
from ..model.finding import Finding, ObjectRef
from ..model.podview import WORKLOAD_KINDS
from ..model.profile import NodePool, Profile
from ..targeting import ImageUse, PoolFit, Targeting
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
    # the only scheduler objection is the pod's requirement on these labels, which the profile cannot
    # see (Targeting.unseen_labels, PoolFit.unseen_only): scheduled there if the real nodes carry them
    unseen: tuple[str, ...] = ()

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
    def may_land(self) -> bool:
        """Kept off only by labels the profile cannot see; admitted and its images run otherwise."""
        return bool(self.unseen) and not self.kubelet and not self.runtime

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
    admission: list[str] = field(default_factory=list)  # why the API server rejects its pods ("rule: message")
    file: str | None = None
    line: int | None = None
    findings: list[Finding] = field(default_factory=list)  # every finding, admission first (the engine's)

    @property
    def daemon(self) -> bool:
        """A DaemonSet: one pod on every node of every pool it can be scheduled on."""
        return self.kind == "DaemonSet"

    @property
    def landing(self) -> list[NodePool]:
        """Pools that pass every scheduler filter."""
        return [v.pool for v in self.pools if v.schedulable] if not self.admission else []

    @property
    def starts_on(self) -> list[NodePool]:
        """Pools where it is scheduled, admitted and its images run."""
        return [v.pool for v in self.pools if v.lands] if not self.admission else []

    @property
    def fails_on(self) -> list[PoolVerdict]:
        """Pools it is scheduled on but where the kubelet or the runtime stops it."""
        return [v for v in self.pools if v.schedulable and not v.lands] if not self.admission else []

    @property
    def may_land_on(self) -> list[NodePool]:
        """Pools it lands on if their nodes carry the labels it selects on that the profile cannot see."""
        return [v.pool for v in self.pools if v.may_land] if not self.admission else []

    @property
    def unseen_labels(self) -> tuple[str, ...]:
        return self.targeting.unseen_labels if self.targeting is not None else ()

    @property
    def lands(self) -> bool:
        """Its pods start: somewhere (a placement), or on every node it is scheduled to (a DaemonSet)."""
        if self.daemon:
            return bool(self.starts_on) and not self.fails_on
        return bool(self.starts_on)

    def daemon_pods(self, pools: list[NodePool]) -> int:
        return sum(self.pods_on(self.verdict(p.name)) for p in pools)

    @staticmethod
    def pods_on(v: PoolVerdict) -> int:
        """A DaemonSet's pods on a pool: one per node that passes (a pod picking nodes by hostname or
        name runs on those only), one per node of the pool when node names are not known."""
        return len(v.nodes) if v.pool.node_names else v.pool.count

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
    """plan(obj) for many workloads against one profile and one known load: one engine (the load's
    sub-pools as its profile), its answer per workload."""

    def __init__(self, profile: Profile, usage: dict[str, dict[str, int]] | None = None, images: dict | None = None,
                 rule_filter=None, kube_version: tuple[int, int] | None = None):
        self.profile = profile
        self.usage = usage or {}
        self.images = images or {}
        self.judged, self.owner = split_by_load(profile, self.usage)
        self.engine = Engine(Options(profile=self.judged, kube_version=kube_version, rule_filter=rule_filter,
                                     images=self.images, locate=False))

    def plan(self, obj: dict, file: str | None = None, line: int | None = None) -> WorkloadPlan:
        """Raises WorkloadError (with the field path) when the object cannot be decoded as a workload."""
        if obj.get("kind") not in WORKLOAD_KINDS:
            raise WorkloadError(f"{obj.get('kind')!r} is not a workload kind")
        try:
            answer = self.engine.evaluate(obj)
            if answer.shape_errors:
                path, message = answer.shape_errors[0]
                raise WorkloadError(message, tuple(path))
            return self.render(answer, file, line)
        except (TypeError, AttributeError, ValueError) as e:  # a shape targeting cannot read
            if isinstance(e, WorkloadError):
                raise
            raise WorkloadError(f"cannot read the pod spec: {e}") from None

    def render(self, answer: Answer, file: str | None = None, line: int | None = None) -> WorkloadPlan:
        t = answer.targeting
        merged: dict[str, list[PoolFit]] = {}
        for fit in answer.fits:
            merged.setdefault(self.owner[fit.pool.name].name, []).append(fit)
        verdicts = []
        for pool in self.profile.pools:
            fits = merged.get(pool.name, [])
            if not fits:
                continue
            best = max(fits, key=_rank)
            nodes = [n for f in fits if f.schedulable for n in (f.pool.node_names if f.nodes is None else f.nodes)]
            unseen = t.unseen_labels if t is not None and any(f.unseen_only for f in fits) else ()
            verdicts.append(PoolVerdict(pool, list(best.failures), list(best.kubelet), list(best.runtime), nodes, unseen))
        return WorkloadPlan(answer.ref, answer.kind, t, verdicts, list(answer.rejected), file, line, answer.by_stage())
