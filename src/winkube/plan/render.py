"""`winkube plan` output: a workload × pool table with per-workload details (text), or JSON
(docs/plan-output.md)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..ansi import paint
from ..model.profile import NodePool, Profile
from ..report.jsonout import finding_dict
from ..report.registry import Reporter
from .planner import PoolVerdict, WorkloadPlan

OK, NO = "✓", "✗"


def workload_name(w: WorkloadPlan) -> str:
    return str(w.ref)


def cell(w: WorkloadPlan, pool: NodePool) -> str:
    if w.admission:
        return f"{NO} admission"
    v = w.verdict(pool.name)
    if v.may_land:
        return f"? {', '.join(v.unseen)}"
    v = _certain(v)
    first = v.first
    if first is None:
        return OK
    if v.stage == "kubelet":
        return f"{NO} kubelet {first[0]}"
    return f"{NO} {first[0]}"


def _certain(v: PoolVerdict) -> PoolVerdict:
    """The verdict without a scheduler objection the profile cannot judge (unseen labels), when the
    kubelet or the runtime refuses the pod there anyway: that refusal is what is certain."""
    if v.unseen and (v.kubelet or v.runtime):
        return PoolVerdict(v.pool, [], v.kubelet, v.runtime, v.nodes)
    return v


def _wanted(w: WorkloadPlan, keys) -> str:
    """The pod's requirement on each unseen label: `agentpool=win1` for a nodeSelector entry (a node
    with agentpool=sys does not match), the key alone for one of required node affinity."""
    sel = w.targeting.node_selector if w.targeting is not None else {}
    return ", ".join(f"{k}={sel[k]}" if k in sel else k for k in keys)


def _unseen_text(w: WorkloadPlan) -> str:
    return (f"if their nodes carry the label(s) {_wanted(w, w.unseen_labels)} the pod selects on, "
            "which the profile cannot see")


def pool_title(p: NodePool) -> str:
    what = f"{p.os}/{p.arch}" + (f" {p.windows_build}" if p.windows_build else "")
    return f"{p.name} ({what}, {p.count} node{'s' if p.count != 1 else ''})"


def result_text(w: WorkloadPlan) -> str:
    """The RESULT column: where its pods start. A DaemonSet runs one pod per node of every pool
    it is scheduled on, so the pools where those pods fail are named too."""
    if w.admission:
        return "rejected by the API server"
    if w.daemon:
        if not w.landing:
            if w.may_land_on:
                return "daemon: may run on " + ", ".join(p.name for p in w.may_land_on) + f" ({_unseen_text(w)})"
            return "no node"
        parts = []
        if w.starts_on:
            parts.append(f"{w.daemon_pods(w.starts_on)} pod(s) on " + ", ".join(p.name for p in w.starts_on))
        if w.fails_on:
            parts.append("fails on " + ", ".join(f"{v.pool.name} ({w.pods_on(v)} node{'s' if w.pods_on(v) != 1 else ''}, {v.first[0]})"
                                                 for v in w.fails_on))
        return "daemon: " + "; ".join(parts)
    if w.lands:
        return "lands: " + ", ".join(p.name for p in w.starts_on)
    if w.may_land_on:
        return "may land: " + ", ".join(p.name for p in w.may_land_on) + f" ({_unseen_text(w)})"
    return "no pool"


def _table(rows: list[list[str]], out) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        out.write("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip() + "\n")


def render_text(plans: list[WorkloadPlan], profile: Profile, out, *, usage_known: bool, load: str | None = None,
                notes=()) -> None:
    pools = profile.pools
    out.write(f"profile: {profile.name} ({profile.source}); pools: " + ", ".join(pool_title(p) for p in pools) + "\n")
    for note in notes:
        out.write(f"note: {note}\n")
    if profile.assumed:
        out.write("note: these pools are the embedded default's guess; give --profile, Node objects or --kubeconfig for your cluster\n")
    if not usage_known:
        out.write("note: no bound pods known: resources are judged against allocatable\n")
    elif load:
        out.write(f"load: {load}\n")
    if not plans:
        out.write("no workloads\n")
        return
    out.write("\n")
    rows = [["WORKLOAD"] + [p.name for p in pools] + ["RESULT"]]
    for w in plans:
        rows.append([workload_name(w)] + [cell(w, p) for p in pools] + [result_text(w)])
    _table(rows, out)
    for w in plans:
        out.write("\n")
        where = f" ({w.file}:{w.line})" if w.file and w.line else (f" ({w.file})" if w.file else "")
        out.write(f"{workload_name(w)}{where}\n")
        t = w.targeting
        if t is not None:
            if t.os_intent:
                out.write(f"  asks for: {t.os_intent} ({'; '.join(t.evidence)})\n")
            if t.runtime_class_name:
                out.write(f"  runtimeClassName: {t.runtime_class_name}" +
                          (" (not in the profile)" if t.runtime_class_missing else "") + "\n")
        for msg in w.admission:
            out.write(f"  admission: {msg} — the API server rejects it: it lands nowhere\n")
        for v in w.pools:
            head = f"  {pool_title(v.pool)}: "
            if v.lands and not w.admission:
                nodes = f" on {', '.join(v.nodes)}" if v.nodes and len(v.nodes) < len(v.pool.node_names) else ""
                out.write(head + f"{OK} schedulable{nodes}, admitted by the kubelet, images run\n")
                continue
            if w.admission:
                out.write(head + f"{NO} stops at admission (the API server rejects the pod)\n")
            elif v.may_land:
                out.write(head + f"? schedulable if its nodes carry {_wanted(w, v.unseen)} (the profile cannot see it), "
                          "admitted by the kubelet, images run\n")
            else:
                out.write(head + f"{NO} stops at {_certain(v).stage}" + (
                    f" (the scheduler's only objection is {_wanted(w, v.unseen)}, which the profile cannot see)"
                    if _certain(v) is not v else "") + "\n")
            # a pool kept off only by unseen labels: nothing else objects once they are left out (with
            # the embedded default, not even its guessed taint where the labels name a platform)
            for plugin, why in (f for f in v.failures if not v.may_land or f[0] == "NodeAffinity"):
                out.write(f"      scheduler {plugin}: {why}\n")
            for reason, why in v.kubelet:
                out.write(f"      kubelet {reason}: {why}\n")
            for use, why in v.runtime:
                out.write(f"      runtime {use.container}: {why}\n")
        others = [f for f in w.findings if f.stage != "admission" or not w.admission]
        if others:
            out.write("  findings:\n")
            for f in others:
                out.write(f"      {f.stage!s:<10} {f.severity!s:<7} {f.rule} {f.path_str}: {f.message}\n")
        if w.admission:
            out.write("  => rejected by the API server: lands nowhere\n")
        elif w.daemon:
            out.write(f"  => {result_text(w)}\n")
        elif not w.lands and w.may_land_on:
            out.write(f"  => {result_text(w)}\n")
        elif not w.lands:
            out.write("  => can land and start on no pool\n")
        else:
            out.write(f"  => lands on {', '.join(p.name for p in w.starts_on)}\n")


def plan_to_dict(plans: list[WorkloadPlan], profile: Profile, errors, *, usage_known: bool) -> dict:
    def pool(p: NodePool) -> dict:
        return {"name": p.name, "os": p.os, "arch": p.arch, "windowsBuild": p.build_label, "nodes": p.count,
                "nodeNames": list(p.node_names), "unschedulable": p.unschedulable}

    def workload(w: WorkloadPlan) -> dict:
        t = w.targeting
        pools = []
        for v in w.pools:
            pools.append({
                "pool": v.pool.name,
                "result": "admission" if w.admission else _certain(v).stage,
                "schedulable": v.schedulable,
                "unseenLabelsOnly": bool(v.unseen),
                "scheduler": [{"plugin": p, "reason": r} for p, r in v.failures],
                "kubelet": [{"reason": r, "message": m} for r, m in v.kubelet],
                "runtime": [{"container": u.container, "image": u.ref, "message": m} for u, m in v.runtime],
                "nodes": list(v.nodes),
            })
        return {
            "kind": w.ref.kind, "apiVersion": w.ref.api_version, "namespace": w.ref.namespace, "name": w.ref.name,
            "file": w.file, "line": w.line,
            "lands": w.lands,
            "landingPools": [p.name for p in w.landing],
            "startsOn": [p.name for p in w.starts_on],
            "unseenLabels": list(w.unseen_labels),
            "mayLandOn": [p.name for p in w.may_land_on],
            "admission": list(w.admission),
            "daemon": w.daemon,
            "pods": ({v.pool.name: w.pods_on(v) for v in w.pools if v.schedulable} if w.daemon and not w.admission else None),
            "findings": [finding_dict(f) for f in w.findings],
            "osIntent": t.os_intent if t else None,
            "evidence": list(t.evidence) if t else [],
            "runtimeClassName": t.runtime_class_name if t else None,
            "pools": pools,
        }

    return {
        "profile": {"name": profile.name, "source": profile.source, "assumed": profile.assumed,
                    "kubernetesVersion": f"{profile.kube_version[0]}.{profile.kube_version[1]}",
                    "loadKnown": usage_known, "pools": [pool(p) for p in profile.pools]},
        "workloads": [workload(w) for w in plans],
        "errors": [{"file": e.file, "line": e.line, "message": e.message} for e in errors],
        "summary": {"workloads": len(plans), "landing": sum(1 for w in plans if w.lands),
                    "nowhere": sum(1 for w in plans if not w.lands), "errors": len(errors),
                    "findings": sum(len(w.findings) for w in plans)},
    }


@dataclass
class PlanOutput:
    plans: list[WorkloadPlan]
    profile: Profile
    errors: list
    usage_known: bool
    load: str | None = None
    notes: list[str] = field(default_factory=list)  # the live server lies outside the releases (k8s.releases.for_server)


def _text(o: PlanOutput, out, *, color: bool = False) -> None:
    if not color:
        render_text(o.plans, o.profile, out, usage_known=o.usage_known, load=o.load, notes=o.notes)
        return
    import io

    plain = io.StringIO()  # laid out without escape codes (they take no cells), then the marks painted
    render_text(o.plans, o.profile, plain, usage_known=o.usage_known, load=o.load, notes=o.notes)
    out.write(plain.getvalue().replace(OK, paint("ok", OK, True)).replace(NO, paint("error", NO, True)))


def _dict(o: PlanOutput) -> dict:
    d = plan_to_dict(o.plans, o.profile, o.errors, usage_known=o.usage_known)
    d["notes"] = list(o.notes)
    return d


PLAN = Reporter("Plan", _dict, {"text": _text})

