"""Small helpers so rule tests read like the manifests they check.

`findings(obj_or_yaml)` runs the real engine (`Engine(Options(...)).check_object`, or for YAML
text `lint_sources`, so Node / RuntimeClass documents in the same text shape the profile as they
do on the command line). Builders wrap a pod spec in any workload kind; `WIN_SELECTOR` and
`WIN_TOLERATION` are what the upstream guide tells Windows pods to carry.
"""
from __future__ import annotations

import copy

from winkube.engine import Engine, Options
from winkube.load.inputs import Source
from winkube.model.finding import Finding
from winkube.model.profile import Profile, default_profile, profile_from_dict

WIN_SELECTOR = {"kubernetes.io/os": "windows"}
LINUX_SELECTOR = {"kubernetes.io/os": "linux"}
WIN_TOLERATION = {"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}
WIN_IMAGE = "mcr.microsoft.com/windows/servercore:ltsc2022"
WIN2025_IMAGE = "mcr.microsoft.com/windows/servercore:ltsc2025"
WIN2019_IMAGE = "mcr.microsoft.com/windows/servercore:ltsc2019"
LINUX_IMAGE = "registry.k8s.io/pause:3.10-linux-amd64"  # per-OS tag: read as Linux
PLAIN_IMAGE = "nginx:1.27"  # says nothing about its OS


def ctr(name: str = "app", image: str = PLAIN_IMAGE, sc: dict | None = None, **extra) -> dict:
    c = {"name": name, "image": image, **extra}
    if sc is not None:
        c["securityContext"] = sc
    return c


def _spec(spec: dict | None, **fields) -> dict:
    spec = copy.deepcopy(spec or {})
    spec.update(copy.deepcopy(fields))
    spec.setdefault("containers", [ctr()])
    return spec


def pod(spec: dict | None = None, labels: dict | None = None, annotations: dict | None = None, **fields) -> dict:
    meta = {"name": "p", "namespace": "default"}
    if labels:
        meta["labels"] = dict(labels)
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": _spec(spec, **fields)}


def _template(spec, labels, annotations, fields) -> dict:
    meta = {"labels": {"app": "x", **(labels or {})}}
    if annotations:
        meta["annotations"] = dict(annotations)
    return {"metadata": meta, "spec": _spec(spec, **fields)}


def deployment(spec: dict | None = None, labels: dict | None = None, annotations: dict | None = None, **fields) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": _template(spec, labels, annotations, fields)}}


def daemonset(spec: dict | None = None, labels: dict | None = None, annotations: dict | None = None, **fields) -> dict:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "ds"},
            "spec": {"selector": {"matchLabels": {"app": "x"}}, "template": _template(spec, labels, annotations, fields)}}


def cronjob(spec: dict | None = None, labels: dict | None = None, annotations: dict | None = None, **fields) -> dict:
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "cj"},
            "spec": {"schedule": "*/5 * * * *",
                     "jobTemplate": {"spec": {"template": _template(spec, labels, annotations, fields)}}}}


def podtemplate(spec: dict | None = None, labels: dict | None = None, annotations: dict | None = None, **fields) -> dict:
    return {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": "t"},
            "template": _template(spec, labels, annotations, fields)}


KINDS = {"Pod": pod, "Deployment": deployment, "CronJob": cronjob, "PodTemplate": podtemplate, "DaemonSet": daemonset}
PREFIX = {"Pod": "spec", "Deployment": "spec.template.spec", "DaemonSet": "spec.template.spec",
          "CronJob": "spec.jobTemplate.spec.template.spec", "PodTemplate": "template.spec"}


WIN_REQUESTS = {"requests": {"cpu": "100m", "memory": "300Mi"}}


def windows_spec(**fields) -> dict:
    """A correctly targeted Windows pod spec: selector, toleration, spec.os, a 2022 image with requests."""
    spec = {"os": {"name": "windows"}, "nodeSelector": dict(WIN_SELECTOR), "tolerations": [dict(WIN_TOLERATION)],
            "containers": [ctr(image=WIN_IMAGE, resources=copy.deepcopy(WIN_REQUESTS))]}
    spec.update(copy.deepcopy(fields))
    return spec


def unannounced_windows_spec(**fields) -> dict:
    """Targeted at Windows nodes, but without spec.os (the API server then checks nothing OS-specific)."""
    spec = windows_spec(**fields)
    if "os" not in fields:
        spec.pop("os")
    return spec


def profile(pools: list[dict], runtime_classes: list[dict] | None = None, **extra) -> Profile:
    data = {"name": "test", "nodePools": pools, **extra}
    if runtime_classes is not None:
        data["runtimeClasses"] = runtime_classes
    return profile_from_dict(data, "test")


LINUX_POOL = {"name": "lin", "os": "linux", "allocatable": {"cpu": "4", "memory": "16Gi"}}
WIN_POOL = {"name": "win22", "os": "windows", "windowsBuild": "10.0.20348",
            "taints": [{"key": "os", "value": "windows", "effect": "NoSchedule"}],
            "allocatable": {"cpu": "4", "memory": "16Gi"}}
WIN_POOL_UNTAINTED = {"name": "win22", "os": "windows", "windowsBuild": "10.0.20348",
                      "allocatable": {"cpu": "4", "memory": "16Gi"}}


def findings(obj_or_text, profile: Profile | None = None, **options) -> list[Finding]:
    """Every finding of the real engine for one object (a dict) or for YAML text (all documents)."""
    opts = Options(profile=profile if profile is not None else default_profile(), locate=False, **options)
    engine = Engine(opts)
    if isinstance(obj_or_text, str):
        result = engine.lint_sources([Source("test.yaml", obj_or_text, False)])
        assert not result.errors, [e.message for e in result.errors]
        return result.findings
    errors: list = []
    out = engine.check_object(copy.deepcopy(obj_or_text), None, errors)
    assert not errors, [e.message for e in errors]
    return out


def by_rule(found: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in found if f.rule == rule_id]


def only(found: list[Finding], rule_id: str) -> Finding:
    """The single finding of a rule (fails with every finding listed when there is not exactly one)."""
    hits = by_rule(found, rule_id)
    assert len(hits) == 1, f"expected one {rule_id} finding, got {[(f.rule, f.path_str, f.message) for f in found]}"
    return hits[0]


def rule_ids(found: list[Finding]) -> set[str]:
    return {f.rule for f in found}
