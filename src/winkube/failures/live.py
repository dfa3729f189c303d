"""`winkube explain --pod NS/NAME`: read one pod, its node and its Events from the cluster, and
explain each failure message with the pod and node as context (or one pasted message, if given)."""
from __future__ import annotations

from dataclasses import dataclass

from . import Diagnosis, diagnose
from .context import Facts, ImageFact, facts_from_node, facts_from_pod
from .statuses import event_message, pod_messages

__all__ = ["PodFailures", "explain_pod"]


@dataclass
class PodFailures:
    pod: str
    node: str
    facts: Facts
    items: list[tuple[str, str, str, Diagnosis]]  # where, reason, message, diagnosis
    notes: list[str]


def registry_image_facts(refs: list[str], options) -> tuple[dict[str, ImageFact], list[str]]:
    """Each image's OS and Windows builds from its registry (winkube.registry): an image with any
    Windows entry counts as Windows (with those builds), one with only Linux entries as Linux."""
    from ..k8s.versions import parse_build
    from ..lintimages import summarize
    from ..registry.resolve import resolve_many_sync
    out: dict[str, ImageFact] = {}
    notes: list[str] = []
    for ref, answer in resolve_many_sync(refs, options).items():
        platforms = getattr(answer, "platforms", None)
        if platforms is None:
            notes.append(f"image {ref} not read from its registry ({getattr(answer, 'message', answer)}); judged by its tag")
            continue
        s = summarize(platforms)
        oses = {p.os for p in s.platforms}
        os_ = "windows" if "windows" in oses else ("linux" if "linux" in oses else None)
        builds = frozenset(b for b in (parse_build(v) for v in s.os_versions if v) if b)
        out[ref] = ImageFact(ref, os_, builds, s.evidence)
    return out, notes


def explain_pod(cluster, namespace: str, name: str, message: str | None = None, resolve=None) -> PodFailures:
    """Raises winkube.cluster.ClusterError when the pod cannot be read; a node or Events that cannot
    be read are noted and explained without. resolve: winkube.registry ResolveOptions to read the
    images' platforms from their registries (else image tag conventions)."""
    from ..cluster import ClusterError
    pod = cluster.get(f"/api/v1/namespaces/{namespace}/pods/{name}")
    notes: list[str] = []
    image_facts = None
    if resolve is not None:
        spec = pod.get("spec") or {}
        refs = [c.get("image") for k in ("initContainers", "containers") for c in spec.get(k) or () if isinstance(c.get("image"), str)]
        image_facts, more = registry_image_facts(list(dict.fromkeys(refs)), resolve)
        notes += more
    facts = facts_from_pod(pod, image_facts)
    node_name = (pod.get("spec") or {}).get("nodeName") or ""
    if node_name:
        try:
            facts = facts.merged(facts_from_node(cluster.get(f"/api/v1/nodes/{node_name}")))
        except ClusterError as e:
            notes.append(f"node {node_name} not read ({e}); explained without the node's OS and build")
    else:
        notes.append("the pod is not bound to a node yet")
    items: list[tuple[str, str, str, Diagnosis]] = []
    if message:
        items.append(("message", "", message, diagnose(message, facts)))
        return PodFailures(f"{namespace}/{name}", node_name, facts, items, notes)
    texts = list(pod_messages(pod))
    try:
        for ev in cluster.list(f"/api/v1/namespaces/{namespace}/events",
                               params={"fieldSelector": f"involvedObject.name={name}"}):
            if (ev.get("involvedObject") or {}).get("kind", "Pod") == "Pod" and ev.get("type") != "Normal":
                m = event_message(ev)
                if m:
                    texts.append(m)
    except ClusterError as e:
        notes.append(f"events not read ({e})")
    seen: set[str] = set()
    for where, reason, msg in texts:
        text = f"{reason}: {msg}" if reason and msg else (reason or msg)
        if text in seen:
            continue
        seen.add(text)
        d = diagnose(text, facts)
        if d.candidates or d.codes:
            items.append((where, reason, msg, d))
    return PodFailures(f"{namespace}/{name}", node_name, facts, items, notes)
