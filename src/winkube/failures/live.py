"""`winkube explain --pod NS/NAME`: read one pod, its node and its Events from the cluster, and
explain each failure message with the pod and node as context (or one pasted message, if given)."""
from __future__ import annotations

from dataclasses import dataclass

from . import Diagnosis, diagnose
from .context import Facts, facts_from_node, facts_from_pod
from .statuses import event_message, pod_messages

__all__ = ["PodFailures", "explain_pod"]


@dataclass
class PodFailures:
    pod: str
    node: str
    facts: Facts
    items: list[tuple[str, str, str, Diagnosis]]  # where, reason, message, diagnosis
    notes: list[str]


def explain_pod(cluster, namespace: str, name: str, message: str | None = None) -> PodFailures:
    """Raises winkube.cluster.ClusterError when the pod cannot be read; a node or Events that cannot
    be read are noted and explained without."""
    from ..cluster import ClusterError
    pod = cluster.get(f"/api/v1/namespaces/{namespace}/pods/{name}")
    facts = facts_from_pod(pod)
    notes: list[str] = []
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
