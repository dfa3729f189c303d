"""audit output: text (terminals, CI logs), json (programs), html (one self-contained file)."""
from __future__ import annotations

from typing import TextIO

from ..model.finding import Finding, Severity
from ..report.text import clean
from ..k8s.stages import STAGE_ORDER, STAGE_RANK
from ..report.jsonout import finding_dict
from ..report.registry import Reporter
from .core import AuditResult, FailureGroup, ref_str

VERSION = 1


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (STAGE_RANK[f.stage], -f.severity.rank, f.rule, f.path_str))


def summary(result: AuditResult) -> dict:
    findings = result.all_findings
    by_stage = {s.value: 0 for s in STAGE_ORDER}
    by_sev = {s.value: 0 for s in Severity}
    for f in findings:
        by_stage[f.stage.value] += 1
        by_sev[f.severity.value] += 1
    return {
        "findings": len(findings), "byStage": by_stage, "bySeverity": by_sev,
        "failuresNow": len(result.failures), "failingObjects": sum(g.count for g in result.failures),
        "partial": bool(result.partial), "read": dict(result.counts),
        "templatesChecked": result.templates_checked, "nodeSignaturesChecked": result.node_signatures_checked,
    }


# ---------------------------------------------------------------------------------------- text


def render_text(result: AuditResult, out: TextIO, *, color: bool = False) -> None:
    def c(code: str, s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if color else s

    sev_col = {"error": "31", "warning": "33", "info": "36"}
    w = out.write
    server = f", Kubernetes {clean(result.server_version)}" if result.server_version else ""
    w(f"winkube audit — {clean(result.source)}{server} (rules of {result.kube_version[0]}.{result.kube_version[1]})\n")
    n = result.counts
    w(f"read: {n.get('Node', 0)} nodes in {len(result.pools)} pools, {n.get('RuntimeClass', 0)} RuntimeClasses, "
      f"{len(result.workloads)} workloads ({result.templates_checked} distinct templates checked), "
      f"{n.get('Pod', 0)} pods, {n.get('Event', 0)} events\n")
    for note in result.notes:
        w(f"note: {clean(note)}\n")
    if result.profile.assumed:
        w("note: no Node objects were read; workloads are judged against the embedded default profile's guessed pools\n")
    if result.partial:
        w("\n" + c("1;33", "PARTIAL RESULT — could not read:") + "\n")
        for m in result.partial:
            w(f"  {m.kind}: " + (f"missing permission: {clean(m.permission)}" if m.permission else clean(m.reason)) + "\n")
        if any(m.permission for m in result.partial):
            w("  grant read access with: winkube audit rbac | kubectl apply -f -\n")
    for e in result.errors:
        w(f"error: {clean(e)}\n")

    w("\n" + c("1", "Node pools") + "\n")
    if not result.pools:
        w("  (none)\n")
    for p in result.pools:
        pl = p.pool
        extra = ", ".join(x for x in (pl.container_runtime, pl.kernel_version, pl.kubelet_version) if x)
        w(f"  {clean(pl.describe())} × {pl.count}" + (f"  [{clean(extra)}]" if extra else "") + "\n")
        for f in _sorted(p.findings):
            _finding(w, f, c, sev_col, indent="    ")
    if result.runtime_classes:
        w("\n" + c("1", "RuntimeClasses") + "\n")
        for ref, fs in result.runtime_classes:
            w(f"  {clean(ref.name or '?')}" + ("" if fs else "  ok") + "\n")
            for f in _sorted(fs):
                _finding(w, f, c, sev_col, indent="    ")

    if result.kubelet_configs:
        w("\n" + c("1", "Kubelet configuration") + "\n")
        for k in result.kubelet_configs:
            w(f"  {clean(k.source)}" + ("" if k.findings else "  ok") + "\n")
            for f in _sorted(k.findings):
                _finding(w, f, c, sev_col, indent="    ")

    w("\n" + c("1", "Failures happening now") + "\n")
    if not result.failures:
        w("  none matched the Windows failure catalogue\n")
    for g in result.failures:
        _failure(w, g, c)

    w("\n" + c("1", "Workloads") + "\n")
    shown = 0
    for wr in sorted(result.workloads, key=lambda x: (STAGE_RANK.get(x.worst, 99), ref_str(x.ref))):
        if not wr.findings:
            continue
        shown += 1
        w(f"  {clean(ref_str(wr.ref))}\n")
        for f in _sorted(wr.findings):
            _finding(w, f, c, sev_col, indent="    ")
    if not shown:
        w("  no findings\n")
    s = summary(result)
    stages = ", ".join(f"{k} {v}" for k, v in s["byStage"].items() if v)
    w(f"\n{s['findings']} finding(s)" + (f" ({stages})" if stages else "") +
      f", {s['failuresNow']} failure(s) happening now" + (" — PARTIAL" if result.partial else "") + "\n")


def _finding(w, f: Finding, c, sev_col, indent: str) -> None:
    w(f"{indent}{c(sev_col[f.severity.value], f'{f.severity.value:<8}')} {f.stage.value:<10} {f.rule}  {clean(f.path_str)}\n")
    w(f"{indent}  {clean(f.message)}\n")
    if f.fix:
        w(f"{indent}  fix: {clean(f.fix)}\n")


def _failure(w, g: FailureGroup, c) -> None:
    who = ref_str(g.workload) if g.workload else g.example
    pool = f" on pool {g.pool}" if g.pool else ""
    count = f"{g.count} × " if g.count > 1 else ""
    w(f"  {c('1;31', g.entry_id)}  {g.entry_stage.value:<10} {clean(who)}{clean(pool)} — {count}{clean(g.where)}\n")
    w(f"      {clean(g.title)}" + (f" [confidence: {g.confidence}]" if g.confidence else "")
      + (f" (or: {', '.join(g.also)})" if g.also else "") + "\n")
    if g.because:
        w(f"      decided by: {clean('; '.join(g.because))[:300]}\n")
    for code, meaning in zip(g.codes, g.code_meanings or ("",) * len(g.codes)):
        w(f"      code: {clean(code)}" + (f" — {clean(meaning)}" if meaning else "") + "\n")
    w(f"      {clean(((g.reason + ': ') if g.reason else '') + g.message)[:400]}\n")
    w(f"      cause: {clean(g.cause)}\n")
    w(f"      fix: {clean(g.fix)}\n")


# ---------------------------------------------------------------------------------------- json


def _fd(f: Finding) -> dict:
    return finding_dict(f)  # one Finding serialisation for every JSON output (report/jsonout.py)


def _gd(g: FailureGroup) -> dict:
    w = g.workload
    return {"id": g.entry_id, "stage": g.entry_stage.value, "title": g.title, "cause": g.cause, "fix": g.fix,
            "source": g.source, "workload": {"kind": w.kind, "namespace": w.namespace, "name": w.name} if w else None,
            "pool": g.pool, "where": g.where, "reason": g.reason, "message": g.message, "example": g.example,
            "count": g.count, "alsoMatches": list(g.also), "confidence": g.confidence,
            "decidedBy": list(g.because), "codes": list(g.codes),
            "codeMeanings": list(g.code_meanings)}


def to_dict(result: AuditResult) -> dict:
    """The body of the AuditReport document (the registry adds apiVersion and kind)."""
    return {
        "version": VERSION,
        "source": result.source,
        "serverVersion": result.server_version,
        "kubeVersion": f"{result.kube_version[0]}.{result.kube_version[1]}",
        "profileAssumed": result.profile.assumed,
        "partial": [{"kind": m.kind, "reason": m.reason, "permission": m.permission} for m in result.partial],
        "errors": list(result.errors),
        "notes": list(result.notes),
        "pools": [{"name": p.pool.name, "os": p.pool.os, "arch": p.pool.arch,
                   "windowsBuild": p.pool.build_label, "count": p.pool.count, "nodes": p.pool.node_names,
                   "containerRuntime": p.pool.container_runtime, "kernelVersion": p.pool.kernel_version,
                   "findings": [_fd(f) for f in _sorted(p.findings)]} for p in result.pools],
        "kubeletConfigs": [{"source": k.source, "pool": k.pool, "findings": [_fd(f) for f in _sorted(k.findings)]}
                           for k in result.kubelet_configs],
        "runtimeClasses": [{"name": ref.name, "findings": [_fd(f) for f in _sorted(fs)]} for ref, fs in result.runtime_classes],
        "workloads": [{"kind": w.ref.kind, "namespace": w.ref.namespace, "name": w.ref.name,
                       "worstStage": w.worst.value if w.worst else None,
                       "findings": [_fd(f) for f in _sorted(w.findings)],
                       "pools": {k: {"stage": c.stage.value if c.stage else None, "lands": c.lands, "starts": c.starts, "now": c.now,
                                     "notes": c.notes} for k, c in w.cells.items()},
                       "failures": [_gd(g) for g in w.failures]} for w in result.workloads],
        "failures": [_gd(g) for g in result.failures],
        "summary": summary(result),
    }


def _html(result: AuditResult, out: TextIO, *, color: bool = False) -> None:
    from .html import render_html
    render_html(result, out)


AUDIT = Reporter("AuditReport", to_dict, {"text": render_text, "html": _html})
