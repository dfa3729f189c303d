"""The mutating webhook: repair Windows (and Linux) placement of a Pod being created.

For a pod meant for Windows (spec.os.name, selectors, HostProcess, Windows windowsOptions, or only Windows
images): spec.os.name: windows, nodeSelector kubernetes.io/os: windows, a
node.kubernetes.io/windows-build the images can run on (when only some Windows pools can run them),
or a RuntimeClass of the cluster that selects exactly those pools, and tolerations for the taints
of the pools it is steered to. For a pod with only Linux images and no OS targeting:
nodeSelector kubernetes.io/os: linux.

Rules: only "add" operations (user intent is never removed or replaced), nothing already present
is added again (idempotent under reinvocation), and the patched pod is checked with the admission
replica: an operation that would make the API server reject the pod is dropped (e.g. os.name:
windows on a pod with Linux-only securityContext fields).
"""
from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from ..k8s.labels import LABEL_BUILD, LABEL_OS, OS_LABELS
from ..k8s.selectors import required_terms, selector_matches, terms_mention
from ..k8s.taints import toleration_for, untolerated
from ..k8s.workloads import as_dict, as_list
from ..model.paths import render
from ..model.podview import pod_view
from ..model.profile import Profile, RuntimeClassInfo
from ..targeting import Targeting, resolve


