"""A small, typed surface for programs and tests (the webhook, the harness) over the engine."""
from __future__ import annotations

from .engine import Engine, Options, expand
from .load.documents import read_text
from .load.inputs import iter_sources
from .model.finding import InputError, Stage
from .model.paths import render
from .k8s.releases import require as require_kube_version
from .model.profile import default_profile


def admission_errors(obj: dict, kube_version: str | None = None, allow_privileged: bool = True) -> set[tuple[str, str]]:
    """(field path in API server notation, error type) for every OS-dependent admission-stage
    finding on obj (a Pod, any workload kind, or a PodTemplate). For a Pod with
    ephemeralContainers, the answer is what the pods/ephemeralcontainers subresource would say."""
    profile = default_profile()
    profile.allow_privileged = allow_privileged
    options = Options(profile=profile, kube_version=require_kube_version(kube_version) if kube_version else None, locate=False)
    engine = Engine(options, {k: r for k, r in Engine(options).rules.items()
                              if r.stage is Stage.ADMISSION and not r.module.startswith(STRUCTURE_RULES)})
    return {(render(f.path), f.error_type) for f in engine.check_object(obj) if f.error_type}


# The structure family (served version, decoding, required fields and enums) is proven by its own
# differential (structural_verdict); admission_errors stays the OS-dependent validation.
STRUCTURE_RULES = "winkube.rules.structure."


def read_objects(paths: list[str]) -> tuple[list[tuple[str, dict]], list[str]]:
    """Every object in the given files/directories as (file, object), List items expanded; plus
    one human-readable error per unreadable document."""
    errors: list[InputError] = []
    objects: list[tuple[str, dict]] = []
    for src in iter_sources(paths, errors):
        for doc in read_text(src.name, src.text, errors, json_file=src.json):
            for sub, _ in expand(doc):
                if isinstance(sub.obj, dict):
                    objects.append((sub.file, sub.obj))
    return objects, [f"{e.file}:{e.line or '?'}: {e.message}" for e in errors]


def structural_verdict(obj: dict, kube_version: str | None = None) -> dict:
    """What kube-apiserver answers to a create of obj (dryRun, fieldValidation=Strict) before its
    Go validation runs, as winkube replays it: {"answer": "not-served" | "undecodable" (a type that
    decodes itself refused the value; the server names no field) | "type" (the first value of the
    wrong JSON type; "field" is the server's dotted path) | "unknown" ("fields": the strict paths) |
    "decoded", "warnings": the server's warning texts for deprecated node labels and fractional byte
    quantities, "causes": the validation causes winkube replays (structure/validate.py: Required,
    NotSupported, and the selector-vs-template Invalid) as sorted [field, type] pairs}."""
    from .model.podview import WORKLOAD_KINDS, pod_view
    from .structure.check import check
    from .structure.warnings import fractional_byte_warnings, node_label_warnings

    version = require_kube_version(kube_version) if kube_version else default_profile().kube_version
    s = check(obj, version)
    if s.served is False:
        return {"answer": "not-served", "warnings": []}
    d = s.decoded
    if d is not None and d.fatal is not None:
        t = d.fatal.type_error
        if t is not None:
            return {"answer": "type", "field": t.field, "got": t.got, "warnings": []}
        return {"answer": "undecodable", "warnings": []}
    if d is not None and d.type_error is not None:
        return {"answer": "type", "field": d.type_error.field, "got": d.type_error.got, "warnings": []}
    if d is not None and d.unknown:
        return {"answer": "unknown", "fields": sorted({p for _, p, _ in d.unknown}), "warnings": []}
    warnings = []
    if obj.get("kind") in WORKLOAD_KINDS:
        view = pod_view(obj)
        warnings = sorted({text for _, text in node_label_warnings(view) + fractional_byte_warnings(view)})
    causes = sorted({(render(c.path), c.type) for c in s.causes or ()})
    return {"answer": "decoded", "warnings": warnings, "causes": [list(c) for c in causes]}
