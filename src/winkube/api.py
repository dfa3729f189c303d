"""A small, typed surface for programs and tests (the webhook, the harness) over the engine."""
from __future__ import annotations

from .engine import Engine, Options, expand
from .load.documents import read_text
from .load.inputs import iter_sources
from .model.finding import InputError, Stage
from .model.paths import render
from .model.profile import default_profile, require_kube_version


def admission_errors(obj: dict, kube_version: str | None = None, allow_privileged: bool = True) -> set[tuple[str, str]]:
    """(field path in API server notation, error type) for every OS-dependent admission-stage
    finding on obj (a Pod, any workload kind, or a PodTemplate). For a Pod with
    ephemeralContainers, the answer is what the pods/ephemeralcontainers subresource would say."""
    profile = default_profile()
    profile.allow_privileged = allow_privileged
    options = Options(profile=profile, kube_version=require_kube_version(kube_version) if kube_version else None, locate=False)
    engine = Engine(options, {k: r for k, r in Engine(options).rules.items() if r.stage is Stage.ADMISSION})
    return {(render(f.path), f.error_type) for f in engine.check_object(obj) if f.error_type}


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
