"""AdmissionReview (admission.k8s.io/v1) in, AdmissionResponse out: the validating decision.

Everything here is synchronous and pure (no I/O): the ASGI app reads the body, resolves image
platforms within its budget, and calls `validate` / `mutate.mutate` with them.
"""
from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..model.finding import Finding
from ..model.paths import render
from ..k8s.images import pod_images
from ..k8s.keys import pod_key
from ..model.podview import WORKLOAD_KINDS, as_dict, pod_view
from ..targeting import resolve
from .policy import Policy

API_VERSION = "admission.k8s.io/v1"
MAX_WARNING = 256  # the API server may truncate longer warnings (k8s.io/apiserver warning recorder)
MAX_WARNINGS = 12  # and drops them past 4 KiB in total


class BadReview(InvalidInput):
    """Not an AdmissionReview we can answer: HTTP 400 with this message."""


@dataclass(slots=True)
class Request:
    uid: str
    kind: str  # request.kind.kind
    group: str
    resource: str
    sub_resource: str
    operation: str
    namespace: str | None
    name: str | None
    obj: object
    old: object
    dry_run: bool
    raw: dict


def parse(body: bytes) -> Request:
    try:
        doc = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadReview(f"the body is not JSON: {type(e).__name__}") from None
    if not isinstance(doc, dict):
        raise BadReview("the body is not an AdmissionReview object")
    if doc.get("kind") != "AdmissionReview":
        raise BadReview(f"kind is {doc.get('kind')!r}, not AdmissionReview")
    if doc.get("apiVersion") != API_VERSION:
        raise BadReview(f"apiVersion {doc.get('apiVersion')!r} is not supported: configure admissionReviewVersions: [v1]")
    req = doc.get("request")
    if not isinstance(req, dict):
        raise BadReview("request is missing")
    uid = req.get("uid")
    if not isinstance(uid, str) or not uid:
        raise BadReview("request.uid is missing")
    k = req.get("kind")
    k = k if isinstance(k, dict) else {}
    res = req.get("resource")
    res = res if isinstance(res, dict) else {}

    def s(v):
        return v if isinstance(v, str) else ""

    return Request(
        uid=uid, kind=s(k.get("kind")), group=s(k.get("group")), resource=s(res.get("resource")),
        sub_resource=s(req.get("subResource")), operation=s(req.get("operation")),
        namespace=req.get("namespace") if isinstance(req.get("namespace"), str) else None,
        name=req.get("name") if isinstance(req.get("name"), str) else None,
        obj=req.get("object"), old=req.get("oldObject"), dry_run=req.get("dryRun") is True, raw=req,
    )


def response(uid: str, allowed: bool = True, message: str | None = None, code: int = 403,
             warnings: list[str] | None = None, audit: dict | None = None, patch: str | None = None) -> dict:
    r: dict = {"uid": uid, "allowed": allowed}
    if not allowed:
        r["status"] = {"code": code, "reason": "Forbidden" if code == 403 else "Invalid", "message": message or "denied"}
    if warnings:
        r["warnings"] = warnings[:MAX_WARNINGS]
    if audit:
        r["auditAnnotations"] = audit
    if patch is not None:
        r["patchType"] = "JSONPatch"
        r["patch"] = patch
    return {"apiVersion": API_VERSION, "kind": "AdmissionReview", "response": r}


