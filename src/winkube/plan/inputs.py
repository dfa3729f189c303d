"""What `winkube plan` reads: workloads to place, and the cluster they are placed on.

From files, directories or stdin (manifests, `kubectl get … -o yaml|json` dumps) and/or a live
cluster (winkube.cluster). Node and RuntimeClass objects describe the cluster; Pods that are
already bound (spec.nodeName, not finished, with a status: observed, not written by hand) are the
load on their nodes, not workloads; objects owned by another object of the input (a ReplicaSet
of a Deployment, the Pods of a Job) are planned through their owner.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..engine import expand
from ..k8s.workloads import is_kubernetes_object, missing_api_version
from ..load.documents import read_text
from ..model.finding import InputError
from ..k8s.workloads import CLUSTER_WORKLOAD_KINDS, RESOURCES
from ..model.podview import WORKLOAD_KINDS, as_dict, as_list
from .usage import bound_node


@dataclass
class Workload:
    obj: dict
    file: str | None = None
    line: int | None = None
    locate: Callable | None = None  # field path -> (line, column), for input errors inside the object


@dataclass
class PlanInput:
    workloads: list[Workload] = field(default_factory=list)
    nodes: list[dict] = field(default_factory=list)
    runtime_classes: list[dict] = field(default_factory=list)
    pods: list[dict] = field(default_factory=list)  # observed pods: the load on the nodes
    errors: list[InputError] = field(default_factory=list)

    def add(self, obj: dict, file: str | None = None, line: int | None = None, locate: Callable | None = None) -> None:
        kind = obj.get("kind")
        if kind == "Node":
            self.nodes.append(obj)
        elif kind == "RuntimeClass":
            self.runtime_classes.append(obj)
        elif kind in WORKLOAD_KINDS:
            if kind == "Pod" and observed(obj):
                self.pods.append(obj)
                if bound_node(obj) or as_dict(obj.get("status")).get("phase") in ("Succeeded", "Failed"):
                    return  # running (or done): load, not something to place
            self.workloads.append(Workload(obj, file, line, locate))

    def drop_owned(self) -> None:
        """Plan controllers, not what they create: drop objects whose owner is in the input."""
        uids = {as_dict(w.obj.get("metadata")).get("uid") for w in self.workloads}
        uids.discard(None)
        if not uids:
            return
        self.workloads = [w for w in self.workloads
                          if not any(isinstance(o, dict) and o.get("uid") in uids
                                     for o in as_list(as_dict(w.obj.get("metadata")).get("ownerReferences")))]


def observed(pod: dict) -> bool:
    """A Pod read from a cluster (it has a status phase or a uid), not a manifest."""
    return bool(as_dict(pod.get("status")).get("phase")) or bool(as_dict(pod.get("metadata")).get("uid"))


def read_sources(sources, into: PlanInput, locate: bool = True) -> None:
    for src in sources:
        for doc in read_text(src.name, src.text, into.errors, json_file=src.json):
            if not is_kubernetes_object(doc.obj):
                broken = missing_api_version(doc.obj)
                if broken:
                    into.errors.append(InputError(doc.file, broken, doc.locate(())[0] if locate else None))
                continue  # other YAML in a repository (workflows, values files) is skipped, as lint does
            parent = doc.obj if isinstance(doc.obj, dict) else {}
            list_kind = parent.get("kind") if isinstance(parent.get("kind"), str) else ""
            item_kind = list_kind[:-4] if list_kind.endswith("List") and list_kind != "List" else None
            for sub, _ in expand(doc):
                obj = sub.obj
                if not isinstance(obj, dict):
                    into.errors.append(InputError(sub.file, f"not a Kubernetes object (a {type(obj).__name__}, not a mapping)",
                                                  sub.locate(())[0] if locate else None))
                    continue
                if not (isinstance(obj.get("kind"), str) and obj.get("kind")) and item_kind:
                    obj = {**obj, "kind": item_kind}  # items of a typed list saved from the raw API
                if not isinstance(obj.get("kind"), str) or not obj.get("kind"):
                    into.errors.append(InputError(sub.file, "not a Kubernetes object: no kind", sub.locate(())[0] if locate else None))
                    continue
                line = sub.locate(())[0] if locate and obj.get("kind") in WORKLOAD_KINDS else None
                into.add(obj, sub.file, line, sub.locate if locate else None)


# Workload collections read from a live cluster when no manifests are given.
LIVE_WORKLOADS = tuple(RESOURCES[k] for k in CLUSTER_WORKLOAD_KINDS if k != "Pod")


def read_live(cluster, into: PlanInput, *, workloads: bool, namespace: str | None) -> None:
    """Nodes, RuntimeClasses and every pod (the load) from the cluster; its workloads too when asked.
    Raises winkube.cluster.ClusterError."""
    nodes, rcs, pods = RESOURCES["Node"], RESOURCES["RuntimeClass"], RESOURCES["Pod"]
    for node in cluster.list(nodes.path()):
        into.add({**node, "kind": "Node", "apiVersion": nodes.api_version})
    for rc in cluster.list(rcs.path()):
        into.add({**rc, "kind": "RuntimeClass", "apiVersion": rcs.api_version})
    for pod in cluster.list(pods.path()):  # the load counts in every namespace
        pod = {**pod, "kind": "Pod", "apiVersion": pods.api_version}
        ns = as_dict(pod.get("metadata")).get("namespace")
        if workloads and (namespace is None or ns == namespace):
            into.add(pod)
        else:
            into.pods.append(pod)
    if workloads:
        for res in LIVE_WORKLOADS:
            for obj in cluster.list(res.path(namespace)):
                into.add({**obj, "kind": res.kind, "apiVersion": res.api_version})
