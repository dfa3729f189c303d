"""The engine's one answer about one object: every finding, and for a workload where its pods land.

`lint`, `plan`, `audit` and the webhook render this value; none computes its own admission list,
landing pools or findings (DESIGN.md: front doors render the engine's answer).

Rules of the answer, which every front door shows the same way:
- a pod the API server rejects lands nowhere: `rejected` (an admission-stage rule found an error,
  whatever the configuration does to the finding: the API server does not read .winkube.yaml)
  empties `schedulable` and `starts_on`;
- `schedulable`: pools that pass every scheduler filter; `starts_on`: of those, the ones whose
  kubelet admits the pod and whose runtime runs every image;
- a DaemonSet runs one pod on every node of every schedulable pool (`daemon`); any other workload
  runs where the scheduler puts it, on one of those pools.
"""
from __future__ import annotations

TYPE_CHECKING = False  # typing's, without importing typing at start-up (docs/design.md)

from .model.finding import Finding, ObjectRef
from .record import Record

if TYPE_CHECKING:
    from .model.profile import NodePool
    from .rules.context import PodContext
    from .targeting import PoolFit, Targeting


class Answer(Record):
    __slots__ = ("obj", "findings", "rejected", "shape_errors", "context")

    def __init__(self, obj: dict, findings: list[Finding] | None = None, rejected: list[str] | tuple = (),
                 shape_errors: list[tuple] | tuple = (), context: "PodContext | None" = None):
        self.obj = obj
        self.findings = [] if findings is None else findings
        self.rejected = rejected  # why the API server rejects it ("<rule> <path>: <message>")
        self.shape_errors = shape_errors  # (path, message): it could not be decoded
        self.context = context  # workloads: the rule context (its targeting is computed once)

    @property
    def kind(self) -> str:
        return self.obj.get("kind")

    @property
    def ref(self) -> ObjectRef:
        return ObjectRef.of(self.obj)

    @property
    def workload(self) -> bool:
        return self.context is not None

    @property
    def daemon(self) -> bool:
        """One pod per matching node (DaemonSet controller), not one placement among pools."""
        return self.kind == "DaemonSet"

    @property
    def targeting(self) -> "Targeting | None":
        return self.context.targeting if self.context is not None else None

    @property
    def fits(self) -> "list[PoolFit]":
        t = self.targeting
        return list(t.fits) if t is not None else []

    @property
    def schedulable(self) -> "list[NodePool]":
        """Pools that pass every scheduler filter ([] when the API server rejects the pod)."""
        if self.rejected or self.context is None:
            return []
        return [f.pool for f in self.fits if f.schedulable]

    @property
    def starts_on(self) -> "list[NodePool]":
        """Pools where it is scheduled, admitted by the kubelet, and every image runs."""
        if self.rejected or self.context is None:
            return []
        return [f.pool for f in self.fits if f.schedulable and not f.kubelet and not f.runtime]

    def by_stage(self) -> list[Finding]:
        """Findings in the order they bite: admission rejections first."""
        from .k8s.stages import stage_rank
        return sorted(self.findings, key=lambda f: (stage_rank(f.stage), -f.severity.rank, f.rule, f.path_str))
