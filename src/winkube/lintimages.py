"""`winkube lint --resolve-images`: the real platforms of every image in the input, read from
their registries once, handed to targeting in place of tag conventions."""
from __future__ import annotations

from dataclasses import dataclass

from .engine import expand
from .load.documents import read_text
from .model.finding import InputError
from .k8s.images import pod_images
from .k8s.versions import parse_build
from .model.podview import WORKLOAD_KINDS, pod_view


@dataclass(frozen=True, slots=True)
class ResolvedImage:
    """What targeting reads (the same attributes as an image-tag hint)."""

    os: str | None  # "windows" / "linux" when every platform has that OS; None for multi-OS images
    build: int | None
    evidence: str
    os_versions: tuple[str, ...]  # every Windows entry's os.version ("" when an entry has none)
    platforms: tuple = ()
    user: str | None = None  # the config's User when every platform's config was read and agrees


def image_refs(sources, pull_secrets: list | None = None) -> dict[str, str]:
    """Image ref -> the first file that uses it; image pull Secrets in the input are collected
    into pull_secrets (their credentials are used, never printed)."""
    refs: dict[str, str] = {}
    for src in sources:
        for doc in read_text(src.name, src.text, [], json_file=src.json):
            for sub, _ in expand(doc):
                obj = sub.obj
                if pull_secrets is not None and isinstance(obj, dict) and obj.get("kind") == "Secret" and \
                        obj.get("type") in ("kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"):
                    pull_secrets.append(obj)
                if not isinstance(obj, dict) or obj.get("kind") not in WORKLOAD_KINDS:
                    continue
                for _, ref in pod_images(pod_view(obj)):
                    refs.setdefault(ref, src.name)
    return refs


def summarize(platforms) -> ResolvedImage:
    real = [p for p in platforms if p.os in ("windows", "linux")]
    oses = {p.os for p in real}
    windows = [p for p in real if p.os == "windows"]
    versions = tuple(p.os_version or "" for p in windows)
    builds = {parse_build(v) for v in versions if v}
    listing = ", ".join(f"{p.os}/{p.architecture}" + (f" {p.os_version}" if p.os_version else "") for p in real)
    users = {getattr(p, "user", None) for p in real}
    return ResolvedImage(
        os=oses.pop() if len(oses) == 1 else None,
        build=builds.pop() if len(builds) == 1 else None,
        evidence=f"registry: {listing or 'no platforms'}",
        os_versions=versions, platforms=tuple(real),
        user=users.pop() if len(users) == 1 else None,  # (None also when an index's configs were not read)
    )


def resolve_for_lint(sources, args, errors: list[InputError]) -> dict[str, ResolvedImage]:
    from .registry.resolve import ResolveOptions, resolve_many_sync

    secrets: list = []
    refs = image_refs(sources, secrets)
    if not refs:
        return {}
    options = ResolveOptions(insecure_registries=tuple(getattr(args, "insecure_registry", ()) or ()),
                             ca_file=getattr(args, "ca_file", None), docker_config=getattr(args, "docker_config", None),
                             pull_secrets=secrets)
    answers = resolve_many_sync(list(refs), options)
    out: dict[str, ResolvedImage] = {}
    for ref, answer in answers.items():
        platforms = getattr(answer, "platforms", None)
        if platforms is None:
            # The image stays judged by its tag conventions; say why it could not be read.
            errors.append(InputError(refs[ref], f"image {ref}: {getattr(answer, 'message', answer)}"))
            continue
        out[ref] = summarize(platforms)
    return out
