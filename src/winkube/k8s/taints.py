"""Taints and tolerations: v1.Toleration.ToleratesTaint, and the tolerations controllers add."""
from __future__ import annotations

from ..record import FrozenRecord

TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"


class Taint(FrozenRecord):
    __slots__ = ("key", "value", "effect")

    def __init__(self, key: str, value: str, effect: str):  # effect: NoSchedule / PreferNoSchedule / NoExecute
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "effect", effect)

    def __str__(self) -> str:
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


def tolerates(tol: dict, taint: Taint) -> bool:
    """v1.Toleration.ToleratesTaint."""
    effect = tol.get("effect") or ""
    if effect and effect != taint.effect:
        return False
    key = tol.get("key") or ""
    op = tol.get("operator") or "Equal"
    if key and key != taint.key:
        return False
    if op == "Exists":
        return True
    if op != "Equal":
        return False  # Lt/Gt need the alpha gate TaintTolerationComparisonOperators (off); anything else never tolerates
    if not key:
        return False  # an empty key needs operator Exists
    return str(tol.get("value") or "") == taint.value


def untolerated(tolerations: list, taints: list[Taint], effects=("NoSchedule", "NoExecute")) -> list[Taint]:
    return [t for t in taints if t.effect in effects and not any(tolerates(tol, t) for tol in tolerations)]


def tolerated_in_other_spelling(tolerations: list, taint: Taint) -> bool:
    """A toleration of this taint with key and value in another case (OS=Windows for os=windows).
    Taints are case-sensitive, so the scheduler does not count it; it tells only which spelling the
    pod's own cluster uses, which matters where the taint itself is a guess (the embedded default)."""
    folded = Taint(taint.key.lower(), taint.value.lower(), taint.effect)
    return any(tolerates({**tol, "key": str(tol.get("key") or "").lower(), "value": str(tol.get("value") or "").lower()}, folded)
               for tol in tolerations)


def toleration_for(taint: Taint) -> dict:
    """The narrowest toleration of one taint."""
    if taint.value:
        return {"key": taint.key, "operator": "Equal", "value": taint.value, "effect": taint.effect}
    return {"key": taint.key, "operator": "Exists", "effect": taint.effect}


def daemon_tolerations(spec: dict) -> list[dict]:
    """pkg/controller/daemon/util: AddOrUpdateDaemonPodTolerations (DaemonSet pods run on cordoned nodes)."""
    out = [{"key": k, "operator": "Exists", "effect": "NoExecute"}
           for k in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")]
    out += [{"key": k, "operator": "Exists", "effect": "NoSchedule"}
            for k in ("node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure",
                      "node.kubernetes.io/pid-pressure", UNSCHEDULABLE_TAINT)]
    if spec.get("hostNetwork") is True:
        out.append({"key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"})
    return out


def taints_of(raw: list) -> list[Taint]:
    """A Node's spec.taints as Taint values (entries that are not mappings are skipped)."""
    return [Taint(str(t.get("key")), str(t.get("value") or ""), str(t.get("effect")))
            for t in raw or () if isinstance(t, dict)]
