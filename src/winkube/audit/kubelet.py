"""The kubelet configuration a cluster runs with, for the kubeletconfig rules (the same rules `winkube
lint` runs on KubeletConfiguration files):

- live: `/configz` of one node per Windows pool, read through the API server's node proxy
  (`GET /api/v1/nodes/NAME/proxy/configz`; RBAC: get nodes/proxy). The kubelet serves its running
  configuration there as `{"kubeletconfig": {...}}` (k8s.io/component-base/configz; set in
  cmd/kubelet/app/server.go initConfigz). Nodes of one pool share labels, taints, runtime and
  kubelet version (model.profile.pools_from_nodes), so one node stands for its pool; reading every
  node would be one proxied request per node.
- kubeadm's `kube-system/kubelet-config` ConfigMap (key `kubelet`, the KubeletConfiguration kubeadm
  gives every node that joins; cmd/kubeadm/app/constants KubeletBaseConfigurationConfigMap), live
  (RBAC: get configmaps kubelet-config in kube-system) or from a dump that holds it.

What cannot be read is a note, never a failure: many clusters do not grant nodes/proxy (it reaches
every kubelet endpoint, exec over WebSocket included), managed platforms hide configz, and
non-kubeadm clusters have no ConfigMap.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..cluster import ClusterError

API_VERSION = "kubelet.config.k8s.io/v1beta1"
KIND = "KubeletConfiguration"
CONFIGMAP_NAMESPACE, CONFIGMAP_NAME, CONFIGMAP_KEY = "kube-system", "kubelet-config", "kubelet"
CONFIGMAP_PATH = f"/api/v1/namespaces/{CONFIGMAP_NAMESPACE}/configmaps/{CONFIGMAP_NAME}"
# a field that can hold credentials (HTTP headers for staticPodURL): never kept, never printed
_SECRET_FIELDS = ("staticPodURLHeader",)
RBAC_HINT = "`winkube audit rbac` prints the role that grants it"


def configz_path(node: str) -> str:
    return f"/api/v1/nodes/{node}/proxy/configz"


@dataclass
class KubeletInput:
    """One kubelet configuration to judge: where it came from and the object the rules see."""

    source: str  # "node win-1 (pool win22): /api/v1/nodes/win-1/proxy/configz"
    pool: str | None  # the pool it stands for (configz); None for the cluster-wide ConfigMap
    obj: dict


def _object(cfg: dict, name: str, namespace: str | None = None, node_os: str | None = None) -> dict:
    obj = {k: v for k, v in cfg.items() if k not in _SECRET_FIELDS}
    obj.setdefault("apiVersion", API_VERSION)  # configz of older kubelets may send no TypeMeta
    obj.setdefault("kind", KIND)
    obj["metadata"] = {"name": name, **({"namespace": namespace} if namespace else {})}
    if node_os:  # the node's OS: the kubelet rules then know it is Windows kubelet configuration
        obj["metadata"]["labels"] = {"kubernetes.io/os": node_os}
    return obj


def from_configz(body, node: str, node_os: str | None = None) -> dict | str:
    """The KubeletConfiguration object of a /configz answer, or what is wrong with the answer."""
    cfg = body.get("kubeletconfig") if isinstance(body, dict) else None
    if not isinstance(cfg, dict):
        return "the answer has no kubeletconfig object"
    if cfg.get("kind") not in (None, KIND) or not str(cfg.get("apiVersion") or API_VERSION).startswith("kubelet.config.k8s.io/"):
        return f"the answer is a {cfg.get('apiVersion')} {cfg.get('kind')}, not a KubeletConfiguration"
    return _object(cfg, node, node_os=node_os)


def from_configmap(cm: dict) -> dict | str:
    """The KubeletConfiguration in kubeadm's ConfigMap, or what is wrong with it."""
    import yaml

    data = cm.get("data") if isinstance(cm.get("data"), dict) else {}
    text = data.get(CONFIGMAP_KEY)
    if not isinstance(text, str):
        return f"it has no data.{CONFIGMAP_KEY}"
    try:
        cfg = yaml.safe_load(text)
    except yaml.YAMLError as e:
        return f"data.{CONFIGMAP_KEY} is not YAML ({type(e).__name__})"
    if not isinstance(cfg, dict) or cfg.get("kind") != KIND:
        return f"data.{CONFIGMAP_KEY} is not a KubeletConfiguration"
    return _object(cfg, CONFIGMAP_NAME, CONFIGMAP_NAMESPACE)


def is_kubeadm_configmap(obj: dict) -> bool:
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    return obj.get("kind") == "ConfigMap" and meta.get("namespace") == CONFIGMAP_NAMESPACE and meta.get("name") == CONFIGMAP_NAME


def configmap_input(cm: dict, notes: list[str]) -> KubeletInput | None:
    obj = from_configmap(cm)
    where = f"ConfigMap {CONFIGMAP_NAMESPACE}/{CONFIGMAP_NAME} (kubeadm)"
    if isinstance(obj, str):
        notes.append(f"kubelet configuration: {where} was not judged: {obj}")
        return None
    return KubeletInput(where, None, obj)


def read_live(cluster, pools, notes: list[str]) -> list[KubeletInput]:
    """configz of the first node of each Windows pool, then kubeadm's ConfigMap. Refusals and
    unreachable kubelets become notes; a 403 on nodes/proxy stops the node reads (it holds for all)."""
    out: list[KubeletInput] = []
    for pool in pools:
        if pool.os != "windows" or not pool.node_names:
            continue
        node = pool.node_names[0]
        path = configz_path(node)
        try:
            body = cluster.get(path, retry=False)  # the node proxy's 503 is the kubelet's silence, not load
        except ClusterError as e:
            if e.forbidden:
                notes.append(f"kubelet configuration: not read from the nodes: missing permission to {e.permission} "
                             f"({RBAC_HINT}; note that get on nodes/proxy reaches every kubelet endpoint)")
                break
            notes.append(f"kubelet configuration of pool {pool.name}: node {node} did not answer: {e.message}")
            continue
        obj = from_configz(body, node, pool.os)
        if isinstance(obj, str):
            notes.append(f"kubelet configuration of pool {pool.name}: {path}: {obj}")
            continue
        out.append(KubeletInput(f"node {node} (pool {pool.name}): {path}", pool.name, obj))
    try:
        cm = cluster.get(CONFIGMAP_PATH)
    except ClusterError as e:
        if e.forbidden:
            notes.append(f"kubelet configuration: kubeadm's ConfigMap not read: missing permission to {e.permission} ({RBAC_HINT})")
        elif e.status == 404:
            notes.append(f"kubelet configuration: no ConfigMap {CONFIGMAP_NAMESPACE}/{CONFIGMAP_NAME} (not a kubeadm cluster)")
        else:
            notes.append(f"kubelet configuration: kubeadm's ConfigMap not read: {e.message}")
        return out
    found = configmap_input(cm, notes)
    if found is not None:
        out.append(found)
    return out