def _esc(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


@dataclass
class Plan:
    ops: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was added, for warnings / audit
    skipped: list[str] = field(default_factory=list)  # what was not done, and why

    def patch_b64(self) -> str | None:
        if not self.ops:
            return None
        return base64.b64encode(json.dumps(self.ops, separators=(",", ":")).encode()).decode()


def _affinity_mentions(spec: dict, keys) -> bool:
    return terms_mention(required_terms(spec), keys)


class _Builder:
    """Collects operations against the pod as it would be after the previous ones."""

    def __init__(self, pod: dict):
        self.pod = pod
        self.spec = as_dict(pod.get("spec"))
        self.ops: list[dict] = []
        self.new_selector: dict = {}
        self.new_tolerations: list = []
        self.set_fields: dict = {}

    def selector(self, key: str, value: str) -> None:
        sel = self.spec.get("nodeSelector")
        if isinstance(sel, dict) and key in sel or key in self.new_selector:
            return
        self.new_selector[key] = value

    def toleration(self, tol: dict) -> None:
        if tol in self.new_tolerations:
            return
        self.new_tolerations.append(tol)

    def build(self) -> list[dict]:
        ops = []
        for path, value in self.set_fields.items():
            ops.append({"op": "add", "path": path, "value": value})
        if self.new_selector:
            if isinstance(self.spec.get("nodeSelector"), dict):
                ops += [{"op": "add", "path": f"/spec/nodeSelector/{_esc(k)}", "value": v} for k, v in self.new_selector.items()]
            else:
                ops.append({"op": "add", "path": "/spec/nodeSelector", "value": dict(self.new_selector)})
        if self.new_tolerations:
            if isinstance(self.spec.get("tolerations"), list):
                ops += [{"op": "add", "path": "/spec/tolerations/-", "value": t} for t in self.new_tolerations]
            else:
                ops.append({"op": "add", "path": "/spec/tolerations", "value": list(self.new_tolerations)})
        return ops


def apply_patch(pod: dict, ops: list[dict]) -> dict:
    """The "add" operations this module produces, applied to a copy (RFC 6902 semantics)."""
    out = json.loads(json.dumps(pod))
    for op in ops:
        if op.get("op") != "add":  # plan() only ever produces "add"; anything else is a caller's bug
            raise ValueError(f"apply_patch applies only add operations, not {op.get('op')!r}")
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        cur = out
        for p in parts[:-1]:
            cur = cur[int(p)] if isinstance(cur, list) else cur[p]
        last = parts[-1]
        if isinstance(cur, list):
            cur.append(op["value"]) if last == "-" else cur.insert(int(last), op["value"])
        else:
            cur[last] = op["value"]
    return out


def _admission_keys(engine, pod: dict) -> set:
    return {(render(f.path), f.error_type) for f in engine.check_object(pod, None, []) if f.error_type}


def _matching_runtime_class(profile: Profile, pools, spec: dict) -> RuntimeClassInfo | None:
    """A RuntimeClass whose scheduling selects exactly the given pools (and agrees with the pod's
    nodeSelector), with no overhead to reconcile."""
    want = {p.name for p in pools}
    sel = as_dict(spec.get("nodeSelector"))
    for rc in sorted(profile.runtime_classes.values(), key=lambda r: r.name):
        if not rc.node_selector or rc.overhead or rc.node_selector.get(LABEL_OS) not in (None, "windows"):
            continue
        if any(k in sel and str(sel[k]) != v for k, v in rc.node_selector.items()):
            continue
        chosen = {p.name for p in profile.pools if selector_matches(rc.node_selector, p.labels)}
        if chosen == want and all(p.os == "windows" for p in profile.pools if p.name in chosen):
            return rc
    return None


def plan(pod: dict, profile: Profile, policy, admission_engine, images: dict | None = None) -> Plan:
    out = Plan()
    view = pod_view(pod)
    if view is None or view.kind != "Pod" or not isinstance(pod.get("spec"), dict):
        return out
    spec = view.spec
    t: Targeting = resolve(view, profile, images or {})
    b = _Builder(pod)
    has_os_selector = any(k in t.node_selector for k in OS_LABELS) or _affinity_mentions(spec, OS_LABELS)
    if t.os_intent == "windows":
        if view.os_name is None and not isinstance(spec.get("os"), dict):
            b.set_fields["/spec/os"] = {"name": "windows"}
        elif isinstance(spec.get("os"), dict) and "name" not in spec["os"]:
            b.set_fields["/spec/os/name"] = "windows"
        if not has_os_selector:
            b.selector(LABEL_OS, "windows")
        windows = profile.windows_pools
        # pools whose nodes can run every image (the runtime check is independent of the selectors)
        runnable = [f.pool for f in t.fits if f.pool.os == "windows" and not f.runtime]
        targets = runnable or windows
        if windows and runnable and len(runnable) < len(windows):
            rc = None
            if policy.mutate_runtime_class and not t.runtime_class_name:
                rc = _matching_runtime_class(profile, runnable, spec)
            if rc is not None:
                b.set_fields["/spec/runtimeClassName"] = rc.name
                # the RuntimeClass admission plugin ran before this webhook: merge its scheduling as it would
                for k, v in rc.node_selector.items():
                    b.selector(k, v)
                for tol in rc.tolerations:
                    if tol not in as_list(spec.get("tolerations")):
                        b.toleration(tol)
            elif policy.mutate_windows_build and LABEL_BUILD not in t.node_selector and not _affinity_mentions(spec, (LABEL_BUILD,)):
                builds = sorted({p.windows_build for p in runnable if p.windows_build})
                if len(builds) == 1:
                    b.selector(LABEL_BUILD, f"10.0.{builds[0]}")
                    targets = [p for p in runnable if p.windows_build == builds[0]]
                else:
                    out.skipped.append(f"the images run on Windows builds {', '.join(f'10.0.{x}' for x in builds)}: "
                                       f"a nodeSelector holds only one, so {LABEL_BUILD} was not set")
        # tolerations for the taints of the pools the pod is steered to
        selector_after = dict(t.node_selector, **b.new_selector)
        steered = [p for p in targets if selector_matches(selector_after, p.labels)] or targets
        tolerations = [x for x in as_list(spec.get("tolerations")) if isinstance(x, dict)] + b.new_tolerations
        for p in steered:
            for taint in untolerated(tolerations, p.taints):
                tol = toleration_for(taint)
                b.toleration(tol)
                tolerations.append(tol)
    elif t.os_intent == "linux" and policy.mutate_linux and t.evidence and t.evidence[0].startswith("images") \
            and not has_os_selector and view.os_name is None:
        b.selector(LABEL_OS, "linux")
    ops = b.build()
    if not ops:
        return out
    # Never produce a pod the API server rejects: check the result with the admission replica.
    before = _admission_keys(admission_engine, pod)
    after = _admission_keys(admission_engine, apply_patch(pod, ops)) - before
    if after and any(o["path"] in ("/spec/os", "/spec/os/name") for o in ops):
        ops = [o for o in ops if o["path"] not in ("/spec/os", "/spec/os/name")]
        out.skipped.append("spec.os.name: windows was not set: the API server would reject the pod with it ("
                           + ", ".join(f"{p} {e}" for p, e in sorted(after)[:3]) + ")")
        after = _admission_keys(admission_engine, apply_patch(pod, ops)) - before if ops else set()
    if after:
        out.skipped.append("no change: the API server would reject the patched pod (" + ", ".join(f"{p} {e}" for p, e in sorted(after)[:3]) + ")")
        return out
    out.ops = ops
    for o in ops:
        out.notes.append(f"{o['path']}={json.dumps(o['value'], separators=(',', ':'))}")
    return out
