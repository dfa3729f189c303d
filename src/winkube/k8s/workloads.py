"""Where the pod spec sits in each workload kind, and the container lists of a pod spec."""
from __future__ import annotations

from ..record import FrozenRecord

# kind -> path from the object root to the pod spec (ValidatePodTemplateSpec's prefixes)
POD_SPEC_PATHS: dict[str, tuple] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
}
WORKLOAD_KINDS = frozenset(POD_SPEC_PATHS)
# The kinds a cluster runs pods from (PodTemplate and ReplicationController are not read by audit:
# the first runs nothing, the second is legacy), in the order audit lists them.
CLUSTER_WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "CronJob", "Job", "Pod")
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
# Kinds that cluster state describes (the profile is built from them), with the rule scope they get.
CLUSTER_OBJECT_SCOPES = {"Node": "node", "RuntimeClass": "runtimeclass", "KubeletConfiguration": "kubeletconfig"}


def is_kubernetes_object(obj) -> bool:
    """A mapping with a string apiVersion and kind: what a directory walk lints (kube-linter,
    Trivy and kubeconform draw the same line); everything else in a YAML file is skipped."""
    if not (isinstance(obj, dict) and isinstance(obj.get("kind"), str) and obj["kind"]):
        return False
    if isinstance(obj.get("apiVersion"), str) and obj["apiVersion"]:
        return True
    # a list of objects saved by hand or by a script often drops the List's own apiVersion
    return obj["kind"].endswith("List") and isinstance(obj.get("items"), list)


def missing_api_version(obj) -> str | None:
    """For a document that is no Kubernetes object but names a kind winkube checks, kubectl's
    complaint ("Pod: apiVersion not set"): such a manifest is broken, not some other YAML."""
    if isinstance(obj, dict) and isinstance(obj.get("kind"), str) and not obj.get("apiVersion") \
            and (obj["kind"] in WORKLOAD_KINDS or obj["kind"] in CLUSTER_OBJECT_SCOPES):
        return f"{obj['kind']}: apiVersion not set"
    return None


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


class Resource(FrozenRecord):
    """A kind's REST resource: where the API server serves it."""

    __slots__ = ("kind", "group", "version", "plural", "namespaced")

    def __init__(self, kind: str, group: str, version: str, plural: str, namespaced: bool):  # group "": core
        for slot, value in zip(self.__slots__, (kind, group, version, plural, namespaced)):
            object.__setattr__(self, slot, value)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None) -> str:
        base = f"/api/{self.version}" if not self.group else f"/apis/{self.group}/{self.version}"
        if self.namespaced and namespace:
            return f"{base}/namespaces/{namespace}/{self.plural}"
        return f"{base}/{self.plural}"


RESOURCES: dict[str, Resource] = {r.kind: r for r in (
    Resource("Node", "", "v1", "nodes", False),
    Resource("RuntimeClass", "node.k8s.io", "v1", "runtimeclasses", False),
    Resource("Deployment", "apps", "v1", "deployments", True),
    Resource("StatefulSet", "apps", "v1", "statefulsets", True),
    Resource("DaemonSet", "apps", "v1", "daemonsets", True),
    Resource("ReplicaSet", "apps", "v1", "replicasets", True),
    Resource("CronJob", "batch", "v1", "cronjobs", True),
    Resource("Job", "batch", "v1", "jobs", True),
    Resource("ReplicationController", "", "v1", "replicationcontrollers", True),
    Resource("PodTemplate", "", "v1", "podtemplates", True),
    Resource("Pod", "", "v1", "pods", True),
    Resource("Event", "", "v1", "events", True),
)}