def one_line(text: str, limit: int = MAX_WARNING) -> str:
    """Warnings must be printable single lines (the API server drops invalid ones)."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def workload(req: Request) -> dict | None:
    """The object to check, or None when it is not a pod or workload (or a subresource we ignore)."""
    obj = req.obj
    if not isinstance(obj, dict):
        return None
    if "kind" in obj and not isinstance(obj["kind"], str):
        return None  # not something the API server can send
    kind = obj.get("kind") or req.kind
    if kind not in WORKLOAD_KINDS or req.kind not in ("", kind):
        return None
    if req.sub_resource not in ("", "ephemeralcontainers") or (req.sub_resource and kind != "Pod"):
        return None
    if obj.get("kind") != kind:
        obj = dict(obj, kind=kind)
    return obj


def object_labels(obj: dict) -> list[dict]:
    view = pod_view(obj)
    out = [as_dict(as_dict(obj.get("metadata")).get("labels"))]
    if view is not None and view.is_template:
        out.append(view.labels)
    return out


@dataclass(slots=True)
class Decision:
    allowed: bool
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    findings: list[tuple[Finding, str]] = field(default_factory=list)  # (finding, action)
    skipped: str | None = None
    certain: list[str] = field(default_factory=list)
    context: str | None = None  # said with the findings: the server's release lies outside winkube's

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "skipped"
        return "deny" if not self.allowed else "warn" if self.warnings else "allow"

    def audit(self) -> dict:
        a = {"decision": self.verdict}
        if self.findings:
            a["findings"] = one_line(",".join(f"{f.rule}:{act}" for f, act in self.findings), 1024)
        if self.skipped:
            a["skipped"] = one_line(self.skipped, 256)
        if self.context and self.findings:
            a["context"] = one_line(self.context, 256)
        return a

    def to_response(self, uid: str) -> dict:
        return response(uid, self.allowed, self.message, warnings=self.warnings, audit=self.audit())


def certain_failure(obj: dict, profile, images: dict, targeting=None) -> list[str]:
    """Why the pod fails on every node pool it can land on (kubelet refusal or an image that cannot
    run there), one reason per pool; [] when it can run somewhere, or when the profile is only the
    embedded default's guess. Pending pods are not 'certain': an autoscaler may add the pool.
    `targeting`: the one the engine's rules computed (Answer.targeting), if at hand."""
    if profile is None or profile.assumed:
        return []
    t = targeting if targeting is not None else resolve(pod_view(obj), profile, images)
    landing = [f for f in t.fits if f.schedulable]
    if not landing:
        return []
    reasons = []
    for f in landing:
        if f.kubelet:
            reasons.append(f"{f.pool.describe()}: kubelet {f.kubelet[0][0]}: {f.kubelet[0][1]}")
        elif f.runtime:
            reasons.append(f"{f.pool.describe()}: {f.runtime[0][1]}")
        else:
            return []
    return reasons


def _key(f: Finding) -> tuple:
    return (f.rule, f.path)


# The projected service-account volume the ServiceAccount admission plugin adds to every pod
# (kube-api-access-<5 random characters>): the only part in which the replicas of one ReplicaSet differ.
_SA_VOLUME = re.compile(rb"kube-api-access-[a-z0-9]{5}")
_PLACEHOLDER = b"kube-api-access-#####"  # same length: the serialised string's length prefix stays right


class DecisionCache:
    """Findings by what the rules read (kind, pod spec, pod labels and annotations, the object's
    annotations), per engine (a new profile is a new engine) and resolved images. Findings are a
    pure function of those; the random suffix of the service-account volume is normalised, and a
    result whose messages mention that volume is not cached. Bounded LRU."""

    def __init__(self, size: int = 2048):
        self.size = size
        self._d: OrderedDict = OrderedDict()
        self.hits = self.misses = 0
        self._lock = threading.Lock()  # large reviews are judged on a worker thread (app._run)

    @staticmethod
    def key(engine, obj: dict, images: dict):
        raw = pod_key(pod_view(obj))  # what the engine reads of the pod (k8s.keys, one encoding)
        if raw is None:
            return None
        imgs = tuple(sorted((r, v.os, v.build, tuple(v.os_versions), v.evidence) for r, v in images.items()))
        return (engine.generation, _SA_VOLUME.sub(_PLACEHOLDER, raw), imgs)  # a new profile is a new engine

    def get(self, key):
        if key is None:
            return None
        with self._lock:
            v = self._d.get(key)
            if v is None:
                self.misses += 1
                return None
            self._d.move_to_end(key)
            self.hits += 1
            return v

    def put(self, key, value, findings) -> None:
        if key is None or any("kube-api-access-" in f.message for f in findings):
            return
        with self._lock:
            self._d[key] = value
            if len(self._d) > self.size:
                self._d.popitem(last=False)


