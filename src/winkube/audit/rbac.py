"""The RBAC `winkube audit` needs: `winkube audit rbac | kubectl apply -f -`.

Two parts, so an administrator can leave the second out:
- a read-only ClusterRole (get, list, watch) on everything audit lists;
- the live kubelet configuration (audit/kubelet.py): a ClusterRole with get on nodes/proxy (configz
  through the API server's node proxy) and a Role in kube-system with get on the one ConfigMap
  kubeadm keeps it in. get on nodes/proxy is not read-only: it reaches every kubelet endpoint,
  exec over a WebSocket upgrade included (kubernetes/website: docs/reference/access-authn-authz/
  kubelet-authn-authz.md, "get nodes/proxy" warning; kubernetes/kubernetes#119640). Without it
  audit reads no configz and says so in a note.
"""
from __future__ import annotations

from .collect import RESOURCES
from .kubelet import CONFIGMAP_NAME, CONFIGMAP_NAMESPACE

RBAC_GROUP = "rbac.authorization.k8s.io"
KUBELET_SUFFIX = "-kubelet-config"
_LABELS = {"app.kubernetes.io/name": "winkube"}


def cluster_role(name: str = "winkube-audit") -> dict:
    by_group: dict[str, list[str]] = {}
    for r in RESOURCES:
        by_group.setdefault(r.group, []).append(r.plural)
    rules = [{"apiGroups": [g], "resources": sorted(p), "verbs": ["get", "list", "watch"]} for g, p in by_group.items()]
    return {
        "apiVersion": f"{RBAC_GROUP}/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": dict(_LABELS),
                     "annotations": {"winkube.io/purpose": "read-only access for winkube audit (nodes, RuntimeClasses, "
                                                           "workloads, pod statuses, events)"}},
        "rules": rules,
    }


def kubelet_roles(name: str = "winkube-audit") -> list[dict]:
    """The ClusterRole (nodes/proxy get) and the kube-system Role (the kubelet-config ConfigMap)."""
    return [
        {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "ClusterRole",
         "metadata": {"name": name + KUBELET_SUFFIX, "labels": dict(_LABELS),
                      "annotations": {"winkube.io/purpose": "winkube audit reads each Windows pool's running kubelet "
                                      "configuration at /api/v1/nodes/NAME/proxy/configz. NOT read-only: get on "
                                      "nodes/proxy reaches every kubelet endpoint (exec over WebSocket included); "
                                      "leave this role out to audit without it"}},
         "rules": [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}]},
        {"apiVersion": f"{RBAC_GROUP}/v1", "kind": "Role",
         "metadata": {"name": name + KUBELET_SUFFIX, "namespace": CONFIGMAP_NAMESPACE, "labels": dict(_LABELS),
                      "annotations": {"winkube.io/purpose": "winkube audit reads kubeadm's kubelet configuration"}},
         "rules": [{"apiGroups": [""], "resources": ["configmaps"], "resourceNames": [CONFIGMAP_NAME], "verbs": ["get"]}]},
    ]


def _subject(subject: str) -> dict:
    kind, _, rest = subject.partition(":")
    if kind == "serviceaccount":
        ns, _, sa = rest.partition(":")
        return {"kind": "ServiceAccount", "name": sa, "namespace": ns}
    return {"kind": kind.capitalize(), "name": rest, "apiGroup": RBAC_GROUP}


def _binding(role: dict, subj: dict) -> dict:
    kind = "RoleBinding" if role["kind"] == "Role" else "ClusterRoleBinding"
    meta = {"name": role["metadata"]["name"]}
    if role["kind"] == "Role":
        meta["namespace"] = role["metadata"]["namespace"]
    return {"apiVersion": f"{RBAC_GROUP}/v1", "kind": kind, "metadata": meta,
            "roleRef": {"apiGroup": RBAC_GROUP, "kind": role["kind"], "name": role["metadata"]["name"]},
            "subjects": [subj]}


def render(out, name: str = "winkube-audit", subject: str | None = None) -> None:
    """The roles as YAML; with subject ("user:NAME", "group:NAME" or "serviceaccount:NAMESPACE:NAME"),
    a binding for each too."""
    import yaml

    read_only = [cluster_role(name)]
    kubelet = kubelet_roles(name)
    if subject:
        subj = _subject(subject)
        read_only.append(_binding(read_only[0], subj))
        kubelet = [d for role in kubelet for d in (role, _binding(role, subj))]
    out.write("# winkube audit: read-only access (get, list, watch) to what it reads\n")
    out.write(yaml.safe_dump_all(read_only, sort_keys=False))
    out.write("---\n# the live kubelet configuration (configz through the node proxy, kubeadm's kubelet-config ConfigMap).\n"
              "# get on nodes/proxy is NOT read-only: it reaches every kubelet endpoint, exec included\n"
              "# (kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz). Leave these out to audit without it.\n")
    out.write(yaml.safe_dump_all(kubelet, sort_keys=False))