def check(knowledge, obj: dict, images: dict):
    """(findings, certain-failure reasons) for one object, from the cache when possible."""
    engine = knowledge.engine
    cache = getattr(knowledge, "decisions", None)
    key = cache.key(engine, obj, images) if cache is not None else None
    hit = cache.get(key) if cache is not None else None
    if hit is not None:
        return hit
    answer = engine.evaluate(obj, None, [], images)
    findings = answer.findings
    # the engine's own profile, and the targeting its rules already computed
    certain = certain_failure(obj, engine.options.profile, images, answer.targeting) if findings and answer.workload else []
    if cache is not None:
        cache.put(key, (findings, certain), findings)
    return findings, certain


def validate(req: Request, knowledge, images: dict, extra_warnings: list[str] = ()) -> Decision:
    policy: Policy = knowledge.policy
    obj = workload(req)
    if obj is None or req.operation not in ("CREATE", "UPDATE"):
        return Decision(True, warnings=list(extra_warnings), skipped=f"{req.kind or 'object'} {req.operation or ''}: nothing to check".strip())
    why = policy.excluded(req.namespace, object_labels(obj))
    if why:
        return Decision(True, skipped=why)
    findings, certain = check(knowledge, obj, images)
    old_keys: set = set()
    if findings and req.operation == "UPDATE" and isinstance(req.old, dict):
        old = req.old if req.old.get("kind") == obj["kind"] else dict(req.old, kind=obj["kind"])
        old_keys = {_key(f) for f in check(knowledge, old, images)[0]}
    d = Decision(True, warnings=list(extra_warnings), certain=certain)
    denials = []
    for f in findings:
        pre_existing = _key(f) in old_keys
        if pre_existing and req.sub_resource == "ephemeralcontainers":
            continue  # about the pod, not the debug container being added
        act = policy.action(f, bool(certain))
        if act == "deny" and pre_existing:
            act = "warn"  # an update must not be blocked by what the object already had
        if act == "off":
            continue
        d.findings.append((f, act))
        if act == "deny":
            denials.append(f)
        elif act == "warn":
            d.warnings.append(one_line(f"winkube {f.rule} ({f.stage.value}): {render(f.path)}: {f.message}"))
    d.context = knowledge.health.version_note
    if d.context and any(act == "warn" for _, act in d.findings):
        d.warnings.insert(len(extra_warnings), one_line(f"winkube: {d.context}"))
    if denials:
        d.allowed = False
        what = f"{obj.get('kind')} {req.namespace + '/' if req.namespace else ''}{req.name or as_dict(obj.get('metadata')).get('name') or as_dict(obj.get('metadata')).get('generateName') or ''}"
        lines = [f"winkube: {what.strip()} would fail on every node it can land on ({'; '.join(certain)})"
                 if certain else f"winkube: {what.strip()} is denied by the webhook configuration"]
        for f in denials:
            lines.append(f"[{f.rule}] {render(f.path)}: {f.message}" + (f" (fix: {f.fix})" if f.fix else ""))
        if d.context:
            lines.append(d.context)
        d.message = "; ".join(lines)
    d.warnings = d.warnings[:MAX_WARNINGS]
    return d


def warm_up(knowledge) -> None:
    """One review of each kind through the engines, so the first real review pays no import cost."""
    if knowledge.engine is None:
        return
    from .mutate import plan
    sample = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "warm-up", "labels": {"a": "b"}},
              "spec": {"containers": [{"name": "c", "image": "mcr.microsoft.com/windows/servercore:ltsc2022",
                                       "resources": {"requests": {"cpu": "1"}}}], "securityContext": {"runAsUser": 1}}}
    knowledge.engine.check_object(sample, None, [])
    certain_failure(sample, knowledge.profile, {})
    plan(sample, knowledge.profile, knowledge.policy, knowledge.admission_engine)


def image_refs(obj) -> list[str]:
    """Every image of a pod or workload (for the resolver)."""
    if not isinstance(obj, dict):
        return []
    view = pod_view(obj)
    if view is None:
        return []
    return [ref for _, ref in pod_images(view)]


__all__ = ["BadReview", "Request", "Decision", "DecisionCache", "parse", "response", "validate", "certain_failure",
           "image_refs"]
